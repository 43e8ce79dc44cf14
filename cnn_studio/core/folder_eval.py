"""Predictions on a dropped folder: labels from class sub-folders, accuracy and a confusion matrix.

A folder whose sub-folders are named like the model's classes (``photos/cat/1.jpg``,
``photos/dog/2.jpg``) is a labelled set: :func:`folder_labels` reads the true class of each file
from its first folder level, :func:`evaluate_predictions` turns the predictions into accuracy and
a confusion matrix. A folder that is itself named like a class (``cat/``) labels every file in it.
The CSV of the predictions (with a ``true_class`` column then) is ``core.predictions_csv``'s.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

__all__ = ["FolderEvaluation", "evaluate_predictions", "folder_labels", "true_class_names"]


def folder_labels(folder: str | os.PathLike[str], paths: Sequence[str],
                  class_names: Sequence[str]) -> dict[str, int]:
    """Return ``{path: class index}`` for the files of ``folder`` that sit in a class sub-folder.

    A file's class is the name of its first folder level below ``folder`` when that name is one of
    ``class_names`` (exact match first, else case-insensitive). When no file sits in such a
    sub-folder and ``folder`` itself is named like a class, every file under it gets that class.
    Files elsewhere are left out (the result is empty for an unlabelled folder).
    """
    root = Path(folder).resolve()
    exact = {name: i for i, name in enumerate(class_names)}
    folded: dict[str, int] = {}
    for i, name in enumerate(class_names):
        folded.setdefault(name.casefold(), i)

    def class_of(name: str) -> int | None:
        return exact.get(name, folded.get(name.casefold()))

    labels: dict[str, int] = {}
    inside: list[str] = []
    for path in paths:
        try:
            parts = Path(path).resolve().relative_to(root).parts
        except ValueError:
            continue
        inside.append(path)
        if len(parts) >= 2:
            index = class_of(parts[0])
            if index is not None:
                labels[path] = index
    if not labels:
        own = class_of(root.name)
        if own is not None:
            labels = {path: own for path in inside}
    return labels


@dataclass(frozen=True)
class FolderEvaluation:
    """How the predictions on a labelled folder compare with its class sub-folders."""

    classes: tuple[str, ...]
    confusion_matrix: np.ndarray  # rows: true class, columns: predicted class (counts)
    count: int                    # labelled files that were classified
    correct: int
    unreadable: int               # labelled files that could not be classified
    unlabelled: int               # classified files outside the class sub-folders

    @property
    def accuracy(self) -> float:
        """Correct predictions over labelled, classified files (nan when there are none)."""
        return self.correct / self.count if self.count else float("nan")

    def per_class_accuracy(self) -> dict[str, float | None]:
        """Accuracy of each class that has files (None for a class without any)."""
        rows = self.confusion_matrix.sum(axis=1)
        return {name: (float(self.confusion_matrix[i, i] / rows[i]) if rows[i] else None)
                for i, name in enumerate(self.classes)}


def evaluate_predictions(results: Sequence[Any], labels: Mapping[str, int],
                         class_names: Sequence[str]) -> FolderEvaluation:
    """Compare ``results`` (``Prediction`` / ``PredictionError``) with the true ``labels`` by path."""
    n = len(class_names)
    matrix = np.zeros((n, n), dtype=np.int64)
    unreadable = unlabelled = 0
    for result in results:
        true = labels.get(result.path)
        top = getattr(result, "top", None)
        if true is None:
            unlabelled += top is not None
        elif top is None:
            unreadable += 1
        else:
            matrix[true, top[0].index] += 1
    count = int(matrix.sum())
    return FolderEvaluation(classes=tuple(class_names), confusion_matrix=matrix, count=count,
                            correct=int(np.trace(matrix)), unreadable=unreadable, unlabelled=unlabelled)


def true_class_names(paths: Sequence[str], labels: Mapping[str, int], class_names: Sequence[str]) -> list[str]:
    """The true class name of each path ('' for a file outside the class sub-folders)."""
    return [str(class_names[labels[p]]) if p in labels else "" for p in paths]
