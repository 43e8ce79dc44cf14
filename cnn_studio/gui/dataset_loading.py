"""Opening datasets: folder choice, demo, last dataset, background scan and decode, cancel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from cnn_studio.gui.jobs import Job, JobContext, JobRunner
from cnn_studio.gui.session import Session
from cnn_studio.gui.settings import AppSettings
from cnn_studio.gui.views.dataset_view import DatasetView


class DatasetLoader(QObject):
    """Scans and decodes a dataset folder as a background job and puts the result in the session.

    The Dataset view shows the progress and supplies the split fractions; the opened dataset goes
    to ``session.set_dataset`` (the window shows it from there). ``opening(folder)`` fires when a scan
    starts and ``finished()`` when it ended (opened, failed or cancelled); ``failed(JobFailure)`` and
    ``message(text)`` say what went wrong or what happened.
    """

    opening = Signal(str)
    finished = Signal()
    failed = Signal(object)
    message = Signal(str)

    def __init__(self, session: Session, jobs: JobRunner, settings: AppSettings, view: DatasetView,
                 dialog_parent: QWidget | None = None) -> None:
        super().__init__(dialog_parent)
        self._session, self._jobs, self._settings, self._view = session, jobs, settings, view
        self._dialog_parent = dialog_parent
        self.scan_task: Job | None = None  # the scan in progress, if any

    def dataset_root(self) -> str:
        """Return the opened dataset's folder, or the last one the settings remember."""
        return self._session.dataset_root or self._settings.last_dataset()

    def choose(self) -> None:
        """Ask for a dataset folder and open it."""
        start = self.dataset_root() or str(Path.home())
        folder = QFileDialog.getExistingDirectory(self._dialog_parent, self.tr("Open a dataset folder"), start)
        if folder:
            self.open(folder)

    def open_demo(self) -> None:
        """Open the bundled demo dataset."""
        from cnn_studio.paths import demo_dataset_dir

        self.open(str(demo_dataset_dir()))

    def restore_last(self) -> None:
        """Re-open the last dataset if it still exists."""
        last = self._settings.last_dataset()
        if last and Path(last).is_dir():
            self.open(last)

    def open(self, folder: str, val_fraction: float | None = None, test_fraction: float | None = None) -> None:
        """Scan and decode ``folder`` in the background; the Dataset view shows progress."""
        from cnn_studio.core.config import DataConfig
        from cnn_studio.core.data.dataset import open_dataset

        if not folder:
            return
        view = self._view
        self.cancel()
        val, test = view.split_fractions()
        if val_fraction is not None and test_fraction is not None:
            problem = view.split_problem(val_fraction, test_fraction)
            if problem:  # never re-split with fractions the core would refuse
                from cnn_studio.core.errors import ConfigError

                raise ConfigError(problem)
            val, test = val_fraction, test_fraction
        data_cfg = DataConfig(root=str(folder), val_fraction=round(val, 4), test_fraction=round(test, 4))
        self.opening.emit(str(folder))
        view.set_loading(True, self.tr("Scanning {folder}…").format(folder=folder))

        def scan(job: JobContext) -> Any:
            # An unchanged cached folder opens at once; the full check runs behind and training
            # waits for it (ImageDataset.ensure_current).
            return open_dataset(data_cfg, progress=job.progress, cancel=job.cancel, verify="background")

        self.scan_task = self._jobs.submit(
            scan, kind="dataset",
            on_done=lambda ds: self._on_opened(ds, str(folder), (data_cfg.val_fraction, data_cfg.test_fraction)),
            on_failed=self.failed.emit,
            on_progress=lambda done, total: view.set_progress(done / total if total else -1.0),
            on_cancelled=lambda: self.message.emit(self.tr("Dataset loading cancelled.")),
            on_finished=self._on_scan_done)

    def cancel(self) -> None:
        """Cancel a dataset scan in progress."""
        if self.scan_task is not None:
            self.scan_task.cancel()

    def _on_scan_done(self) -> None:
        self.scan_task = None
        self._view.set_loading(False)
        self.finished.emit()

    def _on_opened(self, dataset: Any, folder: str, split: tuple[float, float]) -> None:
        self._settings.add_recent_dataset(folder)
        self._session.set_dataset(dataset, split)
