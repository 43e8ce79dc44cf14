"""ImageNet backbones from torchvision, registered with their weights' metadata.

``build_torchvision(name, num_classes)`` never downloads: it builds the architecture with random
weights. Each backbone's ``PretrainedWeights`` says where its ImageNet weights come from (the
torchvision URL) and where they land (torch's hub cache); ``weights.py`` loads or downloads them.
``TORCHVISION_BACKBONES`` maps our registry names to torchvision's names.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

from torch import nn

from cnn_studio.core.models.zoo import IMAGENET_MEAN, IMAGENET_STD, ModelInfo, PretrainedWeights, register_model

# Registry name -> torchvision model name (the same here; kept as a map so names can diverge).
TORCHVISION_BACKBONES: dict[str, str] = {
    "resnet18": "resnet18",
    "resnet34": "resnet34",
    "resnet50": "resnet50",
    "vgg16_bn": "vgg16_bn",
    "mobilenet_v3_small": "mobilenet_v3_small",
    "mobilenet_v3_large": "mobilenet_v3_large",
    "efficientnet_b0": "efficientnet_b0",
}


def torchvision_weights(name: str) -> Any:
    """Return the default ImageNet weights enum member of a torchvision backbone (no download)."""
    import torchvision

    return torchvision.models.get_model_weights(TORCHVISION_BACKBONES[name]).DEFAULT


def build_torchvision(name: str, *, num_classes: int) -> nn.Module:
    """Build a torchvision backbone with random weights and a ``num_classes`` head."""
    import torchvision

    return torchvision.models.get_model(TORCHVISION_BACKBONES[name], weights=None, num_classes=num_classes)


def _url(name: str) -> str:
    return str(torchvision_weights(name).url)


def _hub_file(name: str) -> Path:
    import torch

    return Path(torch.hub.get_dir()) / "checkpoints" / os.path.basename(_url(name))


def _imagenet_weights(name: str, weights_name: str) -> PretrainedWeights:
    # ``weights_name`` is torchvision's DEFAULT member (a test checks it against torchvision).
    return PretrainedWeights(
        name=weights_name, dataset="ImageNet-1k", num_classes=1000, input_size=224, mean=IMAGENET_MEAN,
        std=IMAGENET_STD, origin="torchvision (download.pytorch.org)", bundled=False,
        file=functools.partial(_hub_file, name), url=functools.partial(_url, name))


def _register(name: str, title: str, description: str, head: str, stages: tuple[str, ...], num_params: int,
              weights_name: str = "IMAGENET1K_V1") -> None:
    register_model(ModelInfo(name, "transfer", title, description, input_size=224, min_input_size=32, head=head,
                             stages=stages, num_params=num_params, weights=_imagenet_weights(name, weights_name)))(
        functools.partial(build_torchvision, name))


_RESNET_STAGES = ("layer1", "layer2", "layer3", "layer4")
_register("resnet18", "ResNet-18 (ImageNet)",
          "torchvision's ResNet-18, pretrained on ImageNet: the usual first choice for transfer "
          "learning on a CPU. Designed for 224x224 input.", "fc", _RESNET_STAGES, 11_689_512)
_register("resnet34", "ResNet-34 (ImageNet)",
          "torchvision's ResNet-34, pretrained on ImageNet: deeper than ResNet-18 with the same basic "
          "blocks, a little more accurate. Designed for 224x224 input.", "fc", _RESNET_STAGES, 21_797_672)
_register("resnet50", "ResNet-50 (ImageNet)",
          "torchvision's ResNet-50 with bottleneck blocks, pretrained on ImageNet: a strong general "
          "backbone, best with a GPU. Designed for 224x224 input.", "fc", _RESNET_STAGES, 25_557_032, "IMAGENET1K_V2")
_register("vgg16_bn", "VGG-16 BN (ImageNet)",
          "torchvision's VGG-16 with BatchNorm, pretrained on ImageNet: the classic backbone of the "
          "course's transfer-learning lesson (Keras' block5_conv1 is features.34 here). Very large, "
          "most of its parameters in the fully connected classifier.", "classifier.6",
          ("features.0", "features.7", "features.14", "features.24", "features.34"), 138_365_992)
_register("mobilenet_v3_small", "MobileNetV3-Small (ImageNet)",
          "torchvision's MobileNetV3-Small, pretrained on ImageNet: tiny and fast, made for phones; "
          "a good backbone when the CPU is slow. Designed for 224x224 input.", "classifier.3",
          ("features.1", "features.2", "features.4", "features.7", "features.9"), 2_542_856)
_register("mobilenet_v3_large", "MobileNetV3-Large (ImageNet)",
          "torchvision's MobileNetV3-Large, pretrained on ImageNet: fast and accurate for its size. "
          "Designed for 224x224 input.", "classifier.3",
          ("features.1", "features.2", "features.4", "features.7", "features.11", "features.13"), 5_483_032,
          "IMAGENET1K_V2")
_register("efficientnet_b0", "EfficientNet-B0 (ImageNet)",
          "torchvision's EfficientNet-B0 (MBConv blocks with squeeze-and-excitation and SiLU), "
          "pretrained on ImageNet: high accuracy per parameter. Designed for 224x224 input.",
          "classifier.1", tuple(f"features.{i}" for i in range(1, 8)), 5_288_548)


def imagenet_categories() -> list[str]:
    """Return the 1000 ImageNet class names in index order (torchvision's metadata; no download)."""
    import torchvision

    return list(torchvision.models.ResNet18_Weights.IMAGENET1K_V1.meta["categories"])
