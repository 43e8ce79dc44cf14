"""The course's first network: conv, ReLU, max-pool blocks, then a small fully connected head.

``batch_norm=True`` inserts BatchNorm after every convolution, so the BatchNorm lesson can compare
the same network with and without it. Softmax is not a layer here: the cross-entropy loss (and
inference) apply it to the logits.
"""

from __future__ import annotations

from torch import Tensor, nn

from cnn_studio.core.errors import ModelError
from cnn_studio.core.models.zoo import BATCH_NORM_OPTION, ModelInfo, register_model


class SimpleCNN(nn.Module):
    """Three conv blocks (conv 3x3, [BN], ReLU, max-pool 2) and an MLP classifier.

    Module paths: ``block1..block3`` (each ``conv``, ``bn``, ``relu``, ``pool``), ``pool``
    (adaptive, an identity at the designed input size), ``classifier`` (``0`` flatten, ``1``
    linear, ``2`` ReLU, ``3`` dropout, ``4`` linear = the head).
    """

    def __init__(self, num_classes: int = 10, *, batch_norm: bool = True,
                 widths: tuple[int, int, int] = (32, 64, 128), hidden: int = 256,
                 dropout: float = 0.5, input_size: int = 32, in_channels: int = 3) -> None:
        super().__init__()
        if len(widths) != 3 or min(widths) < 1:
            raise ModelError("simple_cnn needs three positive channel widths, e.g. widths=(32, 64, 128).")
        if not 0.0 <= dropout < 1.0:
            raise ModelError("simple_cnn dropout must be in [0, 1).")
        channels = in_channels
        for index, width in enumerate(widths, start=1):
            block = nn.Sequential()
            block.add_module("conv", nn.Conv2d(channels, width, 3, padding=1, bias=not batch_norm))
            if batch_norm:
                block.add_module("bn", nn.BatchNorm2d(width))
            block.add_module("relu", nn.ReLU(inplace=True))
            block.add_module("pool", nn.MaxPool2d(2))
            self.add_module(f"block{index}", block)
            channels = width
        # Spatial size after three 2x pools at the designed input size; the adaptive pool keeps
        # the classifier's shape valid for other sizes (it is an identity at input_size).
        side = max(1, input_size // 8)
        self.pool = nn.AdaptiveAvgPool2d(side)
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(channels * side * side, hidden),
            nn.ReLU(inplace=True),
            nn.Dropout(dropout),
            nn.Linear(hidden, num_classes),
        )
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x: Tensor) -> Tensor:
        x = self.block3(self.block2(self.block1(x)))
        return self.classifier(self.pool(x))


@register_model(ModelInfo(
    "simple_cnn", "basics", "Simple CNN",
    "The course's first convolutional network: three blocks of 3x3 convolution, ReLU and 2x2 "
    "max-pooling (32, 64, 128 filters) followed by a fully connected layer, dropout and the output "
    "layer (softmax is applied by the loss). Turn BatchNorm on or off to see how it speeds up and "
    "stabilises training; it trains in minutes on a CPU.",
    input_size=32, min_input_size=8, head="classifier.4", stages=("block1", "block2", "block3"),
    num_params=620_586, option_specs=(BATCH_NORM_OPTION,)))
def simple_cnn(*, num_classes: int, batch_norm: bool = True, widths: tuple[int, int, int] = (32, 64, 128),
               hidden: int = 256, dropout: float = 0.5, input_size: int = 32) -> SimpleCNN:
    """Build the course's simple CNN."""
    return SimpleCNN(num_classes, batch_norm=bool(batch_norm), widths=tuple(widths), hidden=int(hidden),
                     dropout=float(dropout), input_size=int(input_size))
