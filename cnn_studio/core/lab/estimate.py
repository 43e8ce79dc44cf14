"""How long an experiment will take, shown before it starts.

The estimate multiplies the images each run will process (training and one held-out pass per
epoch) by the seconds per image its model needs. Those rates were measured on this project's
reference machine, a 2-core x86 CPU (PyTorch, fp32, batch 128, 32 px input, nothing else
running); a cost scales with the input's pixel count. On a GPU the estimate is an upper bound.

A feature-extraction run on cached features (the default) pays one forward pass of the frozen
backbone per image and view, once, and nearly nothing per epoch; other freeze plans are counted
as full runs (an upper bound: their cached prefix is cheaper than that).
"""

from __future__ import annotations

from typing import Sequence

from cnn_studio.core.lab.recipe import DataFacts, RunSpec

# Training images per second on the reference 2-core CPU at 32 x 32 px (forward + backward).
# Held-out evaluation (forward only, no gradients) runs about three times faster.
TRAIN_IMAGES_PER_SECOND_32PX: dict[str, float] = {
    "plain20": 700.0, "resnet20": 700.0, "plain32": 450.0, "resnet32": 450.0, "plain44": 330.0,
    "resnet44": 330.0, "plain56": 250.0, "resnet56": 250.0, "plain110": 125.0, "resnet110": 125.0,
    "simple_cnn": 1500.0, "vgg11_bn_cifar": 230.0, "vgg16_bn_cifar": 150.0, "resnet18_cifar": 40.0,
}
# Other models by family; "transfer" is the bundled EfficientNet-Lite0's rate (the lab's backbone).
FAMILY_RATES: dict[str, float] = {"transfer": 900.0}
DEFAULT_RATE = 200.0
EVAL_SPEEDUP = 3.0
SETUP_SECONDS_PER_RUN = 3.0


def run_seconds(spec: RunSpec, data: DataFacts) -> float:
    """Estimated seconds of one run on the reference CPU."""
    cfg = spec.config
    size = cfg.data.input_size or data.image_size
    rate = _rate(spec.model) * (32.0 * 32.0) / float(size * size)
    train_images = min(data.train_images, spec.max_train_images or data.train_images)
    if cfg.feature_cache and cfg.freeze.preset == "feature-extraction":
        views = 2 if cfg.data.augment_flip else 1  # the mirror of each training image is cached too
        return SETUP_SECONDS_PER_RUN + (views * train_images + data.test_images) / (rate * EVAL_SPEEDUP)
    per_epoch = train_images / rate + data.test_images / (rate * EVAL_SPEEDUP)
    return SETUP_SECONDS_PER_RUN + cfg.epochs * per_epoch


def _rate(model: str) -> float:
    if model in TRAIN_IMAGES_PER_SECOND_32PX:
        return TRAIN_IMAGES_PER_SECOND_32PX[model]
    from cnn_studio.core.models.registry import get_model_info

    return FAMILY_RATES.get(get_model_info(model).family, DEFAULT_RATE)


def estimate_seconds(specs: Sequence[RunSpec], data: DataFacts) -> float:
    """Estimated seconds of a whole queue on the reference CPU."""
    return float(sum(run_seconds(s, data) for s in specs))


def format_duration(seconds: float) -> str:
    """``"about 7 min"``, ``"about 40 s"``, ``"about 3.5 h"``."""
    if seconds < 90:
        return f"about {max(1, round(seconds))} s"
    if seconds < 90 * 60:
        return f"about {round(seconds / 60)} min"
    return f"about {seconds / 3600:.1f} h"
