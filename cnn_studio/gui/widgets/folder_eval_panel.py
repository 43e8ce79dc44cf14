"""Accuracy and confusion matrix of the predictions on a dropped folder whose sub-folders name the classes."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from cnn_studio.gui.widgets.common import set_names
from cnn_studio.gui.widgets.confusion_plot import MAX_TICKS, ConfusionPlot


def shown_classes(evaluation: Any) -> list[int]:
    """Class indices the matrix shows: all of them, or (many classes) those with a file or a prediction."""
    n = len(evaluation.classes)
    if n <= MAX_TICKS:
        return list(range(n))
    m = evaluation.confusion_matrix
    return [i for i in range(n) if m[i, :].any() or m[:, i].any()]


class FolderEvaluationPanel(QWidget):
    """Shows a ``core.folder_eval.FolderEvaluation``: accuracy, counts, confusion matrix."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("folderEvaluation")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel()
        self.summary.setObjectName("folderAccuracy")
        self.summary.setWordWrap(True)
        self.confusion = set_names(ConfusionPlot(), "folderConfusionMatrix",
                                   self.tr("Confusion matrix of the dropped folder"))
        self.confusion.setTitle(self.tr("Confusion matrix of the dropped folder"), size="10pt")
        self.confusion.setMinimumHeight(220)
        layout.addWidget(self.summary)
        layout.addWidget(self.confusion, 1)
        self.evaluation: Any = None

    def evaluate(self, results: Any, labels: dict[str, int], class_names: Any, folder_name: str) -> None:
        """Compare ``results`` with the folder's ``labels`` (``core.folder_eval``), show it, and become visible."""
        from cnn_studio.core.folder_eval import evaluate_predictions

        self.show_evaluation(evaluate_predictions(results, labels, class_names), folder_name)
        self.setVisible(True)

    def show_evaluation(self, evaluation: Any, folder_name: str) -> None:
        """Show the accuracy and the confusion matrix of ``evaluation`` (of the folder ``folder_name``)."""
        self.evaluation = evaluation
        if not evaluation.count:
            text = self.tr("{folder} has class sub-folders, but none of their images could be read.").format(
                folder=folder_name)
        else:
            text = self.tr("<b>Accuracy on {folder}: {acc:.1%}</b> ({correct} of {count} images in class "
                           "sub-folders are predicted as their folder's class).").format(
                folder=folder_name, acc=evaluation.accuracy, correct=evaluation.correct, count=evaluation.count)
        notes = []
        if evaluation.unreadable:
            notes.append(self.tr("{n} images in class sub-folders could not be read.").format(n=evaluation.unreadable))
        if evaluation.unlabelled:
            notes.append(self.tr("{n} images outside the class sub-folders are not counted.").format(
                n=evaluation.unlabelled))
        self.summary.setText(" ".join([text, *notes]))
        keep = shown_classes(evaluation)
        matrix = np.asarray(evaluation.confusion_matrix)[np.ix_(keep, keep)]
        self.confusion.set_matrix(matrix, [evaluation.classes[i] for i in keep])
