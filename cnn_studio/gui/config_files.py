"""Run config files: save, load, and export for a server."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from cnn_studio.core.config import TrainConfig
from cnn_studio.gui.session import Session


class ConfigFiles(QObject):
    """Saves the session's TrainConfig as JSON, loads one into the session, opens the export dialog.

    Args:
        session: where the config comes from and goes to (``session.load_config`` shows it in the views).
        current_config: returns the views' config, raising ``ConfigError`` when a field is invalid.
        open_dataset: ``open_dataset(folder, val_fraction, test_fraction)`` re-opens a dataset.
        dialog_parent: the parent of the file dialogs.

    ``message(text)`` says what happened (the window shows it in the status bar).
    """

    message = Signal(str)

    def __init__(self, session: Session, current_config: Callable[[], TrainConfig],
                 open_dataset: Callable[[str, float, float], None], dialog_parent: QWidget | None = None) -> None:
        super().__init__(dialog_parent)
        self._session, self._current_config, self._open_dataset = session, current_config, open_dataset
        self._parent = dialog_parent

    def save(self) -> None:
        """Save the current settings as a run config JSON."""
        cfg = self._current_config()
        path, _ = QFileDialog.getSaveFileName(self._parent, self.tr("Save config"), "run.json",
                                              self.tr("JSON (*.json)"))
        if path:
            cfg.save(path)
            self.message.emit(self.tr("Saved {path}").format(path=path))

    def load(self) -> None:
        """Ask for a run config JSON and load it (see :meth:`load_path`)."""
        path, _ = QFileDialog.getOpenFileName(self._parent, self.tr("Load config"), "", self.tr("JSON (*.json)"))
        if path:
            self.load_path(path)

    def load_path(self, path: str) -> None:
        """Load a run config JSON into the views; re-open its dataset if it differs from the opened one."""
        session = self._session
        cfg = TrainConfig.load(path)
        opened_root, opened_split = session.dataset_root, session.split
        session.load_config(cfg)
        d = cfg.data
        changed = d.root != opened_root or (d.val_fraction, d.test_fraction) != opened_split
        if d.root and changed and Path(d.root).is_dir():
            self._open_dataset(d.root, d.val_fraction, d.test_fraction)

    def export_for_server(self) -> None:
        """Export a run config plus the torchrun command for a server.

        With exactly one run selected in the Runs view, that run's config.json is exported; otherwise
        the current Model/Train settings are. The dialog says which.
        """
        from cnn_studio.core.runs import read_run_config
        from cnn_studio.gui.widgets.export_dialog import ExportDialog

        selected = self._session.selected_runs
        data = read_run_config(selected[0]) if len(selected) == 1 else None
        if data:
            cfg = TrainConfig.from_dict(data)
            source = self.tr("the selected run {name} (its config.json)").format(name=Path(selected[0]).name)
        else:
            cfg = self._current_config()
            source = self.tr("the current Model and Train settings (select one run in Runs to export it instead)")
        ExportDialog(cfg, self._parent, source=source).exec()
