"""Opening datasets for the main window: folder choice, demo, last dataset, background scan and cancel."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog

if TYPE_CHECKING:
    from cnn_studio.gui.main_window import MainWindow


class DatasetLoader(QObject):
    """Scans and decodes datasets in the background and hands the result to the window's views.

    The opened dataset lives on the window (``window.dataset``); the scan in progress, if any, is
    ``scan_task`` here.
    """

    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.w = window
        self.scan_task: Any = None

    def dataset_root(self) -> str:
        """Return the opened dataset's folder, or the last one the settings remember."""
        w = self.w
        return str(w.dataset.report.root) if w.dataset is not None else w.settings.last_dataset()

    def choose(self) -> None:
        """Ask for a dataset folder and open it."""
        start = self.dataset_root() or str(Path.home())
        folder = QFileDialog.getExistingDirectory(self.w, self.tr("Open a dataset folder"), start)
        if folder:
            self.w.open_dataset(folder)

    def open_demo(self) -> None:
        """Open the bundled demo dataset."""
        from cnn_studio.paths import demo_dataset_dir

        self.w.open_dataset(str(demo_dataset_dir()))

    def restore_last(self) -> None:
        """Re-open the last dataset if it still exists."""
        last = self.w.settings.last_dataset()
        if last and Path(last).is_dir():
            self.w.open_dataset(last)

    def open(self, folder: str, val_fraction: float | None = None, test_fraction: float | None = None) -> None:
        """Scan and decode ``folder`` in the background; the Dataset view shows progress."""
        from cnn_studio.core.config import DataConfig
        from cnn_studio.core.data.dataset import open_dataset

        if not folder:
            return
        w = self.w
        self.cancel()
        val, test = w.dataset_view.split_fractions()
        if val_fraction is not None and test_fraction is not None:
            problem = w.dataset_view.split_problem(val_fraction, test_fraction)
            if problem:  # never re-split with fractions the core would refuse
                from cnn_studio.core.errors import ConfigError

                raise ConfigError(problem)
            val, test = val_fraction, test_fraction
        data_cfg = DataConfig(root=str(folder), val_fraction=round(val, 4), test_fraction=round(test, 4))
        w.tabs.setCurrentWidget(w.dataset_view)
        w.dataset_view.set_loading(True, self.tr("Scanning {folder}…").format(folder=folder))
        w.state_label.setText(self.tr("Opening dataset…"))

        def task(progress: Any, cancelled: Any) -> Any:
            # An unchanged cached folder opens at once; the full check runs behind and training
            # waits for it (ImageDataset.ensure_current).
            return open_dataset(data_cfg, progress=progress, cancel=cancelled, verify="background")

        self.scan_task = w.controller.run_task(
            task, on_success=lambda ds: self._on_opened(ds, str(folder), data_cfg.val_fraction,
                                                      data_cfg.test_fraction),
            on_failure=w.show_task_error, on_progress=w.dataset_view.set_progress,
            on_cancelled=lambda: w.statusBar().showMessage(self.tr("Dataset loading cancelled."), 5000),
            on_done=self._on_scan_done)

    def cancel(self) -> None:
        """Cancel a dataset scan in progress."""
        if self.scan_task is not None:
            try:
                self.scan_task.cancel()
            except RuntimeError:
                pass

    def _on_scan_done(self) -> None:
        self.scan_task = None
        self.w.dataset_view.set_loading(False)
        self.w.on_state_changed(self.w.controller.state)

    def _on_opened(self, dataset: Any, folder: str, val: float = 0.1, test: float = 0.2) -> None:
        w = self.w
        w.dataset = dataset
        w.dataset_view.set_applied_fractions(val, test)
        w.dataset_view.show_dataset(dataset)
        w.model_view.set_num_classes(len(dataset.classes))
        w.settings.add_recent_dataset(folder)
        w.actions_.refresh_recent()
        if hasattr(w.inspect_view, "set_dataset"):
            w.inspect_view.set_dataset(dataset)
        w.setWindowTitle(self.tr("CNN Studio — {name}").format(name=Path(folder).name))
        w.update_ready()
