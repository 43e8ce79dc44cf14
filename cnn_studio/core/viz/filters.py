"""Convolution kernels as pictures.

A first-layer kernel on RGB input is shown as a colour patch (its three input-channel slices are
the red, green and blue of the patch). A deeper kernel has many input channels; it is shown per
output channel as one grey patch, either the mean over its input channels or one chosen input
channel. Values are mapped symmetrically around zero, so mid-grey is a zero weight, bright is
positive and dark is negative, with one scale shared by the whole layer (compare filters) or one
scale per filter (see the shape of weak filters too).

Everything here takes a weight array (numpy or tensor) or a model and returns numpy arrays, so the
same code draws the live model, a checkpoint, and the copies in a ``WeightsSnapshot`` event.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np

Normalization = Literal["shared", "per_filter"]

__all__ = [
    "conv_layer_paths",
    "layer_weight",
    "filter_images",
    "tile_images",
    "filter_grid",
]


def conv_layer_paths(model) -> list[str]:
    """Return the dotted paths of every 2-D convolution in ``model``, in definition order."""
    import torch.nn as nn

    return [name for name, m in model.named_modules() if isinstance(m, nn.Conv2d)]


def layer_weight(model, path: str) -> np.ndarray:
    """Return a copy of the kernel tensor (out, in/groups, kh, kw) of the conv at ``path``.

    Raises:
        KeyError: ``path`` does not name a module with a 4-D ``weight``.
    """
    import torch

    try:
        module = model.get_submodule(path)
    except AttributeError as exc:
        raise KeyError(f"the model has no layer {path!r}") from exc
    weight = getattr(module, "weight", None)
    if not isinstance(weight, torch.Tensor) or weight.dim() != 4:
        raise KeyError(f"layer {path!r} has no convolution kernel")
    return weight.detach().to("cpu", torch.float32).numpy().copy()


def _as_numpy(weight) -> np.ndarray:
    if hasattr(weight, "detach"):
        weight = weight.detach().to("cpu").float().numpy()
    array = np.asarray(weight, dtype=np.float32)
    if array.ndim != 4:
        raise ValueError(f"a conv kernel has 4 dimensions (out, in, kh, kw), got shape {array.shape}")
    return array


def _symmetric_scale(values: np.ndarray, axes: tuple[int, ...] | None) -> np.ndarray:
    """Map values to [0, 1] with 0 -> 0.5, using the max |value| over ``axes`` (None: all)."""
    peak = np.abs(values).max(axis=axes, keepdims=True) if axes is not None else np.abs(values).max()
    peak = np.where(peak > 0, peak, 1.0)
    return np.clip(0.5 + 0.5 * values / peak, 0.0, 1.0).astype(np.float32)


def filter_images(
    weight,
    *,
    input_channel: int | None = None,
    normalization: Normalization = "shared",
    rgb: bool | None = None,
) -> np.ndarray:
    """Turn a conv kernel into one image per output channel.

    Args:
        weight: kernel (out, in, kh, kw), numpy array or tensor.
        input_channel: show this input channel's slice instead of the mean over input channels.
        normalization: ``"shared"`` (one scale for the whole layer) or ``"per_filter"``.
        rgb: colour patches (needs 3 input channels); default: True when there are exactly 3
            input channels and no ``input_channel`` is chosen.

    Returns:
        float32 array in [0, 1], (out, kh, kw, 3) for colour patches, else (out, kh, kw).
        Zero weights are 0.5.
    """
    w = _as_numpy(weight)
    out_ch, in_ch = w.shape[:2]
    if normalization not in ("shared", "per_filter"):
        raise ValueError(f"normalization must be 'shared' or 'per_filter', not {normalization!r}")
    if rgb is None:
        rgb = in_ch == 3 and input_channel is None
    if rgb:
        if in_ch != 3:
            raise ValueError(f"colour patches need 3 input channels, this kernel has {in_ch}")
        patches = np.transpose(w, (0, 2, 3, 1))  # out, kh, kw, 3
        axes = (1, 2, 3) if normalization == "per_filter" else None
        return _symmetric_scale(patches, axes)
    if input_channel is not None:
        if not 0 <= input_channel < in_ch:
            raise ValueError(f"input channel {input_channel} is out of range (0..{in_ch - 1})")
        patches = w[:, input_channel]
    else:
        patches = w.mean(axis=1)
    axes = (1, 2) if normalization == "per_filter" else None
    return _symmetric_scale(patches, axes)


def tile_images(
    images: np.ndarray,
    *,
    columns: int | None = None,
    padding: int = 1,
    background: float = 1.0,
) -> np.ndarray:
    """Lay ``images`` (N, h, w[, 3]) out as one grid image, row by row.

    Args:
        images: the tiles, all the same size.
        columns: tiles per row; default: about square.
        padding: pixels between tiles (and around the grid).
        background: value of the padding.

    Returns:
        (rows*(h+p)+p, cols*(w+p)+p[, 3]) array of the same dtype.
    """
    images = np.asarray(images)
    n = images.shape[0]
    if n == 0:
        return np.full((1, 1) + images.shape[3:], background, dtype=images.dtype)
    h, w = images.shape[1:3]
    cols = columns or max(1, math.ceil(math.sqrt(n)))
    rows = math.ceil(n / cols)
    shape = (rows * (h + padding) + padding, cols * (w + padding) + padding) + images.shape[3:]
    grid = np.full(shape, background, dtype=images.dtype)
    for i in range(n):
        r, c = divmod(i, cols)
        y, x = padding + r * (h + padding), padding + c * (w + padding)
        grid[y:y + h, x:x + w] = images[i]
    return grid


def filter_grid(
    weight,
    *,
    input_channel: int | None = None,
    normalization: Normalization = "shared",
    columns: int | None = None,
    zoom: int = 1,
) -> np.ndarray:
    """Return all filters of a kernel as one grid image (see :func:`filter_images`).

    ``zoom`` repeats every kernel pixel ``zoom`` times in both directions (nearest neighbour), so a
    3x3 kernel stays a crisp block when drawn large.
    """
    tiles = filter_images(weight, input_channel=input_channel, normalization=normalization)
    if zoom > 1:
        tiles = tiles.repeat(zoom, axis=1).repeat(zoom, axis=2)
    return tile_images(tiles, columns=columns, padding=max(1, zoom // 2))
