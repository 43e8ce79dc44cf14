"""The words the Predict view uses for its model: which run or file it is, what it can classify."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject

from cnn_studio.gui.widgets.image_tools import english_plural

EMPTY_CLASS_NAMES = 5   # class names listed in the empty-state hint before "…"


class ModelCaptions(QObject):
    """Captions naming the predictor: "best.pt of the run <name>" for a run folder's checkpoint."""

    def source_name(self, checkpoint: str) -> str:
        """A checkpoint in words: "best.pt of the run <name>" for a run folder's checkpoint, else its file name."""
        from cnn_studio.core.runs import is_run_dir, run_display_name

        path = Path(checkpoint)
        if is_run_dir(path.parent):
            return self.tr("{file} of the run {run}").format(file=path.name, run=run_display_name(path.parent))
        return path.name

    def empty_text(self, predictor: Any, pending: str | None) -> str:
        """What the empty state says, naming the model that will classify."""
        if predictor is None and pending:
            return self.tr("Drop one image, several, or a folder here to classify them with {model} "
                           "(loading…).").format(model=self.source_name(pending))
        if predictor is None or predictor.source == "ImageNet":
            return self.tr("Drop one image, several, or a folder here to classify them.\nOut of the box the "
                           "bundled ImageNet model names 1000 everyday things.")
        names = list(predictor.class_names)
        shown = ", ".join(names[:EMPTY_CLASS_NAMES]) + (", …" if len(names) > EMPTY_CLASS_NAMES else "")
        classes = english_plural(self.tr("%n class(es)", "", len(names)), len(names))
        return self.tr("Drop one image, several, or a folder here to classify them with {model}\n"
                       "({arch}, {classes}: {names}).\nA folder with one sub-folder per class also gets its "
                       "accuracy and confusion matrix.").format(
            model=self.source_name(predictor.source) if predictor.source else predictor.model_name,
            arch=predictor.model_name, classes=classes, names=shown)

    def model_text(self, predictor: Any) -> str:
        """The model label: which model classifies (the run and file for a checkpoint), with its classes."""
        if predictor.source == "ImageNet":
            return self.tr("Model: the bundled ImageNet EfficientNet-Lite0 (1000 classes)")
        count = len(predictor.class_names)
        return self.tr("Model: {model} ({arch}, {classes})").format(
            model=self.source_name(predictor.source) if predictor.source else predictor.model_name,
            arch=predictor.model_name, classes=english_plural(self.tr("%n class(es)", "", count), count))
