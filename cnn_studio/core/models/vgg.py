"""VGG-style networks for 32x32 input: stacks of 3x3 conv + BatchNorm + ReLU, five max-pools.

``batch_norm=False`` drops the BatchNorm layers (the convolutions get biases), for the BatchNorm
lesson; the module paths of the convolutions and pools stay the same.

Module paths follow the Keras names the course uses (``block5_conv1`` is ``block5.conv1`` here):
``block1..block5`` each with ``conv1, bn1, relu1, conv2, ...`` and ``pool``; then ``pool`` (an
adaptive average pool, identity at 32 px) and ``classifier`` (one linear layer, 512 -> classes,
as in the common CIFAR variants).
"""

from __future__ import annotations

from torch import Tensor, nn

from cnn_studio.core.models.zoo import BATCH_NORM_OPTION, ModelInfo, register_model

# Channels per conv, grouped by block (one max-pool after each block).
VGG_CONFIGS: dict[str, tuple[tuple[int, ...], ...]] = {
    "vgg11": ((64,), (128,), (256, 256), (512, 512), (512, 512)),
    "vgg16": ((64, 64), (128, 128), (256, 256, 256), (512, 512, 512), (512, 512, 512)),
}


class VGGCifar(nn.Module):
    """VGG (with or without BatchNorm) for small images."""

    def __init__(self, config: tuple[tuple[int, ...], ...], num_classes: int = 10, in_channels: int = 3,
                 batch_norm: bool = True) -> None:
        super().__init__()
        channels = in_channels
        for b, widths in enumerate(config, start=1):
            block = nn.Sequential()
            for c, width in enumerate(widths, start=1):
                block.add_module(f"conv{c}", nn.Conv2d(channels, width, 3, padding=1, bias=not batch_norm))
                if batch_norm:
                    block.add_module(f"bn{c}", nn.BatchNorm2d(width))
                block.add_module(f"relu{c}", nn.ReLU(inplace=True))
                channels = width
            block.add_module("pool", nn.MaxPool2d(2))
            self.add_module(f"block{b}", block)
        self.num_blocks = len(config)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.classifier = nn.Linear(channels, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x: Tensor) -> Tensor:
        for b in range(1, self.num_blocks + 1):
            x = getattr(self, f"block{b}")(x)
        return self.classifier(self.flatten(self.pool(x)))


_STAGES = tuple(f"block{i}" for i in range(1, 6))


@register_model(ModelInfo(
    "vgg11_bn_cifar", "vgg", "VGG-11 (BN, 32 px)",
    "VGG-11 with BatchNorm for 32x32 images: eight 3x3 convolutions in five blocks, each block "
    "ending in a 2x2 max-pool, then one linear layer. Shows how far plain stacks of small "
    "convolutions go; BatchNorm can be turned off for the BatchNorm lesson.",
    input_size=32, min_input_size=32, head="classifier", stages=_STAGES, num_params=9_228_362,
    option_specs=(BATCH_NORM_OPTION,)))
def vgg11_bn_cifar(*, num_classes: int, batch_norm: bool = True) -> VGGCifar:
    """VGG-11 (BatchNorm on by default) for 32x32 input."""
    return VGGCifar(VGG_CONFIGS["vgg11"], num_classes, batch_norm=bool(batch_norm))


@register_model(ModelInfo(
    "vgg16_bn_cifar", "vgg", "VGG-16 (BN, 32 px)",
    "VGG-16 with BatchNorm for 32x32 images: thirteen 3x3 convolutions in five blocks (paths "
    "block1.conv1 ... block5.conv3, Keras' block1_conv1 ... block5_conv3) and one linear layer. A "
    "strong but heavy CIFAR baseline (about 93-94% on CIFAR-10 with augmentation).",
    input_size=32, min_input_size=32, head="classifier", stages=_STAGES, num_params=14_724_042,
    option_specs=(BATCH_NORM_OPTION,)))
def vgg16_bn_cifar(*, num_classes: int, batch_norm: bool = True) -> VGGCifar:
    """VGG-16 (BatchNorm on by default) for 32x32 input."""
    return VGGCifar(VGG_CONFIGS["vgg16"], num_classes, batch_norm=bool(batch_norm))
