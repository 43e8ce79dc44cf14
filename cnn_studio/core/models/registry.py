"""The model zoo: metadata for every network and ``get_model`` to build one.

Like torchvision's registry (``list_models`` / ``get_model``), with the metadata the app shows:
a description, the input size the network was designed for (and the smallest it accepts), whether
pretrained weights exist, their normalisation, and the dotted paths of the head (the classifier
that is replaced for a new dataset) and of the stages (for freezing presets and activation views).
``get_model`` only builds architectures with random weights and never downloads; pretrained
weights are the job of ``weights.build_model``.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from torch import Tensor, nn

from cnn_studio.core.errors import ModelError
from cnn_studio.core.models import backbones, cifar_resnet, efficientnet_lite, simple_cnn, vgg

FAMILIES = ("basics", "vgg", "resnet_cifar", "plain_cifar", "transfer")
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


@dataclass(frozen=True)
class ModelInfo:
    """What the app knows about a network before building it.

    Attributes:
        name: registry name (``resnet20``).
        family: ``basics``, ``vgg``, ``resnet_cifar``, ``plain_cifar`` or ``transfer``.
        title: short display name.
        description: one paragraph for the model picker.
        input_size: the square input size the network was designed for.
        min_input_size: the smallest input the network accepts.
        has_pretrained: ImageNet weights exist for it.
        mean, std: the normalisation of the pretrained weights (None without weights).
        head: dotted path of the classifier replaced for a new number of classes.
        stages: dotted paths of the modules that start each stage, from input to head; the
            ``last-stage`` preset trains ``stages[-1]`` and everything after it.
        options: builder options and their defaults (e.g. ``{"batch_norm": True}``).
    """

    name: str
    family: str
    title: str
    description: str
    input_size: int
    min_input_size: int
    has_pretrained: bool
    mean: tuple[float, float, float] | None
    std: tuple[float, float, float] | None
    head: str
    stages: tuple[str, ...]
    options: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def to_json_dict(self) -> dict[str, Any]:
        """Return plain JSON-able data."""
        return {"name": self.name, "family": self.family, "title": self.title,
                "description": self.description, "input_size": self.input_size,
                "min_input_size": self.min_input_size, "has_pretrained": self.has_pretrained,
                "mean": list(self.mean) if self.mean else None, "std": list(self.std) if self.std else None,
                "head": self.head, "stages": list(self.stages), "options": dict(self.options)}


_RESNET_PAPER = {20: "0.27M", 32: "0.46M", 44: "0.66M", 56: "0.85M", 110: "1.7M"}
_REGISTRY: dict[str, tuple[ModelInfo, Callable[..., nn.Module]]] = {}


def _register(info: ModelInfo, builder: Callable[..., nn.Module]) -> None:
    if info.family not in FAMILIES:
        raise ValueError(f"unknown family {info.family}")
    _REGISTRY[info.name] = (info, builder)


def _builder_options(builder: Callable[..., nn.Module]) -> dict[str, Any]:
    sig = inspect.signature(builder)
    return {n: p.default for n, p in sig.parameters.items()
            if p.kind == p.KEYWORD_ONLY and n != "num_classes" and p.default is not p.empty}


def _cifar(name: str, family: str, title: str, description: str, builder: Callable[..., nn.Module],
           stages: tuple[str, ...], head: str, min_input_size: int) -> None:
    _register(ModelInfo(name, family, title, description, 32, min_input_size, False, None, None, head, stages,
                        _builder_options(builder)), builder)


_cifar("simple_cnn", "basics", "Simple CNN",
       "The course's first convolutional network: three blocks of 3x3 convolution, ReLU and 2x2 "
       "max-pooling (32, 64, 128 filters) followed by a fully connected layer, dropout and the output "
       "layer (softmax is applied by the loss). Turn BatchNorm on or off to see how it speeds up and "
       "stabilises training. About 0.6M parameters; trains in minutes on a CPU.",
       simple_cnn.simple_cnn, ("block1", "block2", "block3"), "classifier.4", 8)
_cifar("vgg11_bn_cifar", "vgg", "VGG-11 (BN, 32 px)",
       "VGG-11 with BatchNorm for 32x32 images: eight 3x3 convolutions in five blocks, each block "
       "ending in a 2x2 max-pool, then one linear layer. Shows how far plain stacks of small "
       "convolutions go. 9.2M parameters.",
       vgg.vgg11_bn_cifar, tuple(f"block{i}" for i in range(1, 6)), "classifier", 32)
_cifar("vgg16_bn_cifar", "vgg", "VGG-16 (BN, 32 px)",
       "VGG-16 with BatchNorm for 32x32 images: thirteen 3x3 convolutions in five blocks (paths "
       "block1.conv1 ... block5.conv3, like Keras' block5_conv1) and one linear layer. A strong but "
       "heavy CIFAR baseline (about 93-94% on CIFAR-10 with augmentation). 14.7M parameters.",
       vgg.vgg16_bn_cifar, tuple(f"block{i}" for i in range(1, 6)), "classifier", 32)
for _depth in (20, 32, 44, 56, 110):
    _n = (_depth - 2) // 6
    _cifar(f"resnet{_depth}", "resnet_cifar", f"ResNet-{_depth} (CIFAR)",
           f"The CIFAR ResNet of He et al. 2015 (section 4.2) with {_depth} layers: a 3x3 stem, three "
           f"stages of {_n} residual blocks on 32x32, 16x16 and 8x8 maps with 16, 32 and 64 filters, "
           f"global average pooling and a linear layer. Shortcut option A (parameter-free zero padding, "
           f"as in the paper) or B (1x1 projections). {_RESNET_PAPER[_depth]} parameters, as in the paper.",
           functools.partial(cifar_resnet.cifar_resnet, _depth), ("layer1", "layer2", "layer3"), "fc", 8)
    _cifar(f"plain{_depth}", "plain_cifar", f"Plain-{_depth} (CIFAR)",
           f"ResNet-{_depth} without its shortcut connections: the same {_depth} layers stacked plainly. "
           f"Train it beside resnet{_depth} for the paper's degradation experiment: deeper plain nets reach "
           f"a higher training error, which residual connections cure.",
           functools.partial(cifar_resnet.plain_cifar, _depth), ("layer1", "layer2", "layer3"), "fc", 8)
_cifar("resnet18_cifar", "resnet_cifar", "ResNet-18 (CIFAR stem)",
       "ResNet-18 adapted to 32x32 images: a 3x3 stem without max-pool keeps the full resolution, "
       "then four stages of two residual blocks (64 to 512 filters, projection shortcuts). About "
       "95% on CIFAR-10 with a long schedule; 11.2M parameters, slow on a CPU.",
       cifar_resnet.resnet18_cifar, ("layer1", "layer2", "layer3", "layer4"), "fc", 8)


def _transfer(name: str, title: str, description: str, head: str, stages: tuple[str, ...]) -> None:
    builder = functools.partial(backbones.build_torchvision, name)
    _register(ModelInfo(name, "transfer", title, description, 224, 32, True, IMAGENET_MEAN, IMAGENET_STD,
                        head, stages, {}), builder)


_RESNET_STAGES = ("layer1", "layer2", "layer3", "layer4")
_transfer("resnet18", "ResNet-18 (ImageNet)",
          "torchvision's ResNet-18, pretrained on ImageNet: the usual first choice for transfer "
          "learning on a CPU. 11.7M parameters, designed for 224x224 input.", "fc", _RESNET_STAGES)
_transfer("resnet34", "ResNet-34 (ImageNet)",
          "torchvision's ResNet-34, pretrained on ImageNet: deeper than ResNet-18 with the same basic "
          "blocks, a little more accurate. 21.8M parameters, 224x224 input.", "fc", _RESNET_STAGES)
_transfer("resnet50", "ResNet-50 (ImageNet)",
          "torchvision's ResNet-50 with bottleneck blocks, pretrained on ImageNet: a strong general "
          "backbone, best with a GPU. 25.6M parameters, 224x224 input.", "fc", _RESNET_STAGES)
_transfer("vgg16_bn", "VGG-16 BN (ImageNet)",
          "torchvision's VGG-16 with BatchNorm, pretrained on ImageNet: the classic backbone of the "
          "course's transfer-learning lesson (block5 starts at features.34). Very large: 138M "
          "parameters, most of them in the fully connected classifier.", "classifier.6",
          ("features.0", "features.7", "features.14", "features.24", "features.34"))
_transfer("mobilenet_v3_small", "MobileNetV3-Small (ImageNet)",
          "torchvision's MobileNetV3-Small, pretrained on ImageNet: tiny and fast, made for phones; "
          "a good backbone when the CPU is slow. 2.5M parameters, 224x224 input.", "classifier.3",
          ("features.1", "features.2", "features.4", "features.7", "features.9"))
_transfer("mobilenet_v3_large", "MobileNetV3-Large (ImageNet)",
          "torchvision's MobileNetV3-Large, pretrained on ImageNet: fast and accurate for its size. "
          "5.5M parameters, 224x224 input.", "classifier.3",
          ("features.1", "features.2", "features.4", "features.7", "features.11", "features.13"))
_transfer("efficientnet_b0", "EfficientNet-B0 (ImageNet)",
          "torchvision's EfficientNet-B0 (MBConv blocks with squeeze-and-excitation and SiLU), "
          "pretrained on ImageNet: high accuracy per parameter. 5.3M parameters, 224x224 input.",
          "classifier.1", tuple(f"features.{i}" for i in range(1, 8)))
_register(ModelInfo(
    "efficientnet_lite0", "transfer", "EfficientNet-Lite0 (ImageNet, offline)",
    "EfficientNet-Lite0: EfficientNet-B0 simplified for mobile hardware (ReLU6, no squeeze-and-"
    "excitation). Its ImageNet weights ship with CNN Studio, so transfer learning works without "
    "internet. 4.7M parameters, 224x224 input scaled to [-1, 1].",
    224, 32, True, (0.5, 0.5, 0.5), (0.5, 0.5, 0.5), "_fc", efficientnet_lite.stage_start_paths(),
    _builder_options(efficientnet_lite.efficientnet_lite0)), efficientnet_lite.efficientnet_lite0)


# --- public API ------------------------------------------------------------------------------
def list_models(family: str | None = None) -> list[str]:
    """Return the registry names, in zoo order, optionally of one family."""
    return [n for n, (info, _) in _REGISTRY.items() if family is None or info.family == family]


def get_model_info(name: str) -> ModelInfo:
    """Return the metadata of a model; ModelError for an unknown name."""
    try:
        return _REGISTRY[name][0]
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
    builder = _REGISTRY[name][1]
    if info.family != "transfer" or name == "efficientnet_lite0":
        unknown = sorted(set(options) - set(info.options))
        if unknown:
            allowed = ", ".join(info.options) or "none"
            raise ModelError(f"Model '{name}' has no option '{unknown[0]}' (options: {allowed}).")
    try:
        model = builder(num_classes=num_classes, **options)
    except (TypeError, ValueError) as exc:
        raise ModelError(f"Invalid options for model '{name}': {exc}.") from None
    model.register_forward_pre_hook(InputSizeGuard(info.title, info.min_input_size))
    return model


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
