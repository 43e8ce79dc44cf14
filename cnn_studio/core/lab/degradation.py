"""``degradation``: deeper plain nets train worse; residual connections fix it (He et al. 2015).

Four runs with one recipe: plain-20, plain-56, ResNet-20, ResNet-56 (the CIFAR nets of section
4.2, BatchNorm after every convolution, shortcut option A). The figure follows the paper's
Fig. 1 and Fig. 6: training error (thin) and test error (bold) in % per epoch, 20 vs 56 layers,
plain beside ResNet. The verdict compares the final training errors: the claim is about
*training* error (optimisation), not overfitting.

Why the settings: the paper trains at lr 0.1 and warms ResNet-110 up at 0.01 until it trains;
here every run gets a one-epoch linear warm-up to 0.1, which is what lets a plain-56 start at all
on small data (without it the first large steps can blow it up). A run whose loss diverges is a
failed run with its message, never a curve. ``quick`` keeps the effect and fits ~10 minutes on a
2-core CPU: 3,000 training images, 4 epochs of batch 64, cosine decay (the step schedule's low-rate tail is
too short to matter in 4 epochs). ``paper`` is the paper's 64k iterations at batch 128.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from cnn_studio.core.config import ModelConfig, OptimConfig, TrainConfig
from cnn_studio.core.lab import plots
from cnn_studio.core.lab.recipe import DataFacts, Experiment, RunOutcome, RunSpec, Verdict, base_row

# budget: (epochs, batch size, training images (None = all), schedule, warm-up epochs)
BUDGET_SETTINGS: dict[str, tuple[int, int, int | None, str, float]] = {
    "smoke": (1, 32, 96, "cosine", 0.5),
    "quick": (4, 64, 3000, "cosine", 1.0),
    # 64k iterations of batch 128 on 45k-50k images: about 164 epochs; lr /10 at 32k and 48k.
    "paper": (164, 128, None, "step", 1.0),
}
DEPTHS = (20, 56)
# The claim holds when plain-56's final training error is above plain-20's by at least this
# many percentage points (below it, the two are within run-to-run noise).
MARGIN_PP = 0.5


class Degradation(Experiment):
    """plain20, plain56, resnet20, resnet56 with the same recipe."""

    name = "degradation"
    version = 1
    title = "Degradation: deeper plain nets train worse, ResNets do not"
    idea = ("Stacking more layers should never hurt: a deeper net could copy the shallower one and "
            "make the extra layers identities. Yet a plain 56-layer net reaches a higher training "
            "error than a 20-layer one, an optimisation problem rather than overfitting. Residual "
            "connections make identities easy to learn, and then depth helps.")
    claim = ("The plain 56-layer net ends with a higher training error than the plain 20-layer net, "
             "while with residual connections the 56-layer net loses much less to its 20-layer twin, or gains.")
    paper_figure = "He et al. 2015, Deep Residual Learning, Fig. 1 and Fig. 6 (CIFAR-10)"

    def runs(self, data: DataFacts, budget: str, device: str = "auto") -> list[RunSpec]:
        self.check_budget(budget)
        epochs, batch, images, schedule, warmup = BUDGET_SETTINGS[budget]
        optim = OptimConfig(optimizer="sgd", lr=0.1, momentum=0.9, weight_decay=1e-4, schedule=schedule,
                            milestones=(0.5, 0.75), warmup_epochs=warmup)
        specs = []
        for family in ("plain", "resnet"):
            for depth in DEPTHS:
                name = f"{family}{depth}"
                cfg = TrainConfig(data=data.data, model=ModelConfig(name=name), optim=optim, epochs=epochs,
                                  batch_size=batch, seed=0, device=device)
                label = f"{'plain' if family == 'plain' else 'ResNet'}-{depth}"
                specs.append(RunSpec(name, label, cfg, group=family, max_train_images=images,
                                     info={"depth": depth, "residual": family == "resnet"}))
        return specs

    def verdict(self, outcomes: Sequence[RunOutcome], extra: Mapping[str, Any] | None = None) -> Verdict:
        by = {o.name: o for o in outcomes}
        numbers: dict[str, float | None] = {f"{n}_train_error": by[n].final_train_error() if n in by else None
                                            for n in ("plain20", "plain56", "resnet20", "resnet56")}
        numbers.update({f"{n}_test_error": by[n].final_test_error() if n in by else None
                        for n in ("plain20", "plain56", "resnet20", "resnet56")})
        p20, p56 = by.get("plain20"), by.get("plain56")
        missing = [o.spec.label for o in (p20, p56) if o is None or not o.ok]
        if missing:
            why = "; ".join(f"{o.spec.label} {o.status}" + (f" ({o.message})" if o.message else "")
                            for o in (p20, p56) if o is not None and not o.ok)
            return Verdict(self.claim, None, f"{', '.join(missing)} did not complete ({why}).", numbers)
        e20, e56 = p20.final_train_error(), p56.final_train_error()
        gap = e56 - e20
        numbers["plain_gap_pp"] = gap
        epochs = len(p56.history)
        text = (f"Training error after {epochs} epoch{'s' if epochs != 1 else ''}: plain-56 {e56:.1f}% vs "
                f"plain-20 {e20:.1f}% ({gap:+.1f} points)")
        r20, r56 = by.get("resnet20"), by.get("resnet56")
        resnet_ok = True
        if r20 is not None and r56 is not None and r20.ok and r56.ok:
            rgap = r56.final_train_error() - r20.final_train_error()
            numbers["resnet_gap_pp"] = rgap
            resnet_ok = rgap < gap  # the residual nets do not degrade the way the plain ones do
            text += (f"; ResNet-56 {r56.final_train_error():.1f}% vs ResNet-20 {r20.final_train_error():.1f}% "
                     f"({rgap:+.1f} points).")
        else:
            text += "; the ResNet runs did not complete, so only the degradation half is judged."
        if gap <= MARGIN_PP:
            text += f" The plain-56 is not worse by more than {MARGIN_PP} points, so degradation is not shown."
        elif not resnet_ok:
            text += " The ResNets lose as much with depth, so the residual cure is not shown."
        shown = gap > MARGIN_PP and resnet_ok
        return Verdict(self.claim, shown, text, numbers)

    def table(self, outcomes: Sequence[RunOutcome]) -> list[dict[str, Any]]:
        return [{**base_row(o), "layers": o.spec.info.get("depth"), "shortcuts": bool(o.spec.info.get("residual"))}
                for o in outcomes]

    def draw(self, outcomes: Sequence[RunOutcome], figure: Any, extra: Mapping[str, Any] | None = None) -> None:
        axes = figure.subplots(1, 2, sharey=True)
        colours = {20: "#e69f00", 56: "#d62728"}
        for ax, family, title in zip(axes, ("plain", "resnet"), ("plain networks", "ResNets")):
            for o in (o for o in outcomes if o.spec.group == family):
                colour = colours.get(int(o.spec.info.get("depth", 0)), None)
                plots.error_curves(ax, o, colour)
            ax.set_title(title)
            ax.set_xlabel("epoch")
            plots.finish_axes(ax)
        axes[0].set_ylabel("error (%)")
        figure.suptitle("thin: training error, bold: test error")
