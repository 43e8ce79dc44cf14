"""The 'Starting weights' box of the Model panel: none, ImageNet (cached or downloadable), a file or a checkpoint."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QGroupBox, QHBoxLayout, QLabel, QProgressBar, QPushButton, \
    QVBoxLayout, QWidget

from cnn_studio.gui.widgets.common import set_names

PRETRAINED_CHOICES = (("none", QT_TRANSLATE_NOOP("WeightsPicker", "None (random initialisation)")),
                      ("imagenet", "ImageNet"),
                      ("file", QT_TRANSLATE_NOOP("WeightsPicker", "A weights file…")),
                      ("checkpoint", QT_TRANSLATE_NOOP("WeightsPicker", "An earlier run's checkpoint…")))


class WeightsPicker(QGroupBox):
    """Choice of starting weights for the selected model, with the ImageNet cache status and a download button.

    Attributes:
        combo: the choice (item data: 'none', 'imagenet', 'file' or 'checkpoint').
        status: one line saying what the choice means (cached or not, the chosen path).
        download_button: shown when ImageNet weights are chosen but not cached yet.
        progress: the download progress bar (hidden unless a download runs).
    """

    download_requested = Signal(str)
    """The user asked to download the ImageNet weights of this model (registry name)."""
    status_changed = Signal()
    """The choice or its status changed (after every refresh of the status line)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Starting weights"))
        self._model_name = ""
        self._path = ""
        layout = QVBoxLayout(self)
        self.combo = set_names(QComboBox(), "pretrainedChoice", self.tr("Starting weights"))
        for key, text in PRETRAINED_CHOICES:
            self.combo.addItem(self.tr(text), key)
        self.combo.currentIndexChanged.connect(self._on_choice_changed)
        layout.addWidget(self.combo)
        row = QHBoxLayout()
        self.status = QLabel()
        self.status.setObjectName("weightsStatus")
        self.status.setWordWrap(True)
        self.download_button = set_names(QPushButton(self.tr("Download")), "downloadWeightsButton",
                                         self.tr("Download the ImageNet weights"))
        self.download_button.clicked.connect(lambda: self.download_requested.emit(self._model_name))
        row.addWidget(self.status, 1)
        row.addWidget(self.download_button)
        layout.addLayout(row)
        self.progress = set_names(QProgressBar(), "downloadProgress", self.tr("Download progress"))
        self.progress.setRange(0, 1000)
        self.progress.setVisible(False)
        layout.addWidget(self.progress)

    def key(self) -> str:
        """Return the current choice: 'none', 'imagenet', 'file' or 'checkpoint'."""
        return self.combo.currentData()

    def set_model(self, info: Any) -> None:
        """Follow a newly selected model (a registry ModelInfo): ImageNet is offered only when it has weights.

        Does not refresh the status line; call :meth:`refresh_status` once the model is built.
        """
        self._model_name = info.name
        self.combo.model().item(self.combo.findData("imagenet")).setEnabled(bool(info.has_pretrained))
        if not info.has_pretrained and self.key() == "imagenet":
            self.combo.setCurrentIndex(0)

    def set_value(self, value: str) -> None:
        """Set the starting weights: 'none', 'imagenet' or a file path (best.pt/last.pt count as checkpoints)."""
        self.combo.blockSignals(True)
        if value in ("none", "imagenet"):
            self.combo.setCurrentIndex(self.combo.findData(value))
        else:
            self._path = value
            key = "checkpoint" if value.endswith(("best.pt", "last.pt")) else "file"
            self.combo.setCurrentIndex(self.combo.findData(key))
        self.combo.blockSignals(False)
        self.refresh_status()

    def value(self) -> str:
        """Return ModelConfig.pretrained for the current choice ('none', 'imagenet' or the chosen path)."""
        key = self.key()
        return self._path if key in ("file", "checkpoint") else key

    def set_download_progress(self, fraction: float | None) -> None:
        """Show download progress (None hides the bar and refreshes the cached status)."""
        if fraction is None:
            self.progress.setVisible(False)
            self.refresh_status()
            return
        self.progress.setVisible(True)
        self.progress.setValue(int(max(fraction, 0.0) * 1000))

    def refresh_status(self) -> None:
        """Update the status line and the download button for the current choice, then emit status_changed."""
        key = self.key()
        self.download_button.setVisible(False)
        if key == "imagenet" and self._model_name:
            from cnn_studio.core.models.weights import weights_cached

            cached = weights_cached(self._model_name)
            self.status.setText(self.tr("ImageNet weights are cached.") if cached else
                                self.tr("ImageNet weights are not cached yet; download them first."))
            self.download_button.setVisible(not cached)
        elif key in ("file", "checkpoint"):
            self.status.setText(self._path)
        else:
            self.status.setText(self.tr("Random initialisation."))
        self.status_changed.emit()

    def _on_choice_changed(self) -> None:
        key = self.key()
        if key in ("file", "checkpoint"):
            caption = self.tr("Open a weights file") if key == "file" else self.tr("Open a run checkpoint")
            from cnn_studio.paths import runs_dir

            path, _ = QFileDialog.getOpenFileName(self, caption, str(runs_dir()),
                                                  self.tr("PyTorch weights (*.pt *.pth *.bin);;All files (*)"))
            if not path:
                self.combo.setCurrentIndex(0)
                return
            self._path = path
        self.refresh_status()
