"""VGG-style networks for 32x32 input: stacks of 3x3 conv + BatchNorm + ReLU, five max-pools.

Module paths follow the Keras names the course uses (``block5_conv1`` is ``block5.conv1`` here):
``block1..block5`` each with ``conv1, bn1, relu1, conv2, ...`` and ``pool``; then ``pool`` (an
adaptive average pool, identity at 32 px) and ``classifier`` (one linear layer, 512 -> classes,
as in the common CIFAR variants).
"""

from __future__ import annotations

from torch import Tensor, nn

# Channels per conv, grouped by block (one max-pool after each block).
VGG_CONFIGS: dict[str, tuple[tuple[int, ...], ...]] = {
    "vgg11": ((64,), (128,), (256, 256), (512, 512), (512, 512)),
    "vgg16": ((64, 64), (128, 128), (256, 256, 256), (512, 512, 512), (512, 512, 512)),
}


class VGGCifar(nn.Module):
    """VGG with BatchNorm for small images."""

    def __init__(self, config: tuple[tuple[int, ...], ...], num_classes: int = 10, in_channels: int = 3) -> None:
        super().__init__()
        channels = in_channels
        for b, widths in enumerate(config, start=1):
            block = nn.Sequential()
            for c, width in enumerate(widths, start=1):
                block.add_module(f"conv{c}", nn.Conv2d(channels, width, 3, padding=1, bias=False))
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


def vgg11_bn_cifar(*, num_classes: int) -> VGGCifar:
    """VGG-11 with BatchNorm for 32x32 input (9.2M parameters for 10 classes)."""
    return VGGCifar(VGG_CONFIGS["vgg11"], num_classes)


def vgg16_bn_cifar(*, num_classes: int) -> VGGCifar:
    """VGG-16 with BatchNorm for 32x32 input (14.7M parameters for 10 classes)."""
    return VGGCifar(VGG_CONFIGS["vgg16"], num_classes)
