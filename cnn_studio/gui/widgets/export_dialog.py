"""Export the current settings as a run config plus the torchrun command for a server."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from cnn_studio.gui.widgets.common import set_names


def torchrun_command(config_path: str, nproc_per_node: int = 1, nnodes: int = 1, master: str = "") -> str:
    """Return the command that trains ``config_path`` with torchrun (multi-node when ``nnodes > 1``)."""
    parts = ["torchrun", f"--nproc_per_node={nproc_per_node}"]
    if nnodes > 1:
        parts += [f"--nnodes={nnodes}", "--node_rank=<RANK>", "--rdzv_backend=c10d",
                  f"--rdzv_endpoint={master or '<HOST>:29500'}"]
    parts += ["-m", "cnn_studio", "train", "--config", config_path]
    return " ".join(p if p.startswith("--node_rank") or p.startswith("--rdzv_endpoint") else shlex.quote(p)
                    for p in parts)


class ExportDialog(QDialog):
    """Shows the config JSON and the torchrun command; saves the JSON."""

    def __init__(self, cfg: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(self.tr("Export for a server"))
        self.resize(720, 560)
        self.cfg = cfg
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Copy the dataset to the server, save this config next to it (edit "
                                        "data.root to the server's path), then run the command there.")))
        form = QFormLayout()
        self.filename = set_names(QLineEdit("run.json"), "exportFileName", self.tr("Config file name on the server"))
        self.gpus = set_names(QSpinBox(), "exportGpus", self.tr("GPUs per node"))
        self.gpus.setRange(1, 64)
        self.nodes = set_names(QSpinBox(), "exportNodes", self.tr("Nodes"))
        self.nodes.setRange(1, 1024)
        form.addRow(self.tr("Config file"), self.filename)
        form.addRow(self.tr("GPUs per node"), self.gpus)
        form.addRow(self.tr("Nodes"), self.nodes)
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
        self._update()

    def _update(self) -> None:
        self.command.setText(torchrun_command(self.filename.text() or "run.json", self.gpus.value(),
                                              self.nodes.value()))

    def save_to(self, path: str) -> None:
        """Write the config JSON to ``path``."""
        self.cfg.save(path)
        self.filename.setText(Path(path).name)

    def _save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save config"), self.filename.text(),
                                              self.tr("JSON (*.json)"))
        if path:
            self.save_to(path)
