"""Grad-CAM for the images behind a confusion-matrix cell: the controls and the background job.

``CellGradcamBar`` is the row above the Results view's cell grid (toggle, class to explain,
opacity). ``compute_cell_cams`` runs as a ``JobRunner`` job: it loads the run's
checkpoint as a ``Predictor`` (or reuses the one already loaded), and for each image decodes it
with the evaluation preprocessing and calls ``Predictor.explain``; results are reported in small
batches so the thumbnails fill in while the rest are computed, and it stops early when cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QSlider, QWidget

from cnn_studio.core.progress import CancelCheck
from cnn_studio.gui.widgets.common import set_names

REPORT_EVERY = 8  # images per progress report: thumbnails appear in steps, few queued signals


@dataclass(frozen=True)
class CellCam:
    """One image's Grad-CAM, as plain arrays for the GUI thread.

    Attributes:
        row: the thumbnail's row in the cell grid.
        picture: uint8 H x W x 3, the image the model saw.
        heatmap: float32 (h, w) in [0, 1].
        class_index: the class explained.
        probability: the model's probability for that class.
    """

    row: int
    picture: np.ndarray
    heatmap: np.ndarray
    class_index: int
    probability: float


def checkpoint_of_run(run_dir: str) -> str | None:
    """The checkpoint to explain a run with: ``best.pt``, else ``last.pt``, else None."""
    from cnn_studio.core.runs import BEST_CHECKPOINT, LAST_CHECKPOINT

    if not run_dir:
        return None
    for name in (BEST_CHECKPOINT, LAST_CHECKPOINT):
        path = Path(run_dir) / name
        if path.is_file():
            return str(path)
    return None


def compute_cell_cams(checkpoint: str, items: Sequence[dict[str, Any]], explain_true_class: bool,
                      predictor: Any, report: Callable[[dict[str, Any]], None],
                      cancel: CancelCheck) -> dict[str, Any]:
    """Grad-CAM of each test-result record in ``items`` (runs in a pool thread).

    Args:
        checkpoint: the run's checkpoint, loaded when ``predictor`` is None.
        items: ``test_results.json`` prediction records (path, true_index, predicted_index).
        explain_true_class: explain the true class instead of the predicted one.
        predictor: an already loaded ``Predictor`` of ``checkpoint``, or None.
        report: receives ``{"predictor": ..., "cams": [CellCam, ...]}`` batches.
        cancel: ``cancel()`` is true when the result is no longer wanted.

    Returns:
        ``{"done": images explained, "failed": [(path, reason), ...]}``.
    """
    from cnn_studio.core.errors import UserError
    from cnn_studio.core.inference import Predictor

    if predictor is None:
        predictor = Predictor.from_checkpoint(checkpoint)
    report({"predictor": predictor, "cams": []})
    batch: list[CellCam] = []
    failed: list[tuple[str, str]] = []
    done = 0
    for row, record in enumerate(items):
        if cancel():
            break
        index = int(record["true_index"] if explain_true_class else record["predicted_index"])
        try:
            pixels = predictor.decode(record["path"])
            cam = predictor.explain(pixels, class_index=index)
        except (UserError, OSError, ValueError) as exc:  # a moved or damaged file: skip it, say why
            failed.append((str(record["path"]), str(exc)))
            continue
        batch.append(CellCam(row, predictor.pixels_to_image(pixels), cam.heatmap, cam.class_index,
                             float(cam.probabilities[cam.class_index])))
        done += 1
        if len(batch) >= REPORT_EVERY:
            report({"predictor": predictor, "cams": batch})
            batch = []
    if batch:
        report({"predictor": predictor, "cams": batch})
    return {"done": done, "failed": failed}


class CellGradcamBar(QWidget):
    """Grad-CAM toggle, class to explain (predicted / true) and opacity, above the cell grid."""

    recompute_requested = Signal()  # toggled on, or another class to explain
    redraw_requested = Signal()     # toggled off, or the opacity moved

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cellGradcamBar")
        self.toggle = set_names(QCheckBox(self.tr("Grad-CAM")), "cellGradcamToggle",
                                self.tr("Show Grad-CAM heatmaps on the cell's images"))
        self.toggle.setToolTip(self.tr("Overlay where in each image the evidence for the class is "
                                       "(computed with the run's best checkpoint)."))
        self.class_combo = set_names(QComboBox(), "cellGradcamClass", self.tr("Class the heatmaps explain"))
        self.class_combo.addItem(self.tr("for the predicted class"), "predicted")
        self.class_combo.addItem(self.tr("for the true class"), "true")
        self.opacity = set_names(QSlider(Qt.Orientation.Horizontal), "cellGradcamOpacity",
                                 self.tr("Heatmap opacity"))
        self.opacity.setRange(0, 100)
        self.opacity.setValue(50)
        self.opacity.setMaximumWidth(140)
        self.opacity.setToolTip(self.tr("Heatmap opacity"))
        self.status = QLabel()
        self.status.setObjectName("cellGradcamStatus")
        self.status.setStyleSheet("color: #777;")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toggle)
        layout.addWidget(self.class_combo)
        layout.addWidget(QLabel(self.tr("Opacity")))
        layout.addWidget(self.opacity)
        layout.addWidget(self.status, 1)
        self.toggle.toggled.connect(self._on_toggled)
        self.class_combo.currentIndexChanged.connect(lambda *_: self._on_class_changed())
        self.opacity.valueChanged.connect(lambda *_: self.redraw_requested.emit())
        self._on_toggled(False)

    def enabled(self) -> bool:
        """True when the overlays are wanted."""
        return self.toggle.isChecked()

    def explain_true_class(self) -> bool:
        """True when the heatmaps explain the true class (else the predicted one)."""
        return self.class_combo.currentData() == "true"

    def opacity_fraction(self) -> float:
        """The slider as 0..1."""
        return self.opacity.value() / 100

    def _on_toggled(self, on: bool) -> None:
        self.class_combo.setEnabled(on)
        self.opacity.setEnabled(on)
        if not on:
            self.status.clear()
        (self.recompute_requested if on else self.redraw_requested).emit()

    def _on_class_changed(self) -> None:
        if self.enabled():
            self.recompute_requested.emit()
