"""Grad-CAM: where in the image the evidence for a class is (Selvaraju et al., 2017).

For a chosen layer with spatial output A (C x h x w) and a class score y_c, each channel gets the
weight alpha_k = mean over (h, w) of dy_c / dA_k, and the map is ReLU(sum_k alpha_k A_k),
upsampled bilinearly to the image and scaled to [0, 1].

The forward pass runs without autograd up to the chosen layer; its hook swaps the output for a
detached leaf that requires grad (handing a clone downstream, so an in-place ReLU cannot touch
it) and switches autograd on, so only the layers after it record a graph and the backward pass
stops there. That is cheaper than a full backward pass and works when the backbone is frozen.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from cnn_studio.core.viz.activations import first_tensor

__all__ = ["GradCam", "MIN_CAM_SIZE", "find_gradcam_layer", "gradcam", "is_coarse", "colorize", "overlay_heatmap"]

_LAYER_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class GradCam:
    """A Grad-CAM result for one image.

    Attributes:
        heatmap: float32 (H, W) in [0, 1] at the input image's size.
        coarse: float32 (h, w) the map at the layer's resolution, before upsampling (not scaled).
        layer: the module path used.
        class_index: the class explained.
        class_score: that class's logit.
        probabilities: softmax over the model output, float32 (num_classes,).
    """

    heatmap: np.ndarray
    coarse: np.ndarray
    layer: str
    class_index: int
    class_score: float
    probabilities: np.ndarray

    @property
    def predicted_index(self) -> int:
        """The class with the highest probability."""
        return int(np.argmax(self.probabilities))


#: The smallest map (min of h, w) Grad-CAM explains by default: ResNet's and VGG's last map at
#: 224 px is 7x7; a 2x2 or 4x4 map upsampled to the image is a near-uniform wash.
MIN_CAM_SIZE = 7


def find_gradcam_layer(model, x, min_size: int = MIN_CAM_SIZE) -> str:
    """Return the layer Grad-CAM explains by default for inputs shaped like ``x``.

    That is the coarsest spatial output still at least ``min_size`` x ``min_size``; among the
    modules producing it, the shallowest (a stage or block, not a layer inside the next block
    before its stride), and of those the last to finish (containers finish after their children).
    At 224 px this is a ResNet's ``layer4``; at 64 px, where ``layer4`` is 2x2, ``layer2`` (8x8).
    When no map reaches ``min_size`` the last spatial module (h * w > 1) is used: see
    :func:`is_coarse`. Cached per model, input shape and ``min_size``.

    Raises:
        ValueError: no module has a spatial output (not a convolutional network).
    """
    return _layer_choice(model, x, min_size)[0]


def _layer_choice(model, x, min_size: int) -> tuple[str, str]:
    """Return (the preferred layer, the last spatial layer) for inputs shaped like ``x``."""
    import torch

    key = (tuple(int(s) for s in x.shape[1:]), int(min_size))
    cached = _LAYER_CACHE.get(model)
    if cached is not None and cached[0] == key:
        return cached[1]
    from cnn_studio.core.models.hooks import forward_hooks

    seen: list[tuple[str, int]] = []  # (path, min(h, w)) in completion order

    def record(path: str, output) -> None:
        tensor = first_tensor(output)
        if tensor is not None and tensor.dim() == 4 and tensor.shape[2] * tensor.shape[3] > 1:
            seen.append((path, int(min(tensor.shape[2], tensor.shape[3]))))

    with forward_hooks(model, {p: m for p, m in model.named_modules() if p}, record), torch.inference_mode():
        model(x[:1])
    if not seen:
        raise ValueError("the model has no layer with a spatial output, so Grad-CAM cannot be drawn")
    fine = [(p, size) for p, size in seen if size >= min_size]
    if fine:
        coarsest = min(size for _, size in fine)
        at = [p for p, size in fine if size == coarsest]
        depth = min(p.count(".") for p in at)
        chosen = [p for p in at if p.count(".") == depth][-1]
    else:
        chosen = seen[-1][0]
    _LAYER_CACHE[model] = (key, (chosen, seen[-1][0]))
    return chosen, seen[-1][0]


def is_coarse(cam: "GradCam", min_size: int = MIN_CAM_SIZE) -> bool:
    """Whether ``cam``'s layer map is smaller than ``min_size`` on a side (a blurry, near-uniform map)."""
    return min(cam.coarse.shape) < min_size


def _leaf_swapper(store: dict):
    """Return a hook body that makes the layer's output a graph leaf (kept in ``store``) and turns
    gradients on, so autograd records only the layers after it."""
    import torch

    def swap_leaf(_path: str, output):
        if not isinstance(output, torch.Tensor):
            return None
        torch.set_grad_enabled(True)  # record the graph from here on only
        leaf = output.detach().requires_grad_(True)
        store["activation"] = leaf
        return leaf.clone()

    return swap_leaf


def gradcam(model, x, *, class_index: int | None = None, layer: str | None = None) -> GradCam:
    """Compute Grad-CAM for the first image of ``x``.

    Args:
        model: a CNN classifier returning logits (N, num_classes).
        x: normalised input batch on the model's device; only ``x[:1]`` is used.
        class_index: the class to explain; default: the predicted class.
        layer: module path with a spatial output; default: :func:`find_gradcam_layer`, and when
            that layer shows no positive evidence at all (an all-zero map: early layers of a
            briefly trained net), the last spatial layer instead.

    Raises:
        KeyError: ``layer`` does not name a module, or the forward pass does not use it.
        ValueError: the layer's output is not (N, C, h, w), or ``class_index`` is out of range.
    """
    x = x[:1]
    if layer is None:
        preferred, last = _layer_choice(model, x, MIN_CAM_SIZE)
        cam = _gradcam_at(model, x, class_index, preferred)
        if float(cam.coarse.max()) <= 0 and last != preferred:
            return _gradcam_at(model, x, class_index, last)
        return cam
    return _gradcam_at(model, x, class_index, layer)


def _gradcam_at(model, x, class_index: int | None, path: str) -> GradCam:
    import torch
    import torch.nn.functional as F

    try:
        module = model.get_submodule(path)
    except AttributeError as exc:
        raise KeyError(f"the model has no layer {path!r}") from exc
    from cnn_studio.core.models.hooks import forward_hooks

    store: dict[str, torch.Tensor] = {}
    with forward_hooks(model, {path: module}, _leaf_swapper(store)):
        with torch.no_grad():  # the hook switches gradients on after the chosen layer
            logits = first_tensor(model(x))
        with torch.enable_grad():
            activation = store.get("activation")
            if activation is None:
                raise KeyError(f"layer {path!r} was not used by the forward pass")
            if activation.dim() != 4:
                raise ValueError(f"layer {path!r} has no spatial output (shape {tuple(activation.shape)})")
            num_classes = logits.shape[1]
            index = int(logits[0].argmax()) if class_index is None else int(class_index)
            if not 0 <= index < num_classes:
                raise ValueError(f"class {index} is out of range (the model has {num_classes} classes)")
            score = logits[0, index]
            (grads,) = torch.autograd.grad(score, activation)
    with torch.no_grad():
        weights = grads.mean(dim=(2, 3), keepdim=True)
        cam = torch.relu((weights * activation).sum(dim=1, keepdim=True))
        up = F.interpolate(cam, size=tuple(x.shape[2:]), mode="bilinear", align_corners=False)[0, 0]
        peak = float(up.max())
        heat = (up / peak) if peak > 0 else torch.zeros_like(up)
        probs = torch.softmax(logits.detach()[0].float(), dim=0)
    return GradCam(
        heatmap=heat.to("cpu", torch.float32).numpy(),
        coarse=cam[0, 0].to("cpu", torch.float32).numpy(),
        layer=path,
        class_index=index,
        class_score=float(score.detach()),
        probabilities=probs.cpu().numpy(),
    )


# A compact "turbo"-like ramp: dark blue -> cyan -> green -> yellow -> red.
_RAMP = np.array(
    [[48, 18, 59], [70, 107, 227], [41, 187, 236], [42, 240, 153],
     [165, 252, 60], [240, 204, 58], [251, 128, 34], [215, 53, 6], [122, 4, 3]],
    dtype=np.float32,
)


def colorize(heatmap: np.ndarray) -> np.ndarray:
    """Map values in [0, 1] to RGB uint8 (H, W, 3) with a blue-to-red ramp."""
    h = np.clip(np.asarray(heatmap, dtype=np.float32), 0.0, 1.0) * (len(_RAMP) - 1)
    lo = np.floor(h).astype(np.int64)
    hi = np.minimum(lo + 1, len(_RAMP) - 1)
    t = (h - lo)[..., None]
    return (_RAMP[lo] * (1 - t) + _RAMP[hi] * t).round().astype(np.uint8)


def overlay_heatmap(image: np.ndarray, heatmap: np.ndarray, opacity: float = 0.5) -> np.ndarray:
    """Blend a coloured heatmap over an RGB image.

    Args:
        image: (H, W, 3) uint8 (or float in [0, 1]).
        heatmap: (h, w) in [0, 1]; resized to the image (nearest) when the sizes differ.
        opacity: 0 shows only the image, 1 only the heatmap.

    Returns:
        (H, W, 3) uint8.
    """
    img = np.asarray(image)
    if img.dtype != np.uint8:
        img = (np.clip(img, 0, 1) * 255).round().astype(np.uint8)
    heat = np.asarray(heatmap, dtype=np.float32)
    if heat.shape != img.shape[:2]:
        ys = (np.arange(img.shape[0]) * heat.shape[0] // img.shape[0]).clip(0, heat.shape[0] - 1)
        xs = (np.arange(img.shape[1]) * heat.shape[1] // img.shape[1]).clip(0, heat.shape[1] - 1)
        heat = heat[ys][:, xs]
    alpha = float(np.clip(opacity, 0.0, 1.0))
    blended = img.astype(np.float32) * (1 - alpha) + colorize(heat).astype(np.float32) * alpha
    return blended.round().clip(0, 255).astype(np.uint8)
