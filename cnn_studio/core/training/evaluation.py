"""Held-out and test evaluation on the device: loss, accuracy, confusion matrix, mistakes."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import torch
import torch.nn.functional as F

from cnn_studio.core.training.metrics import ConfusionMatrix, RunningStats, per_class_accuracy

ReduceFn = Callable[[torch.Tensor], torch.Tensor]


@dataclass
class EvalResult:
    """Metrics of one pass over a split (plain numbers, CPU)."""

    loss: float
    accuracy: float
    count: int
    confusion: list[list[int]] = field(default_factory=list)
    per_class: list[float | None] = field(default_factory=list)
    # Per sample, in loader order (filled only when asked): predicted class and its probability.
    predictions: list[int] = field(default_factory=list)
    confidences: list[float] = field(default_factory=list)


def autocast_context(device: torch.device, dtype: torch.dtype | None) -> Any:
    """Return the autocast context for mixed precision, or a no-op."""
    if dtype is None:
        return nullcontext()
    return torch.autocast(device_type=device.type, dtype=dtype)


@torch.no_grad()
def evaluate(model: torch.nn.Module, batches: Iterable[tuple[torch.Tensor, torch.Tensor]], *, num_classes: int,
             device: torch.device, amp_dtype: torch.dtype | None = None, channels_last: bool = False,
             collect_predictions: bool = False, reduce: ReduceFn | None = None,
             check: Callable[[], None] | None = None) -> EvalResult:
    """Evaluate ``model`` (in eval mode) over ``batches``; one host read at the end.

    Args:
        reduce: sums a tensor over ranks (distributed runs); the default is no reduction.
        check: called between batches (stop/pause); may raise to cancel.
    """
    was_training = model.training
    model.eval()
    stats = RunningStats(device)
    confusion = ConfusionMatrix(num_classes, device)
    preds: list[torch.Tensor] = []
    confs: list[torch.Tensor] = []
    try:
        for x, y in batches:
            if check is not None:
                check()
            if channels_last:
                x = x.contiguous(memory_format=torch.channels_last)
            with autocast_context(device, amp_dtype):
                logits = model(x)
            logits = logits.float()
            loss = F.cross_entropy(logits, y)
            stats.update(loss, logits, y)
            confidence, predicted = logits.softmax(dim=1).max(dim=1)
            confusion.update(predicted, y)
            if collect_predictions:
                preds.append(predicted)
                confs.append(confidence)
    finally:
        model.train(was_training)
    identity: ReduceFn = lambda t: t  # noqa: E731
    loss, accuracy, count = stats.compute(reduce or identity)
    matrix = confusion.compute(reduce or identity)
    result = EvalResult(loss=loss, accuracy=accuracy, count=count, confusion=matrix.tolist(),
                        per_class=per_class_accuracy(matrix))
    if collect_predictions and preds:
        result.predictions = torch.cat(preds).cpu().tolist()
        result.confidences = torch.cat(confs).float().cpu().tolist()
    return result


def test_results_dict(result: EvalResult, class_names: list[str], paths: list[str], labels: list[int],
                      max_misclassified: int = 1000) -> dict[str, Any]:
    """Return the ``test_results.json`` content: accuracy, per-class, confusion, per-image results.

    ``predictions`` holds every test image (path, true and predicted class, confidence) in
    dataset order, so any confusion-matrix cell can show its images; ``misclassified`` is the
    mistakes sorted by confidence (most confident first), capped.
    """
    records = []
    for index, (predicted, confidence) in enumerate(zip(result.predictions, result.confidences)):
        true = int(labels[index])
        records.append({"path": paths[index], "true": class_names[true], "predicted": class_names[predicted],
                        "true_index": true, "predicted_index": int(predicted),
                        "confidence": round(float(confidence), 6)})
    mistakes = sorted((r for r in records if r["true_index"] != r["predicted_index"]), key=lambda m: -m["confidence"])
    return {
        "accuracy": result.accuracy,
        "loss": result.loss,
        "count": result.count,
        "classes": list(class_names),
        "per_class_accuracy": {name: acc for name, acc in zip(class_names, result.per_class)},
        "confusion_matrix": result.confusion,
        "predictions": records,
        "misclassified": mistakes[:max_misclassified],
        "misclassified_total": len(mistakes),
    }
