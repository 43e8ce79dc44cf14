"""Feature maps of any layer, captured with forward hooks.

Any module path works: a convolution, a BatchNorm, a ReLU, a pooling layer, or a whole block of a
nested torchvision / EfficientNet model (``layer3``, ``features.4.1``, ``blocks.6``). The hook
stores a copy of the module's output, so an in-place ReLU that runs afterwards cannot change what
we show. The model runs once for all the paths asked for, in eval mode and without gradients, and
its training/eval mode is restored afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

__all__ = [
    "FeatureMaps",
    "StageMap",
    "first_tensor",
    "capture_activations",
    "feature_maps",
    "stage_overview",
    "summarize_activation",
]


@dataclass(frozen=True)
class FeatureMaps:
    """One layer's output for one image, channels sorted by mean activation (largest first).

    Attributes:
        path: the module path.
        shape: the layer's output shape without the batch dimension, e.g. (64, 16, 16) or (10,).
        maps: float32 (C, H, W) in the layer's own units, sorted; a non-spatial output
            (N, F) becomes F maps of 1 x 1.
        channels: the original channel index of each map in ``maps``.
        means, minimums, maximums: per map (same order as ``maps``).
        value_range: (min, max) over the whole layer output.
    """

    path: str
    shape: tuple[int, ...]
    maps: np.ndarray
    channels: np.ndarray
    means: np.ndarray
    minimums: np.ndarray
    maximums: np.ndarray
    value_range: tuple[float, float]

    @property
    def spatial(self) -> bool:
        """True when the layer keeps a spatial layout (H x W larger than 1 x 1)."""
        return self.maps.shape[1] * self.maps.shape[2] > 1


@dataclass(frozen=True)
class StageMap:
    """A representative map of one stage for the overview strip.

    Attributes:
        path: the stage's module path ("input" for the image itself).
        shape: the stage's output shape without the batch dimension.
        image: float32 (H, W) in [0, 1] (the mean over channels, scaled to its own range), or
            (H, W, 3) for the input image.
        value_range: (min, max) of the stage's raw output.
    """

    path: str
    shape: tuple[int, ...]
    image: np.ndarray
    value_range: tuple[float, float]


def first_tensor(output):
    """Return the first tensor in a module output (tensors, tuples, lists, dicts)."""
    import torch

    if isinstance(output, torch.Tensor):
        return output
    if isinstance(output, dict):
        output = list(output.values())
    if isinstance(output, (tuple, list)):
        for item in output:
            found = first_tensor(item)
            if found is not None:
                return found
    return None


def _resolve(model, path: str):
    if path in ("", "model"):
        return model
    try:
        return model.get_submodule(path)
    except AttributeError as exc:
        raise KeyError(f"the model has no layer {path!r}") from exc


def capture_activations(model, x, paths: Iterable[str]) -> tuple[dict[str, "object"], "object"]:
    """Run ``model`` on ``x`` once and return the outputs of the modules at ``paths``.

    Args:
        model: any ``nn.Module``.
        x: input batch (N, C, H, W) on the model's device.
        paths: dotted module paths (``""`` is the whole model).

    Returns:
        ``(activations, logits)``: ``{path: detached CPU float tensor}`` for every path the forward
        pass reached (a module that is called several times keeps its last call), and the model
        output.

    Raises:
        KeyError: a path does not name a module.
    """
    import torch

    wanted = list(dict.fromkeys(paths))
    modules = {p: _resolve(model, p) for p in wanted}
    from cnn_studio.core.models.hooks import forward_hooks

    captured: dict[str, torch.Tensor] = {}

    def record(path: str, output) -> None:
        tensor = first_tensor(output)
        if tensor is not None:
            captured[path] = tensor.detach().to("cpu", torch.float32, copy=True)

    with forward_hooks(model, modules, record), torch.inference_mode():
        logits = model(x)
    return captured, first_tensor(logits).detach().to("cpu", torch.float32)


def summarize_activation(path: str, activation, *, max_channels: int | None = None) -> FeatureMaps:
    """Sort one captured activation's channels by mean (largest first) and add value ranges.

    Args:
        path: the module path (kept for labels).
        activation: the layer output for a batch; only the first item is used.
        max_channels: keep only this many strongest channels (None: all).
    """
    a = np.asarray(activation[0].numpy() if hasattr(activation, "numpy") else activation[0],
                   dtype=np.float32)
    shape = tuple(int(s) for s in a.shape)
    if a.ndim == 3:
        maps = a
    elif a.ndim == 1:
        maps = a.reshape(-1, 1, 1)
    elif a.ndim == 2:  # (tokens, features) or (H, W) with one channel
        maps = a.reshape(1, *a.shape)
    else:  # anything else: flatten the trailing dimensions to one row
        maps = a.reshape(a.shape[0], 1, -1)
    flat = maps.reshape(maps.shape[0], -1)
    means = flat.mean(axis=1)
    order = np.argsort(-means, kind="stable")
    if max_channels is not None:
        order = order[:max_channels]
    return FeatureMaps(
        path=path,
        shape=shape,
        maps=np.ascontiguousarray(maps[order]),
        channels=order.astype(np.int64),
        means=means[order],
        minimums=flat.min(axis=1)[order],
        maximums=flat.max(axis=1)[order],
        value_range=(float(flat.min()), float(flat.max())),
    )


def feature_maps(model, x, path: str, *, max_channels: int | None = None) -> FeatureMaps:
    """Return the feature maps of the layer at ``path`` for the first image of ``x``."""
    captured, _ = capture_activations(model, x, [path])
    if path not in captured:
        raise KeyError(f"layer {path!r} was not used by the forward pass")
    return summarize_activation(path, captured[path], max_channels=max_channels)


def _scaled(image: np.ndarray) -> np.ndarray:
    lo, hi = float(image.min()), float(image.max())
    if hi - lo <= 1e-12:
        return np.zeros_like(image, dtype=np.float32)
    return ((image - lo) / (hi - lo)).astype(np.float32)


def _stage_image(activation: np.ndarray) -> np.ndarray:
    """A representative 2-D picture of one stage output (without batch dimension)."""
    if activation.ndim == 3:
        return _scaled(activation.mean(axis=0))
    flat = activation.reshape(-1)
    side = int(np.ceil(np.sqrt(flat.size)))
    padded = np.full(side * side, flat.min() if flat.size else 0.0, dtype=np.float32)
    padded[: flat.size] = flat
    return _scaled(padded.reshape(side, side))


def stage_overview(
    model,
    x,
    stages: Sequence[str],
    *,
    image: np.ndarray | None = None,
    captured: dict | None = None,
) -> list[StageMap]:
    """One representative map per stage, input to head: the progression from edges to parts.

    Args:
        model: the network.
        x: input batch; only the first image is shown.
        stages: module paths in order (``ModelInfo.stages``).
        image: the picture to show as the first entry, (H, W, 3) uint8 or float in [0, 1]; default:
            the input tensor rescaled to [0, 1].
        captured: activations from an earlier :func:`capture_activations` call that included the
            stages (saves a forward pass).

    Returns:
        ``StageMap`` list starting with ``"input"``; stages the forward pass did not reach are
        left out.
    """
    if captured is None or any(s not in captured for s in stages):
        captured, _ = capture_activations(model, x, stages)
    if image is None:
        first = x[0].detach().to("cpu").float().numpy()
        picture = _scaled(np.transpose(first, (1, 2, 0))) if first.shape[0] == 3 else _scaled(first.mean(0))
    else:
        picture = np.asarray(image, dtype=np.float32)
        if picture.max() > 1.0:
            picture = picture / 255.0
    in_shape = tuple(int(s) for s in x.shape[1:])
    result = [StageMap("input", in_shape, picture, (float(x.min()), float(x.max())))]
    for path in stages:
        if path not in captured:
            continue
        a = captured[path][0].numpy()
        result.append(StageMap(path, tuple(int(s) for s in a.shape), _stage_image(a),
                               (float(a.min()), float(a.max()))))
    return result
