"""One file's prediction: thumbnail, top-5 probability bars, a Grad-CAM toggle, or its error."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QProgressBar, QSlider, QVBoxLayout, QWidget,
)

from cnn_studio.gui.widgets.common import path_to_pixmap, set_names
from cnn_studio.gui.widgets.image_tools import array_to_pixmap

THUMB = 144


class PredictionCard(QFrame):
    """A card for one ``Prediction`` or ``PredictionError``."""

    def __init__(self, result: Any, request_gradcam: Callable[["PredictionCard"], None],
                 parent: QWidget | None = None, title: str | None = None) -> None:
        super().__init__(parent)
        from cnn_studio.core.inference import PredictionError

        self.path = result.path
        self.result = result
        self._request_gradcam = request_gradcam
        self._image: np.ndarray | None = None
        self._cam: Any = None
        self.setObjectName("predictionCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumHeight(THUMB + 24)  # thumbnail + frame: a card is never squeezed below its picture
        self.thumbnail = QLabel()
        self.thumbnail.setObjectName("predictionThumbnail")
        self.thumbnail.setFixedSize(THUMB, THUMB)
        self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumbnail.setStyleSheet("background: #222;")
        pixmap = path_to_pixmap(self.path, THUMB)
        if not pixmap.isNull():
            self.thumbnail.setPixmap(pixmap)
        name = QLabel(title or Path(self.path).name)
        name.setObjectName("predictionFileName")
        name.setWordWrap(True)
        name.setToolTip(self.path)
        name.setStyleSheet("font-weight: bold;")
        right = QVBoxLayout()
        right.addWidget(name)
        self.bars: list[QProgressBar] = []
        self.labels: list[QLabel] = []
        self.error_label: QLabel | None = None
        if isinstance(result, PredictionError):
            self.error_label = QLabel(self.tr("Could not classify: {0}").format(result.error))
            self.error_label.setObjectName("predictionError")
            self.error_label.setWordWrap(True)
            self.error_label.setStyleSheet("color: #b00020;")
            right.addWidget(self.error_label)
            self.gradcam_toggle = None
        else:
            grid = QGridLayout()
            for row, item in enumerate(result.top):
                label = QLabel(item.label)
                label.setObjectName(f"predictionLabel{row}")
                bar = QProgressBar()
                set_names(bar, f"predictionBar{row}", self.tr("Probability of {0}").format(item.label))
                bar.setRange(0, 1000)
                bar.setValue(round(item.prob * 1000))
                bar.setFormat(f"{item.prob:.1%}")
                bar.setMaximumHeight(18)
                grid.addWidget(label, row, 0)
                grid.addWidget(bar, row, 1)
                self.labels.append(label)
                self.bars.append(bar)
            grid.setColumnStretch(1, 1)
            right.addLayout(grid)
            controls = QHBoxLayout()
            self.gradcam_toggle = set_names(QCheckBox(self.tr("Grad-CAM")), "predictionGradcamToggle",
                                            self.tr("Show where the model looked for its prediction"))
            self.gradcam_toggle.toggled.connect(self._toggled)
            self.opacity = set_names(QSlider(Qt.Orientation.Horizontal), "predictionGradcamOpacity",
                                     self.tr("Grad-CAM opacity"))
            self.opacity.setRange(0, 100)
            self.opacity.setValue(50)
            self.opacity.setEnabled(False)
            self.opacity.valueChanged.connect(self._redraw)
            controls.addWidget(self.gradcam_toggle)
            controls.addWidget(self.opacity, 1)
            right.addLayout(controls)
        right.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addWidget(self.thumbnail)
        layout.addLayout(right, 1)

    def top_labels(self) -> list[str]:
        """The class names shown, most probable first."""
        return [label.text() for label in self.labels]

    def has_gradcam(self) -> bool:
        """True once a Grad-CAM overlay has arrived."""
        return self._cam is not None

    def set_gradcam(self, image: np.ndarray, cam: Any) -> None:
        """Show the overlay of ``cam`` (a ``GradCam``) on ``image`` (H x W x 3 uint8)."""
        self._image, self._cam = image, cam
        self.opacity.setEnabled(True)
        self._redraw()

    def set_gradcam_error(self, message: str) -> None:
        """Say why no Grad-CAM could be drawn."""
        self.thumbnail.setToolTip(message)
        if self.gradcam_toggle is not None:
            self.gradcam_toggle.setChecked(False)
            self.gradcam_toggle.setToolTip(message)

    def _toggled(self, on: bool) -> None:
        if on and self._cam is None:
            self._request_gradcam(self)
        self.opacity.setEnabled(on and self._cam is not None)
        self._redraw()

    def _redraw(self) -> None:
        if self.gradcam_toggle is not None and self.gradcam_toggle.isChecked() and self._cam is not None:
            from cnn_studio.core.viz.gradcam import overlay_heatmap

            blended = overlay_heatmap(self._image, self._cam.heatmap, self.opacity.value() / 100)
            self.thumbnail.setPixmap(array_to_pixmap(blended, width=THUMB, smooth=True))
        else:
            pixmap = path_to_pixmap(self.path, THUMB)
            if not pixmap.isNull():
                self.thumbnail.setPixmap(pixmap)
