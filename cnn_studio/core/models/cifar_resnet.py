"""The CIFAR ResNets and plain nets of He et al. 2015, section 4.2, and ResNet-18 for 32x32.

``resnet{20,32,44,56,110}``: a 3x3 conv with 16 filters, then three stages of ``n`` basic blocks
(two 3x3 convs each) on 32x32, 16x16 and 8x8 maps with 16, 32 and 64 filters, global average
pooling and a linear layer: 6n+2 weighted layers. Shortcut option A (the paper's choice for
CIFAR) is a parameter-free identity that subsamples and zero-pads channels when the shape changes;
option B uses a 1x1 convolution + BatchNorm projection there. ``plain*`` nets are the same stacks
without shortcuts, for the degradation experiment (deeper plain nets train *worse*).

Module paths follow torchvision: ``conv1``, ``bn1``, ``relu``, ``layer1..layer3`` (blocks
``layerK.i`` with ``conv1, bn1, conv2, bn2, shortcut``), ``avgpool``, ``fc``.
"""

from __future__ import annotations

import functools

import torch.nn.functional as F
from torch import Tensor, nn

from cnn_studio.core.errors import ModelError
from cnn_studio.core.models.zoo import SHORTCUT_OPTION, ModelInfo, register_model

SHORTCUTS = ("A", "B")


class PadShortcut(nn.Module):
    """Option A: subsample by the stride and zero-pad the new channels (no parameters)."""

    def __init__(self, in_planes: int, planes: int, stride: int) -> None:
        super().__init__()
        self.stride = stride
        self.extra = planes - in_planes

    def forward(self, x: Tensor) -> Tensor:
        if self.stride > 1:
            x = x[:, :, :: self.stride, :: self.stride]
        if self.extra > 0:
            half = self.extra // 2
            x = F.pad(x, (0, 0, 0, 0, half, self.extra - half))
        return x


class BasicBlock(nn.Module):
    """Two 3x3 conv + BN layers; ``shortcut`` is "A", "B" or None (a plain block)."""

    expansion = 1

    def __init__(self, in_planes: int, planes: int, stride: int = 1, shortcut: str | None = "A") -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.residual = shortcut is not None
        if shortcut is None or (stride == 1 and in_planes == planes):
            self.shortcut: nn.Module = nn.Identity()
        elif shortcut == "A":
            self.shortcut = PadShortcut(in_planes, planes, stride)
        else:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_planes, planes, 1, stride=stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x: Tensor) -> Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.residual:
            out = out + self.shortcut(x)
        return self.relu(out)


class CifarResNet(nn.Module):
    """A ResNet (or plain net) for small images: 3x3 stem, no max-pool, stages of basic blocks."""

    def __init__(self, blocks_per_stage: tuple[int, ...], widths: tuple[int, ...], num_classes: int = 10,
                 shortcut: str | None = "A", in_channels: int = 3) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, widths[0], 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        self.relu = nn.ReLU(inplace=True)
        in_planes = widths[0]
        self.num_stages = len(widths)
        for s, (n, planes) in enumerate(zip(blocks_per_stage, widths), start=1):
            layers = []
            for i in range(n):
                stride = 2 if (i == 0 and s > 1) else 1
                layers.append(BasicBlock(in_planes, planes, stride, shortcut))
                in_planes = planes
            self.add_module(f"layer{s}", nn.Sequential(*layers))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(in_planes, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, x: Tensor) -> Tensor:
        x = self.relu(self.bn1(self.conv1(x)))
        for s in range(1, self.num_stages + 1):
            x = getattr(self, f"layer{s}")(x)
        return self.fc(self.flatten(self.avgpool(x)))


def _check_shortcut(shortcut: str) -> str:
    value = str(shortcut).upper()
    if value not in SHORTCUTS:
        raise ModelError(f"Shortcut option must be 'A' or 'B', not {shortcut!r}.")
    return value


def cifar_resnet(depth: int, *, num_classes: int, shortcut: str = "A") -> CifarResNet:
    """ResNet-{depth} of He et al. sec. 4.2 (depth = 6n+2)."""
    n = (depth - 2) // 6
    if n < 1 or 6 * n + 2 != depth:
        raise ModelError(f"CIFAR ResNet depth must be 6n+2 (20, 32, 44, 56, 110), not {depth}.")
    return CifarResNet((n, n, n), (16, 32, 64), num_classes, _check_shortcut(shortcut))


def plain_cifar(depth: int, *, num_classes: int) -> CifarResNet:
    """The plain (no-shortcut) counterpart of ResNet-{depth}."""
    n = (depth - 2) // 6
    if n < 1 or 6 * n + 2 != depth:
        raise ModelError(f"Plain net depth must be 6n+2 (20, 32, 44, 56, 110), not {depth}.")
    return CifarResNet((n, n, n), (16, 32, 64), num_classes, None)


# He et al. 2015, Table 6 (what the descriptions quote); num_params is the exact count.
_RESNET_PARAMS = {20: 269_722, 32: 464_154, 44: 658_586, 56: 853_018, 110: 1_727_962}
_CIFAR_STAGES = ("layer1", "layer2", "layer3")


def _register_depth(depth: int) -> None:
    n = (depth - 2) // 6
    register_model(ModelInfo(
        f"resnet{depth}", "resnet_cifar", f"ResNet-{depth} (CIFAR)",
        f"The CIFAR ResNet of He et al. 2015 (section 4.2) with {depth} layers: a 3x3 stem, three "
        f"stages of {n} residual blocks on 32x32, 16x16 and 8x8 maps with 16, 32 and 64 filters, "
        f"global average pooling and a linear layer. Shortcut option A (parameter-free zero padding, "
        f"as in the paper) or B (1x1 projections).",
        input_size=32, min_input_size=8, head="fc", stages=_CIFAR_STAGES, num_params=_RESNET_PARAMS[depth],
        option_specs=(SHORTCUT_OPTION,)))(functools.partial(cifar_resnet, depth))
    register_model(ModelInfo(
        f"plain{depth}", "plain_cifar", f"Plain-{depth} (CIFAR)",
        f"ResNet-{depth} without its shortcut connections: the same {depth} layers stacked plainly. "
        f"Train it beside resnet{depth} for the paper's degradation experiment: deeper plain nets reach "
        f"a higher training error, which residual connections cure.",
        input_size=32, min_input_size=8, head="fc", stages=_CIFAR_STAGES,
        num_params=_RESNET_PARAMS[depth]))(functools.partial(plain_cifar, depth))


for _depth in _RESNET_PARAMS:
    _register_depth(_depth)


@register_model(ModelInfo(
    "resnet18_cifar", "resnet_cifar", "ResNet-18 (CIFAR stem)",
    "ResNet-18 adapted to 32x32 images: a 3x3 stem without max-pool keeps the full resolution, "
    "then four stages of two residual blocks (64 to 512 filters, projection shortcuts). About "
    "95% on CIFAR-10 with a long schedule; slow on a CPU.",
    input_size=32, min_input_size=8, head="fc", stages=("layer1", "layer2", "layer3", "layer4"),
    num_params=11_173_962))
def resnet18_cifar(*, num_classes: int) -> CifarResNet:
    """ResNet-18 with a 3x3 stem and no max-pool (projection shortcuts), for 32x32 input."""
    return CifarResNet((2, 2, 2, 2), (64, 128, 256, 512), num_classes, "B")
