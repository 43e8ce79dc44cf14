"""The model zoo's public API: ``list_models``, ``get_model_info``, ``get_model``.

Like torchvision's registry: each builder module registers its networks with ``register_model``
(see ``zoo.py``) next to the builder; importing the builder modules here fills the registry, in
zoo order. ``get_model`` only builds architectures with random weights and never downloads;
pretrained weights are the job of ``weights.build_model``.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, Mapping

from torch import Tensor, nn

from cnn_studio.core.errors import ModelError
# Imported for their registrations (zoo order: basics, VGG, CIFAR ResNets, ImageNet backbones).
from cnn_studio.core.models import simple_cnn, vgg, cifar_resnet, backbones, efficientnet_lite  # noqa: F401,I001
from cnn_studio.core.models.zoo import (  # noqa: F401 - re-exported
    FAMILIES, IMAGENET_MEAN, IMAGENET_STD, REGISTRY, ModelInfo, ModelOption, PretrainedWeights, register_model,
)


# --- public API ------------------------------------------------------------------------------
def list_models(family: str | None = None) -> list[str]:
    """Return the registry names, in zoo order, optionally of one family."""
    return [n for n, (info, _) in REGISTRY.items() if family is None or info.family == family]


def get_model_info(name: str) -> ModelInfo:
    """Return the metadata of a model; ModelError for an unknown name."""
    try:
        return REGISTRY[name][0]
    except KeyError:
        raise ModelError(f"Unknown model '{name}'; run 'cnn-studio models' to see the zoo.") from None


class InputSizeGuard:
    """Forward pre-hook: a clear ModelError instead of a shape error for too-small inputs."""

    def __init__(self, title: str, min_size: int) -> None:
        self.title = title
        self.min_size = min_size

    def __call__(self, module: nn.Module, args: tuple[Any, ...]) -> None:
        x = args[0] if args else None
        if isinstance(x, Tensor) and x.dim() == 4 and min(x.shape[-2:]) < self.min_size:
            h, w = x.shape[-2:]
            raise ModelError(f"{self.title} needs inputs of at least {self.min_size}x{self.min_size} pixels "
                             f"(got {h}x{w}); set the input size to {self.min_size} or more.")


def check_input_size(name: str, size: int) -> None:
    """Raise ModelError when ``size`` is too small for the model (before any forward pass)."""
    info = get_model_info(name)
    if size < info.min_input_size:
        raise ModelError(f"{info.title} needs inputs of at least {info.min_input_size}x{info.min_input_size} "
                         f"pixels (got {size}); set the input size to {info.min_input_size} or more.")


def suggested_input_size(name: str, image_size: int) -> int:
    """Return a sensible working input size for images of ``image_size`` pixels.

    CIFAR-style networks take the images as they are. Backbones designed for 224 px get the image
    size rounded up to a multiple of 32 and clamped to 64..224 (small images are upsampled on the
    device: 32 px CIFAR images become 64 px), so pretrained features see objects at a scale closer
    to ImageNet's without the full 224 px cost.
    """
    info = get_model_info(name)
    if info.family != "transfer":
        return max(int(image_size), info.min_input_size)
    rounded = -(-int(image_size) // 32) * 32
    return int(min(info.input_size, max(64, rounded)))


def get_model(name: str, *, num_classes: int, **options: Any) -> nn.Module:
    """Build a model with random weights (never downloads).

    Args:
        name: a registry name (see ``list_models``).
        num_classes: outputs of the head.
        **options: builder options listed in ``ModelInfo.options`` (e.g. ``batch_norm=False``,
            ``shortcut="B"``).

    Raises:
        ModelError: unknown model, bad class count or unknown/invalid option.
    """
    info = get_model_info(name)
    if not isinstance(num_classes, int) or isinstance(num_classes, bool) or num_classes < 1:
        raise ModelError(f"The number of classes must be a positive whole number, not {num_classes!r}.")
    builder = REGISTRY[name][1]
    problem = option_problem(name, options)
    if problem:
        raise ModelError(problem)
    try:
        model = builder(num_classes=num_classes, **options)
    except (TypeError, ValueError) as exc:
        raise ModelError(f"Invalid options for model '{name}': {exc}.") from None
    model.register_forward_pre_hook(InputSizeGuard(info.title, info.min_input_size))
    return model


def builder_options(name: str) -> dict[str, Any]:
    """Return every keyword option of a model's builder and its default (``ModelInfo.option_specs``
    lists the ones a learner is meant to change; the others are for tests and experiments)."""
    sig = inspect.signature(_builder(name))
    return {n: p.default for n, p in sig.parameters.items()
            if p.kind == p.KEYWORD_ONLY and n != "num_classes" and p.default is not p.empty}


def _builder(name: str) -> Callable[..., nn.Module]:
    get_model_info(name)
    return REGISTRY[name][1]


def _fits(value: Any, default: Any) -> bool:
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(default, (tuple, list)):
        return isinstance(value, (tuple, list))
    return isinstance(value, type(default)) if default is not None else True


def option_problem(name: str, options: Mapping[str, Any]) -> str | None:
    """Return one sentence on the first unknown or mistyped option of model ``name``, else None."""
    info = get_model_info(name)
    known = builder_options(name)
    specs = {o.name: o for o in info.option_specs}
    for key, value in options.items():
        if key not in known:
            allowed = ", ".join(info.options) or "none"
            return f"Model '{name}' has no option '{key}' (options: {allowed})."
        spec = specs.get(key)
        if spec is not None and spec.choices is not None:
            if str(value).upper() not in {str(c).upper() for c in spec.choices}:
                choices = " or ".join(repr(c) for c in spec.choices)
                return f"{spec.title} option '{key}' of '{name}' must be {choices}, not {value!r}."
        elif not _fits(value, known[key]):
            kind = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}.get(
                type(known[key]), "a list" if isinstance(known[key], tuple) else type(known[key]).__name__)
            return f"Option '{key}' of model '{name}' must be {kind}, not {value!r}."
    return None


def count_parameters(model: nn.Module, trainable_only: bool = False) -> int:
    """Return the number of parameters (all, or only those with ``requires_grad``)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


@functools.lru_cache(maxsize=None)
def parameter_count(name: str, num_classes: int = 10) -> int:
    """Return a model's parameter count without allocating weights (built on the meta device)."""
    import torch

    with torch.device("meta"):
        model = get_model(name, num_classes=num_classes)
    return count_parameters(model)
