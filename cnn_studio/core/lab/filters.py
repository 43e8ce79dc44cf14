"""``filters``: first-layer filters at random initialisation, after training, and from ImageNet.

One run trains EfficientNet-Lite0 (the zoo model with bundled ImageNet weights) from scratch on
the user's data; its first convolution (the stem: 32 RGB kernels of 3x3) is then shown side by side with the same layer at the
run's random start (rebuilt from the run's seed, as the engine builds it) and with the bundled
ImageNet weights: "edges and colours". Each kernel is a colour patch (mid-grey = 0).

The verdict measures structure with the share of each kernel's energy in the low spatial
frequencies (2-D DCT coefficients with u + v <= 1: flat colour and the first horizontal and
vertical gradients, i.e. colour blobs and edges). Random kernels spread their energy evenly, so
their share is about 3/9 = 0.33; smooth edge and colour detectors score higher.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from cnn_studio.core.config import ModelConfig, OptimConfig, TrainConfig
from cnn_studio.core.lab.recipe import DataFacts, Experiment, RunOutcome, RunSpec, Verdict, base_row
from cnn_studio.core.lab.transfer import bundled_model_data

# budget: (epochs, batch size, training images (None = all))
BUDGET_SETTINGS: dict[str, tuple[int, int, int | None]] = {
    "smoke": (1, 16, 48),
    "quick": (4, 64, 2000),
    "paper": (30, 64, None),
}
# Trained kernels count as structured when their low-frequency share beats the random start's by this much.
MARGIN = 0.05
PANELS = (("random", "random initialisation"), ("trained", "trained on your data"), ("imagenet", "ImageNet"))


def low_frequency_share(weight: np.ndarray) -> float:
    """Mean share of kernel energy in DCT coefficients with u + v <= 1 (per input channel, then averaged)."""
    w = np.asarray(weight, dtype=np.float64)
    k = w.shape[-1]
    n = np.arange(k)
    basis = np.cos(np.pi * (2 * n[None, :] + 1) * n[:, None] / (2 * k))  # (u, x)
    basis[0] *= 1 / math.sqrt(2)
    coeff = np.einsum("ux,...xy,vy->...uv", basis, w, basis)  # 2-D DCT-II (orthogonal up to scale)
    energy = coeff ** 2
    u, v = np.meshgrid(n, n, indexing="ij")
    low = energy[..., (u + v) <= 1].sum(axis=-1)
    total = energy.reshape(*energy.shape[:-2], -1).sum(axis=-1)
    share = np.where(total > 0, low / np.where(total > 0, total, 1), 0.0)
    return float(share.mean())


class FirstLayerFilters(Experiment):
    """EfficientNet-Lite0's stem filters: random, trained here, ImageNet."""

    name = "filters"
    version = 1
    title = "First-layer filters: random, trained, ImageNet"
    idea = ("The first convolution of a trained network looks at raw pixels, and its filters become "
            "detectors of oriented edges and colour blobs, the same ones found in the visual cortex. "
            "At random initialisation they are noise; training turns them into smooth patterns, and "
            "ImageNet's millions of images make them the cleanest.")
    claim = ("Training turns the random first-layer filters into smoother edge and colour detectors, "
             "closer to the ImageNet filters.")
    paper_figure = "Krizhevsky et al. 2012, ImageNet classification with deep CNNs, Fig. 3"
    figure_size = (12.0, 3.6)

    def runs(self, data: DataFacts, budget: str, device: str = "auto") -> list[RunSpec]:
        self.check_budget(budget)
        epochs, batch, images = BUDGET_SETTINGS[budget]
        model, run_data = bundled_model_data(data)
        cfg = TrainConfig(data=run_data, model=ModelConfig(name=model),
                          optim=OptimConfig(optimizer="adamw", lr=2e-3, weight_decay=1e-2, schedule="cosine"),
                          epochs=epochs, batch_size=batch, seed=0, device=device)
        return [RunSpec("trained", "EfficientNet-Lite0 from scratch", cfg, group="filters", max_train_images=images,
                        info={"num_classes": data.num_classes})]

    def finish(self, outcomes: Sequence[RunOutcome], folder: Path, dataset: Any) -> dict[str, Any]:
        trained = next((o for o in outcomes if o.name == "trained" and o.ok), None)
        if trained is None:
            return {"notes": ["The training run did not complete, so there are no trained filters to show."]}
        kernels = stem_kernels(trained)
        layer = kernels["layer"]
        kernels = {k: v for k, v in kernels.items() if k != "layer"}
        shares = {k: low_frequency_share(v) for k, v in kernels.items()}
        change = float(np.linalg.norm(kernels["trained"] - kernels["random"]) / np.linalg.norm(kernels["random"]))
        return {"filters": {"low_frequency_share": {k: round(v, 4) for k, v in shares.items()},
                            "relative_change_from_init": round(change, 4), "layer": layer},
                "_kernels": kernels}

    def verdict(self, outcomes: Sequence[RunOutcome], extra: Mapping[str, Any] | None = None) -> Verdict:
        facts = (extra or {}).get("filters")
        if not facts:
            return Verdict(self.claim, None, "The training run did not complete.", {})
        s = facts["low_frequency_share"]
        numbers = {f"{k}_low_frequency_share": v for k, v in s.items()}
        numbers["relative_change_from_init"] = facts["relative_change_from_init"]
        shown = s["trained"] > s["random"] + MARGIN
        text = (f"Share of kernel energy in low spatial frequencies (edges, colour blobs): random {s['random']:.2f}, "
                f"trained {s['trained']:.2f}, ImageNet {s['imagenet']:.2f}; the trained filters moved "
                f"{100 * facts['relative_change_from_init']:.0f}% away from their start.")
        if not shown:
            text += " Training was too short to give the filters clear structure; try the paper budget."
        return Verdict(self.claim, shown, text, numbers)

    def table(self, outcomes: Sequence[RunOutcome]) -> list[dict[str, Any]]:
        return [base_row(o) for o in outcomes]

    def draw(self, outcomes: Sequence[RunOutcome], figure: Any, extra: Mapping[str, Any] | None = None) -> None:
        from cnn_studio.core.viz.filters import filter_grid

        kernels = (extra or {}).get("_kernels") or {}
        shares = ((extra or {}).get("filters") or {}).get("low_frequency_share", {})
        axes = figure.subplots(1, 3)
        for ax, (key, title) in zip(axes, PANELS):
            ax.set_axis_off()
            if key not in kernels:
                ax.set_title(f"{title}\n(not available)")
                continue
            ax.imshow(filter_grid(kernels[key], normalization="per_filter", columns=8, zoom=8),
                      interpolation="nearest")
            ax.set_title(f"{title}\nlow-frequency share {shares.get(key, float('nan')):.2f}")
        layer = ((extra or {}).get("filters") or {}).get("layer", "")
        figure.suptitle(f"EfficientNet-Lite0 first layer ({layer}): RGB kernels, grey = 0")


def stem_kernels(trained: RunOutcome) -> dict[str, Any]:
    """The first conv's kernels at the run's random start, after training, and from ImageNet (+ its ``layer``)."""
    import torch

    from cnn_studio.core.checkpoint import load_checkpoint
    from cnn_studio.core.models.registry import get_model
    from cnn_studio.core.models.weights import build_model
    from cnn_studio.core.viz.filters import conv_layer_paths, layer_weight

    cfg = trained.spec.config
    classes = int(trained.spec.info.get("num_classes", 10))
    folder = Path(trained.run_dir)
    ckpt_path = folder / "last.pt" if (folder / "last.pt").is_file() else folder / "best.pt"
    state = load_checkpoint(ckpt_path)["model_state"]
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(cfg.seed)  # the engine seeds, then builds the model: the same start
        start = get_model(cfg.model.name, num_classes=classes, **dict(cfg.model.options))
    stem = conv_layer_paths(start)[0]
    imagenet = build_model(ModelConfig(name=cfg.model.name, pretrained="imagenet"), classes)
    return {"random": layer_weight(start, stem),
            "trained": state[f"{stem}.weight"].detach().float().cpu().numpy().copy(),
            "imagenet": layer_weight(imagenet, stem), "layer": stem}
