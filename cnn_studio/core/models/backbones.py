"""ImageNet backbones from torchvision, built through its weights API.

``build_torchvision(name, num_classes)`` never downloads: it builds the architecture with random
weights. Pretrained weights are handled in ``weights.py`` (hub cache, download on request, or a
user-supplied file). ``TORCHVISION_BACKBONES`` maps our registry names to torchvision's names.
"""

from __future__ import annotations

from typing import Any

from torch import nn

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


def build_torchvision(name: str, *, num_classes: int, **options: Any) -> nn.Module:
    """Build a torchvision backbone with random weights and a ``num_classes`` head."""
    import torchvision

    return torchvision.models.get_model(TORCHVISION_BACKBONES[name], weights=None, num_classes=num_classes,
                                        **options)


def imagenet_categories() -> list[str]:
    """Return the 1000 ImageNet class names in index order (torchvision's metadata; no download)."""
    import torchvision

    return list(torchvision.models.ResNet18_Weights.IMAGENET1K_V1.meta["categories"])
