"""``batchnorm``: BatchNorm speeds training and allows a larger learning rate (Ioffe & Szegedy 2015).

Runs, all SGD with momentum 0.9 and the same schedule:

- the course's simple CNN without and with BatchNorm at the same learning rate (0.01);
- the simple CNN with BatchNorm at ten times that rate (0.1), and, to show what "allows" means,
  without BatchNorm at that rate (it trains badly or diverges: a diverged run is reported as
  failed, never drawn);
- VGG-11 without and with BatchNorm at the same rate (0.01).

Figure: held-out accuracy per epoch (left) and against training time (middle) and the training
loss (right). Table: best accuracy, and the epochs and seconds each run needed to reach a common
target (95% of the lower of the two best accuracies compared), the "time-to-accuracy".
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

from cnn_studio.core.config import ModelConfig, OptimConfig, TrainConfig
from cnn_studio.core.lab import plots
from cnn_studio.core.lab.recipe import DataFacts, Experiment, RunOutcome, RunSpec, Verdict, base_row

LR = 0.01
HIGH_LR = 0.1
# budget: (epochs, batch size, training images (None = all), VGG epochs)
BUDGET_SETTINGS: dict[str, tuple[int, int, int | None, int]] = {
    "smoke": (1, 32, 96, 1),
    "quick": (8, 64, 4000, 4),
    # Ioffe & Szegedy compare over many epochs; 30 with a cosine decay is enough to see the plateau.
    "paper": (30, 64, None, 30),
}
TARGET_FRACTION = 0.95
# (run, BN run it is compared with) pairs for time-to-accuracy
PAIRS = (("simple_nobn", "simple_bn"), ("vgg_nobn", "vgg_bn"), ("simple_nobn_high", "simple_bn_high"))


def _spec(name: str, label: str, model: str, options: dict[str, Any], lr: float, epochs: int, batch: int,
          images: int | None, data: DataFacts, device: str, group: str, bn: bool) -> RunSpec:
    optim = OptimConfig(optimizer="sgd", lr=lr, momentum=0.9, weight_decay=5e-4, schedule="cosine")
    cfg = TrainConfig(data=data.data, model=ModelConfig(name=model, options=options), optim=optim,
                      epochs=epochs, batch_size=batch, seed=0, device=device)
    return RunSpec(name, label, cfg, group=group, max_train_images=images, info={"batch_norm": bn, "lr": lr})


class BatchNormExperiment(Experiment):
    """Simple CNN and VGG-11, with and without BatchNorm."""

    name = "batchnorm"
    version = 1
    title = "BatchNorm: faster training and larger learning rates"
    idea = ("BatchNorm normalises each layer's inputs over the mini-batch, so every layer sees inputs of a "
            "steady scale while the earlier layers change. The same network then learns in fewer epochs "
            "at the same learning rate, and tolerates a learning rate that makes the plain version fail.")
    claim = ("With BatchNorm the same network reaches a given held-out accuracy sooner at the same "
             "learning rate, and at a 10x larger learning rate it trains better than without BatchNorm.")
    paper_figure = "Ioffe & Szegedy 2015, Batch Normalization, Fig. 1(a) and Fig. 2 (time to accuracy)"

    def runs(self, data: DataFacts, budget: str, device: str = "auto") -> list[RunSpec]:
        self.check_budget(budget)
        epochs, batch, images, vgg_epochs = BUDGET_SETTINGS[budget]
        simple = {"input_size": data.image_size}
        common = dict(batch=batch, images=images, data=data, device=device)
        return [
            _spec("simple_nobn", f"simple CNN, no BN, lr {LR:g}", "simple_cnn", {**simple, "batch_norm": False},
                  LR, epochs, group="simple", bn=False, **common),
            _spec("simple_bn", f"simple CNN, BN, lr {LR:g}", "simple_cnn", {**simple, "batch_norm": True},
                  LR, epochs, group="simple", bn=True, **common),
            _spec("simple_bn_high", f"simple CNN, BN, lr {HIGH_LR:g}", "simple_cnn",
                  {**simple, "batch_norm": True}, HIGH_LR, epochs, group="simple", bn=True, **common),
            _spec("simple_nobn_high", f"simple CNN, no BN, lr {HIGH_LR:g}", "simple_cnn",
                  {**simple, "batch_norm": False}, HIGH_LR, epochs, group="simple", bn=False, **common),
            _spec("vgg_nobn", f"VGG-11, no BN, lr {LR:g}", "vgg11_bn_cifar", {"batch_norm": False}, LR,
                  vgg_epochs, group="vgg", bn=False, **common),
            _spec("vgg_bn", f"VGG-11, BN, lr {LR:g}", "vgg11_bn_cifar", {"batch_norm": True}, LR,
                  vgg_epochs, group="vgg", bn=True, **common),
        ]

    def verdict(self, outcomes: Sequence[RunOutcome], extra: Mapping[str, Any] | None = None) -> Verdict:
        by = {o.name: o for o in outcomes}
        numbers: dict[str, float | None] = {f"{o.name}_best_accuracy": o.best_accuracy() for o in outcomes}
        nobn, bn = by.get("simple_nobn"), by.get("simple_bn")
        if nobn is None or bn is None or not (nobn.ok and bn.ok):
            return Verdict(self.claim, None, "The simple CNN pair at the same learning rate did not "
                           "both complete.", numbers)
        parts, checks = [], []
        for slow, fast in PAIRS[:2]:
            a, b = by.get(slow), by.get(fast)
            if a is None or b is None or not (a.ok and b.ok):
                continue
            auc_a, auc_b = mean_accuracy(a), mean_accuracy(b)
            numbers[f"{slow}_mean_accuracy"], numbers[f"{fast}_mean_accuracy"] = auc_a, auc_b
            checks.append(auc_b > auc_a)
            target = time_to_target(a, b)
            parts.append(f"{b.spec.label.split(',')[0]}: mean held-out accuracy over the epochs {100 * auc_b:.1f}% with "
                         f"BN vs {100 * auc_a:.1f}% without" + (
                             f"; {100 * target['target']:.1f}% reached after {_epochs(target['b_epochs'])} with BN vs "
                             f"{_epochs(target['a_epochs'])} without" if target else ""))
        high_ok, text = _high_lr_check(by.get("simple_bn_high"), by.get("simple_nobn_high"), nobn)
        if high_ok is not None:
            parts.append(text)
            checks.append(high_ok)
        # a contradicted check decides; a missing high-rate pair leaves the second half untested
        shown = False if not all(checks) else (None if high_ok is None else True)
        return Verdict(self.claim, shown, "; ".join(parts) + ".", numbers)

    def table(self, outcomes: Sequence[RunOutcome]) -> list[dict[str, Any]]:
        by = {o.name: o for o in outcomes}
        reach: dict[str, tuple[int | None, float | None]] = {}
        for slow, fast in PAIRS:
            a, b = by.get(slow), by.get(fast)
            if a is not None and b is not None and a.ok and b.ok:
                t = time_to_target(a, b)
                if t:
                    reach[slow], reach[fast] = (t["a_epochs"], t["a_seconds"]), (t["b_epochs"], t["b_seconds"])
        rows = []
        for o in outcomes:
            best = o.best_accuracy()
            epochs, seconds = reach.get(o.name, (None, None))
            rows.append({**base_row(o), "batch_norm": bool(o.spec.info.get("batch_norm")), "lr": o.spec.info.get("lr"),
                         "best_accuracy": round(100 * best, 2) if best is not None else None,
                         "epochs_to_target": epochs, "seconds_to_target": round(seconds, 1) if seconds else None})
        return rows

    def draw(self, outcomes: Sequence[RunOutcome], figure: Any, extra: Mapping[str, Any] | None = None) -> None:
        ax_epoch, ax_time, ax_loss = figure.subplots(1, 3)
        colours = {"simple": ("#1f77b4", "#ff7f0e"), "vgg": ("#2ca02c", "#9467bd")}
        for o in outcomes:
            pair = colours.get(o.spec.group, ("#555555", "#000000"))
            colour = pair[1] if o.spec.info.get("batch_norm") else pair[0]
            style = "--" if o.spec.info.get("lr") == HIGH_LR else "-"
            plots.accuracy_curve(ax_epoch, o, "epoch", colour, style)
            plots.accuracy_curve(ax_time, o, "seconds", colour, style)
            plots.loss_curve(ax_loss, o, colour, style)
        for ax, xlabel, ylabel in ((ax_epoch, "epoch", "held-out accuracy (%)"),
                                   (ax_time, "training time (s)", "held-out accuracy (%)"),
                                   (ax_loss, "epoch", "training loss")):
            ax.set_xlabel(xlabel)
            ax.set_ylabel(ylabel)
        plots.finish_axes(ax_epoch)
        plots.finish_axes(ax_time, legend=False)
        plots.finish_axes(ax_loss, legend=False)
        figure.suptitle("BatchNorm on (orange/purple) and off (blue/green); dashed: 10x learning rate")


def _high_lr_check(high: RunOutcome | None, plain_high: RunOutcome | None,
                   plain_low: RunOutcome) -> tuple[bool | None, str]:
    """At the 10x rate, does BN train better than no BN (a failed no-BN run counts as 0%)?"""
    if high is None or not high.ok or plain_high is None or plain_high.status not in ("completed", "failed"):
        return None, ""
    bn_acc = high.best_accuracy() or 0.0
    plain_acc = 0.0 if plain_high.status == "failed" else (plain_high.best_accuracy() or 0.0)
    fate = "failed (diverged)" if plain_high.status == "failed" else f"{100 * plain_acc:.1f}%"
    return bn_acc > plain_acc, (
        f"at lr {HIGH_LR:g}, best held-out accuracy {100 * bn_acc:.1f}% with BN vs {fate} without "
        f"(without BN at lr {LR:g}: {100 * (plain_low.best_accuracy() or 0):.1f}%)")


def _epochs(value: int | None) -> str:
    return "never" if value is None else f"{value} epoch{'s' if value != 1 else ''}"


def mean_accuracy(o: RunOutcome) -> float:
    """Mean held-out accuracy over the epochs: the area under the accuracy curve, per epoch."""
    values = [float(r["heldout_accuracy"]) for r in o.history if r.get("heldout_accuracy") is not None]
    return sum(values) / len(values) if values else math.nan


def time_to_target(a: RunOutcome, b: RunOutcome, fraction: float = TARGET_FRACTION) -> dict[str, Any] | None:
    """Epochs and seconds ``a`` and ``b`` need to reach ``fraction`` of the lower of their best accuracies."""
    best_a, best_b = a.best_accuracy(), b.best_accuracy()
    if best_a is None or best_b is None:
        return None
    target = fraction * min(best_a, best_b)
    out: dict[str, Any] = {"target": target}
    for key, o in (("a", a), ("b", b)):
        out[f"{key}_epochs"], out[f"{key}_seconds"] = None, None
        for record, elapsed in zip(o.history, o.elapsed()):
            if record.get("heldout_accuracy") is not None and float(record["heldout_accuracy"]) >= target:
                out[f"{key}_epochs"], out[f"{key}_seconds"] = int(record["epoch"]), elapsed
                break
    return out
