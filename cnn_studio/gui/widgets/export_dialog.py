"""Export a run config (a selected run's or the current settings) plus the torchrun command for a server.

The command comes from ``cnn_studio.core.training.distributed.torchrun_command`` (the same one the
CLI documents), so the GUI never builds its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget)

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
