"""Export dialogs: a run config plus the torchrun command for a server; a run's model as ONNX or TorchScript.

The command comes from ``cnn_studio.core.training.distributed.torchrun_command`` (the same one the
CLI documents), so the GUI never builds its own.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QApplication, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QSpinBox, QVBoxLayout,
                               QWidget)

from cnn_studio.gui.widgets.common import set_names


DEFAULT_RDZV_ENDPOINT = "HOST:29400"  # the core's placeholder: the user puts one node's host name here


class ExportDialog(QDialog):
    """Shows the config JSON and the torchrun command; saves the JSON."""

    def __init__(self, cfg: Any, parent: QWidget | None = None, source: str = "") -> None:
        """``source`` says in words where ``cfg`` comes from (a selected run or the current settings)."""
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(self.tr("Export for a server"))
        self.resize(720, 560)
        self.cfg = cfg
        layout = QVBoxLayout(self)
        self.source_label = QLabel(self.tr("<b>Exporting:</b> {source}").format(
            source=source or self.tr("the current Model and Train settings")))
        self.source_label.setObjectName("exportSource")
        self.source_label.setWordWrap(True)
        layout.addWidget(self.source_label)
        hint = QLabel(self.tr("Copy the dataset to the server, save this config next to it (edit "
                              "data.root to the server's path), then run the command there."))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        form = QFormLayout()
        self.filename = set_names(QLineEdit("run.json"), "exportFileName", self.tr("Config file name on the server"))
        self.gpus = set_names(QSpinBox(), "exportGpus", self.tr("GPUs per node"))
        self.gpus.setRange(1, 64)
        self.nodes = set_names(QSpinBox(), "exportNodes", self.tr("Nodes"))
        self.nodes.setRange(1, 1024)
        self.endpoint = set_names(QLineEdit(DEFAULT_RDZV_ENDPOINT), "exportRdzvEndpoint",
                                  self.tr("Rendezvous host:port (several nodes)"))
        self.endpoint.setToolTip(self.tr("host:port of one of the nodes, reachable from the others; "
                                         "used only with several nodes."))
        form.addRow(self.tr("Config file"), self.filename)
        form.addRow(self.tr("GPUs per node"), self.gpus)
        form.addRow(self.tr("Nodes"), self.nodes)
        form.addRow(self.tr("Rendezvous"), self.endpoint)
        layout.addLayout(form)
        self.command = set_names(QLineEdit(), "torchrunCommand", self.tr("torchrun command"))
        self.command.setReadOnly(True)
        layout.addWidget(self.command)
        self.json = set_names(QPlainTextEdit(cfg.to_json()), "exportJson", self.tr("Config JSON"))
        self.json.setReadOnly(True)
        layout.addWidget(self.json, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = set_names(QPushButton(self.tr("Copy command")), "copyCommandButton", self.tr("Copy command"))
        save = set_names(QPushButton(self.tr("Save config…")), "saveExportButton", self.tr("Save config"))
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(save, QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QApplication.clipboard().setText(self.command.text()))
        save.clicked.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for w in (self.gpus, self.nodes):
            w.valueChanged.connect(self._update)
        self.filename.textChanged.connect(self._update)
        self.endpoint.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        from cnn_studio.core.training.distributed import torchrun_command

        self.endpoint.setEnabled(self.nodes.value() > 1)
        self.command.setText(torchrun_command(self.filename.text() or "run.json", self.gpus.value(),
                                              self.nodes.value(),
                                              rdzv_endpoint=self.endpoint.text().strip() or DEFAULT_RDZV_ENDPOINT))

    def save_to(self, path: str) -> None:
        """Write the config JSON to ``path``."""
        self.cfg.save(path)
        self.filename.setText(Path(path).name)

    def _save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save config"), self.filename.text(),
                                              self.tr("JSON (*.json)"))
        if path:
            self.save_to(path)


class ModelExportDialog(QDialog):
    """Exports a run's model to ONNX or TorchScript (``core.export.export_checkpoint``) in the background.

    The export is checked against PyTorch's outputs on a sample batch; the dialog says how closely
    the file matches, or the one-sentence reason it could not be written.
    """

    exported = Signal(object)  # the core.export.ExportResult

    def __init__(self, run_dir: str, parent: QWidget | None = None) -> None:
        from cnn_studio.core.runs import BEST_CHECKPOINT, LAST_CHECKPOINT, run_display_name
        from cnn_studio.gui.jobs import JobRunner

        super().__init__(parent)
        self.setObjectName("modelExportDialog")
        self.setWindowTitle(self.tr("Export model"))
        self.setMinimumWidth(600)
        self.run_dir = str(run_dir)
        self._runner = JobRunner(self)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("Export the model of the run <b>{name}</b> for deployment. The file takes the "
                               "normalised image as input; the class names, input size and normalisation are "
                               "stored in it.").format(name=escape(run_display_name(run_dir))))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.checkpoint = set_names(QComboBox(), "exportCheckpoint", self.tr("Checkpoint to export"))
        for name, text in ((BEST_CHECKPOINT, self.tr("best.pt (best held-out accuracy)")),
                           (LAST_CHECKPOINT, self.tr("last.pt (the last epoch)"))):
            if (Path(run_dir) / name).is_file():
                self.checkpoint.addItem(text, str(Path(run_dir) / name))
        self.format = set_names(QComboBox(), "exportFormat", self.tr("Export format"))
        self.format.addItem(self.tr("ONNX (.onnx): ONNX Runtime, OpenCV, TensorRT"), "onnx")
        self.format.addItem(self.tr("TorchScript (.pt): PyTorch and LibTorch without Python"), "torchscript")
        self.out = set_names(QLineEdit(), "exportModelPath", self.tr("File to write"))
        browse = set_names(QPushButton(self.tr("Browse…")), "exportModelBrowse", self.tr("Choose the file to write"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.out, 1)
        row.addWidget(browse)
        form.addRow(self.tr("Checkpoint"), self.checkpoint)
        form.addRow(self.tr("Format"), self.format)
        form.addRow(self.tr("File"), row)
        layout.addLayout(form)
        self.status = QLabel()
        self.status.setObjectName("exportModelStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = set_names(QPushButton(self.tr("Export")), "exportModelRun", self.tr("Export"))
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.clicked.connect(self.start_export)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.format.currentIndexChanged.connect(lambda _i: self._default_path())
        self._default_path()
        if not self.checkpoint.count():
            self.export_button.setEnabled(False)
            self.status.setText(self.tr("This run has no checkpoint yet, so there is no model to export."))

    def _default_path(self) -> None:
        suffix = ".onnx" if self.format.currentData() == "onnx" else ".pt"
        current = self.out.text().strip()
        base = Path(current).with_suffix("") if current else Path(self.run_dir) / "model"
        self.out.setText(str(base) + suffix)

    def _browse(self) -> None:
        pattern = self.tr("ONNX (*.onnx)") if self.format.currentData() == "onnx" else self.tr("TorchScript (*.pt)")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export model"), self.out.text(), pattern)
        if path:
            self.out.setText(path)

    def start_export(self) -> None:
        """Export in the background; the status line reports the result or why it failed."""
        from cnn_studio.core.export import export_checkpoint

        checkpoint, fmt, out = self.checkpoint.currentData(), self.format.currentData(), self.out.text().strip()
        if not checkpoint or not out:
            return
        self.export_button.setEnabled(False)
        self.status.setText(self.tr("Exporting and checking the file against PyTorch…"))
        self._runner.submit(lambda _job: export_checkpoint(checkpoint, fmt, out), kind="export",
                            on_done=self._on_done, on_failed=self._on_failed,
                            on_finished=lambda: self.export_button.setEnabled(True))

    def is_busy(self) -> bool:
        """True while an export runs."""
        return self._runner.is_busy()

    def _on_done(self, result: Any) -> None:
        self.status.setText(self.tr("Wrote {path} ({n} classes); its outputs differ from PyTorch's by at most "
                                    "{diff:.1e}.").format(path=result.path, n=result.num_classes,
                                                          diff=result.max_abs_diff))
        self.exported.emit(result)

    def _on_failed(self, failure: Any) -> None:
        self.status.setText(failure.message if failure.user_error else
                            self.tr("The export failed: {error}").format(error=failure.exception))

    def done(self, result: int) -> None:  # noqa: D102 - QDialog override: wait for a running export
        self._runner.shutdown()
        super().done(result)
