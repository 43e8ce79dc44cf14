"""``transfer-strategies``: four ways to use ImageNet weights on your own data.

All runs use EfficientNet-Lite0, whose ImageNet weights ship with CNN Studio (works offline), the
same optimiser (AdamW, lr 1e-3, cosine), the same epochs and the same input size:

1. ``scratch``: random weights, everything trains;
2. ``feature-extraction``: the pretrained network is frozen, only the new head trains;
3. ``last-stage``: the last stage and the head train (the pretrained stage at the head's rate);
4. ``full``: everything trains, the pretrained layers at 1/10 of the head's rate (the course's
   rule for fine-tuning).

Figure: held-out accuracy against training time (and per epoch). Table: trainable parameters,
seconds per epoch, best accuracy. Small images are upsampled on the device to the backbone's
suggested input size (64 px for 32 px images) so the ImageNet features see a sensible scale.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from typing import Any, Mapping, Sequence

from cnn_studio.core.config import DataConfig, FreezeConfig, ModelConfig, OptimConfig, TrainConfig
from cnn_studio.core.lab import plots
from cnn_studio.core.lab.recipe import DataFacts, Experiment, RunOutcome, RunSpec, Verdict, base_row



def bundled_model() -> str:
    """The zoo model whose ImageNet weights ship with CNN Studio (EfficientNet-Lite0): works offline."""
    from cnn_studio.core.models.weights import bundled_imagenet_model

    return bundled_imagenet_model()


def bundled_model_data(data: DataFacts) -> tuple[str, DataConfig]:
    """The bundled model's name and the run data at the input size it suggests for ``data``'s images."""
    from cnn_studio.core.models.registry import suggested_input_size

    model = bundled_model()
    return model, replace(data.data, input_size=suggested_input_size(model, data.image_size))

# budget: (epochs, batch size, training images (None = all))
BUDGET_SETTINGS: dict[str, tuple[int, int, int | None]] = {
    "smoke": (1, 16, 48),
    "quick": (3, 64, 2000),
    "paper": (15, 64, None),
}
# The pretrained start counts as better than scratch when its best accuracy is higher by this
# many percentage points.
MARGIN_PP = 1.0
# strategy: (label, pretrained, freeze preset, backbone lr multiplier)
STRATEGIES: tuple[tuple[str, str, str, str, float], ...] = (
    ("scratch", "from scratch", "none", "full", 1.0),
    ("feature_extraction", "feature extraction (head only)", "imagenet", "feature-extraction", 1.0),
    ("last_stage", "fine-tune last stage", "imagenet", "last-stage", 1.0),
    ("full_finetune", "full fine-tune, pretrained at lr/10", "imagenet", "full", 0.1),
)


class TransferStrategies(Experiment):
    """EfficientNet-Lite0: scratch, feature extraction, last stage, full fine-tune."""

    name = "transfer-strategies"
    version = 1
    title = "Transfer learning: four strategies compared"
    idea = ("A network trained on ImageNet has already learned edges, textures and object parts. On a "
            "small dataset you reuse them: freeze the network and train a new head (feature extraction), "
            "or also retrain the last stage, or fine-tune everything with a smaller learning rate for the "
            "pretrained layers. Which is best depends on the dataset's size and its similarity to ImageNet.")
    claim = ("Starting from ImageNet weights reaches a higher held-out accuracy than training the same "
             "network from scratch in the same number of epochs.")
    paper_figure = "Yosinski et al. 2014, How transferable are features, Fig. 2; the course's 2x2 transfer guide"

    def runs(self, data: DataFacts, budget: str, device: str = "auto") -> list[RunSpec]:
        self.check_budget(budget)
        epochs, batch, images = BUDGET_SETTINGS[budget]
        model, run_data = bundled_model_data(data)
        specs = []
        for name, label, pretrained, preset, mult in STRATEGIES:
            cfg = TrainConfig(
                data=run_data, model=ModelConfig(name=model, pretrained=pretrained),
                freeze=FreezeConfig(preset=preset, backbone_lr_mult=mult),
                optim=OptimConfig(optimizer="adamw", lr=1e-3, weight_decay=1e-2, schedule="cosine"),
                epochs=epochs, batch_size=batch, seed=0, device=device)
            specs.append(RunSpec(name, label, cfg, group="transfer", max_train_images=images,
                                 info={"strategy": name, "num_classes": data.num_classes, "input_size": run_data.input_size}))
        return specs

    def verdict(self, outcomes: Sequence[RunOutcome], extra: Mapping[str, Any] | None = None) -> Verdict:
        by = {o.name: o for o in outcomes}
        numbers: dict[str, float | None] = {f"{o.name}_best_accuracy": o.best_accuracy() for o in outcomes}
        scratch = by.get("scratch")
        pretrained = [o for o in outcomes if o.name != "scratch" and o.ok]
        if scratch is None or not scratch.ok or not pretrained:
            return Verdict(self.claim, None, "The from-scratch run or every pretrained run did not "
                           "complete.", numbers)
        best = max(pretrained, key=lambda o: o.best_accuracy() or 0.0)
        acc_best, acc_scratch = best.best_accuracy() or 0.0, scratch.best_accuracy() or 0.0
        gap = 100 * (acc_best - acc_scratch)
        numbers["gap_pp"] = gap
        ranking = ", ".join(f"{o.spec.label} {100 * (o.best_accuracy() or 0):.1f}%"
                            for o in sorted(outcomes, key=lambda o: -(o.best_accuracy() or 0)) if o.ok)
        fastest = min((o for o in outcomes if o.ok), key=seconds_per_epoch)
        text = (f"Best held-out accuracy after {len(best.history)} epochs: {ranking}. The best pretrained "
                f"strategy ({best.spec.label}) beats scratch by {gap:+.1f} points; the cheapest epoch is "
                f"{fastest.spec.label}'s ({seconds_per_epoch(fastest):.1f} s).")
        return Verdict(self.claim, gap > MARGIN_PP, text, numbers)

    def table(self, outcomes: Sequence[RunOutcome]) -> list[dict[str, Any]]:
        rows = []
        for o in outcomes:
            best = o.best_accuracy()
            rows.append({**base_row(o), "trainable_parameters": trainable_parameters(o.spec),
                         "seconds_per_epoch": round(seconds_per_epoch(o), 2),
                         "best_accuracy": round(100 * best, 2) if best is not None else None})
        return rows

    def draw(self, outcomes: Sequence[RunOutcome], figure: Any, extra: Mapping[str, Any] | None = None) -> None:
        ax_time, ax_epoch = figure.subplots(1, 2)
        colours = ("#7f7f7f", "#1f77b4", "#ff7f0e", "#2ca02c")
        for o, colour in zip(outcomes, colours):
            plots.accuracy_curve(ax_time, o, "seconds", colour)
            plots.accuracy_curve(ax_epoch, o, "epoch", colour)
        ax_time.set_xlabel("training time (s)")
        ax_epoch.set_xlabel("epoch")
        for ax in (ax_time, ax_epoch):
            ax.set_ylabel("held-out accuracy (%)")
        plots.finish_axes(ax_time)
        plots.finish_axes(ax_epoch, legend=False)
        figure.suptitle("EfficientNet-Lite0: ImageNet start vs scratch")


def seconds_per_epoch(o: RunOutcome) -> float:
    """Mean training seconds per epoch (0 without epochs)."""
    return o.seconds / len(o.history) if o.history else 0.0


def trainable_parameters(spec: RunSpec) -> int:
    """Parameters the run's optimiser updates (the model built and frozen as the run does)."""
    cfg = spec.config
    return _trainable(cfg.model.name, str(cfg.model.pretrained), cfg.freeze.preset,
                      int(spec.info.get("num_classes", 10)))


@functools.lru_cache(maxsize=32)
def _trainable(model: str, pretrained: str, preset: str, num_classes: int) -> int:
    from cnn_studio.core.models.freezing import apply_freeze
    from cnn_studio.core.models.registry import count_parameters, get_model, get_model_info

    info = get_model_info(model)
    net = get_model(model, num_classes=num_classes)  # freezing depends on the architecture only
    apply_freeze(net, FreezeConfig(preset=preset), info)
    return count_parameters(net, trainable_only=True)
