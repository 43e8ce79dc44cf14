"""Accuracy, loss and confusion-matrix accumulators that stay on the device.

Nothing here calls ``.item()`` in ``update``: the sums are device tensors updated in place, and
``compute`` reads them with one transfer when an event is due. Every accumulator keeps its state
in a single tensor, so a distributed run sums it across ranks with one ``all_reduce`` (pass
``reduce=`` a function that does that; the default is no reduction).
"""

from __future__ import annotations

from typing import Callable

import torch

ReduceFn = Callable[[torch.Tensor], torch.Tensor]


def _identity(t: torch.Tensor) -> torch.Tensor:
    return t


class RunningStats:
    """Sum of loss, correct predictions and samples, on the device."""

    def __init__(self, device: torch.device | str) -> None:
        # [loss sum, correct, count] in float64: exact counts up to 2^53 samples.
        self.sums = torch.zeros(3, dtype=torch.float64, device=device)

    def reset(self) -> None:
        """Start a new accumulation (an epoch)."""
        self.sums.zero_()

    @torch.no_grad()
    def update(self, loss: torch.Tensor, logits: torch.Tensor, targets: torch.Tensor) -> None:
        """Add a batch: ``loss`` is the batch's mean loss; no host-device sync."""
        n = targets.shape[0]
        correct = (logits.argmax(dim=1) == targets).sum()
        self.sums[0].add_(loss.detach().double() * n)
        self.sums[1].add_(correct)
        self.sums[2].add_(n)

    def compute(self, reduce: ReduceFn = _identity) -> tuple[float, float, int]:
        """Return (mean loss, accuracy 0..1, count); one device-to-host read."""
        loss_sum, correct, count = reduce(self.sums.clone()).tolist()
        if count <= 0:
            return float("nan"), float("nan"), 0
        return loss_sum / count, correct / count, int(count)


class ConfusionMatrix:
    """``matrix[true, predicted]`` counts, accumulated on the device with ``bincount``."""

    def __init__(self, num_classes: int, device: torch.device | str) -> None:
        self.num_classes = num_classes
        self.matrix = torch.zeros(num_classes, num_classes, dtype=torch.int64, device=device)

    def reset(self) -> None:
        """Clear the counts."""
        self.matrix.zero_()

    @torch.no_grad()
    def update(self, predictions: torch.Tensor, targets: torch.Tensor) -> None:
        """Add a batch of predicted and true class indices."""
        k = self.num_classes
        flat = targets.to(torch.int64) * k + predictions.to(torch.int64)
        self.matrix += torch.bincount(flat, minlength=k * k).view(k, k)

    def compute(self, reduce: ReduceFn = _identity) -> "torch.Tensor":
        """Return the (reduced) matrix on the CPU."""
        return reduce(self.matrix.clone()).cpu()


def accuracy_from_confusion(matrix: torch.Tensor) -> float:
    """Overall accuracy (0..1) of a confusion matrix; NaN when empty."""
    total = int(matrix.sum())
    return float(matrix.diag().sum()) / total if total else float("nan")


def per_class_accuracy(matrix: torch.Tensor) -> list[float | None]:
    """Recall per class (0..1); None for classes with no samples."""
    totals = matrix.sum(dim=1).tolist()
    hits = matrix.diag().tolist()
    return [h / t if t else None for h, t in zip(hits, totals)]
