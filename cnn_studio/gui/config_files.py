"""Run config files for the main window: save, load, and export for a server."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog

if TYPE_CHECKING:
    from cnn_studio.gui.main_window import MainWindow


class ConfigFiles(QObject):
    """Saves and loads the views' TrainConfig as JSON and opens the export dialog."""

    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.w = window

    def save(self) -> None:
        """Save the current settings as a run config JSON."""
        w = self.w
        cfg = w.current_config()
        path, _ = QFileDialog.getSaveFileName(w, self.tr("Save config"), "run.json", self.tr("JSON (*.json)"))
        if path:
            cfg.save(path)
            w.statusBar().showMessage(self.tr("Saved {path}").format(path=path), 5000)

    def load(self) -> None:
        """Load a run config JSON into the views; re-open its dataset if it differs from the opened one."""
        from cnn_studio.core.config import TrainConfig

        w = self.w
        path, _ = QFileDialog.getOpenFileName(w, self.tr("Load config"), "", self.tr("JSON (*.json)"))
        if path:
            cfg = TrainConfig.load(path)
            opened = w.dataset_view.applied_fractions
            w.load_config_into_views(cfg)
            d = cfg.data
            changed = d.root != w.datasets.dataset_root() or (d.val_fraction, d.test_fraction) != opened
            if d.root and changed and Path(d.root).is_dir():
                w.open_dataset(d.root, d.val_fraction, d.test_fraction)

    def export_for_server(self) -> None:
        """Export a run config plus the torchrun command for a server.

        With exactly one run selected in the Runs view, that run's config.json is exported; otherwise
        the current Model/Train settings are. The dialog says which.
        """
        from cnn_studio.core.config import TrainConfig
        from cnn_studio.core.runs import read_run_config
        from cnn_studio.gui.widgets.export_dialog import ExportDialog

        w = self.w
        selected = w.runs_view.selected_paths()
        data = read_run_config(selected[0]) if len(selected) == 1 else None
        if data:
            cfg = TrainConfig.from_dict(data)
            source = self.tr("the selected run {name} (its config.json)").format(name=Path(selected[0]).name)
        else:
            cfg = w.current_config()
            source = self.tr("the current Model and Train settings (select one run in Runs to export it instead)")
        ExportDialog(cfg, w, source=source).exec()
