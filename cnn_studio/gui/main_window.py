"""The main window: Dataset -> Model -> Train -> Runs -> Results, plus Inspect and Predict."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QWidget

from cnn_studio.gui.config_files import ConfigFiles
from cnn_studio.gui.controller import IDLE, Controller
from cnn_studio.gui.dataset_loading import DatasetLoader
from cnn_studio.gui.drops import DropRouter
from cnn_studio.gui.run_selection import RunSelection
from cnn_studio.gui.settings import AppSettings
from cnn_studio.gui.widgets import dialogs
from cnn_studio.gui.widgets.common import EmptyState
from cnn_studio.gui.widgets.dataset_view import DatasetView
from cnn_studio.gui.widgets.model_view import ModelView
from cnn_studio.gui.widgets.results_view import ResultsView
from cnn_studio.gui.widgets.runs_view import RunsView
from cnn_studio.gui.widgets.train_view import TrainView
from cnn_studio.gui.window_actions import WindowActions

DEFAULT_MODEL = "simple_cnn"


def _make_optional_view(module: str, cls: str, fallback: str) -> QWidget:
    """Import a view another part of the app provides; show a hint if it is not installed."""
    try:
        mod = __import__(f"cnn_studio.gui.widgets.{module}", fromlist=[cls])
        return getattr(mod, cls)()
    except ImportError:
        return EmptyState(fallback)


class MainWindow(QMainWindow):
    """The application window; owns the controller, the settings and the views, and wires them together.

    The parts live in helper objects: dataset opening in :class:`DatasetLoader` (``self.datasets``),
    drops in :class:`DropRouter` (``self.drops``), config files in :class:`ConfigFiles`
    (``self.config_files``), the run Inspect/Predict use in :class:`RunSelection` (``self.runs``) and
    menus in :class:`WindowActions` (``self.actions_``).
    """

    def __init__(self, settings: AppSettings | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(self.tr("CNN Studio"))
        self.setAcceptDrops(True)
        self.settings = settings or AppSettings()
        self.controller = Controller(self)
        self.dataset: Any = None
        self._close_requested = False
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("mainTabs")
        self.tabs.setAccessibleName(self.tr("Views"))
        self.tabs.setDocumentMode(True)
        self.dataset_view = DatasetView()
        self.model_view = ModelView()
        self.train_view = TrainView()
        self.runs_view = RunsView(self.settings)
        self.results_view = ResultsView()
        self.inspect_view = _make_optional_view("inspect_view", "InspectView",
                                                self.tr("The Inspect view is not installed."))
        self.predict_view = _make_optional_view("predict_view", "PredictView",
                                                self.tr("The Predict view is not installed."))
        for widget, title in ((self.dataset_view, self.tr("1 Dataset")), (self.model_view, self.tr("2 Model")),
                              (self.train_view, self.tr("3 Train")), (self.runs_view, self.tr("Runs")),
                              (self.results_view, self.tr("Results")), (self.inspect_view, self.tr("Inspect")),
                              (self.predict_view, self.tr("Predict"))):
            self.tabs.addTab(widget, title)
        self.setCentralWidget(self.tabs)
        self.datasets = DatasetLoader(self)
        self.drops = DropRouter(self)
        self.config_files = ConfigFiles(self)
        self.runs = RunSelection(self)
        self.actions_ = WindowActions(self)
        self._build_status_bar()
        self._connect()
        self._restore()

    # --- construction ----------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        self.device_label = QLabel(self._device_text())
        self.device_label.setObjectName("deviceLabel")
        self.state_label = QLabel(self.tr("Ready"))
        self.state_label.setObjectName("stateLabel")
        self.statusBar().addWidget(self.state_label, 1)
        self.statusBar().addPermanentWidget(self.device_label)

    @staticmethod
    def _device_text() -> str:
        import torch

        if torch.cuda.is_available():
            return f"GPU: {torch.cuda.get_device_name(0)}"
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return "GPU: Apple MPS"
        return f"CPU ({torch.get_num_threads()} threads)"

    def _connect(self) -> None:
        c, tv = self.controller, self.train_view
        self.dataset_view.open_requested.connect(self.choose_dataset)
        self.dataset_view.cancel_requested.connect(self.cancel_scan)
        self.dataset_view.resplit_requested.connect(lambda v, t: self.open_dataset(self._dataset_root(), v, t))
        self.model_view.model_changed.connect(self._on_model_changed)
        self.model_view.download_requested.connect(self.download_weights)
        tv.start_requested.connect(self.start_training)
        tv.pause_requested.connect(c.pause)
        tv.resume_requested.connect(c.resume)
        tv.stop_requested.connect(c.stop)
        tv.save_config_requested.connect(self.save_config)
        tv.load_config_requested.connect(self.load_config)
        tv.defaults_requested.connect(self.apply_family_defaults)
        c.state_changed.connect(self.on_state_changed)
        c.run_started.connect(tv.on_run_started)
        c.batch_progressed.connect(tv.on_batch_progress)
        c.epoch_ended.connect(tv.on_epoch_ended)
        c.features_cached.connect(tv.on_features_cached)
        c.run_finished.connect(tv.on_run_finished)
        c.run_finished.connect(self.runs.on_run_finished)
        c.training_failed.connect(self._on_training_failed)
        c.training_thread_finished.connect(self._on_training_thread_finished)
        # the Inspect and Predict views (another part of the app) plug in here
        if hasattr(self.inspect_view, "on_weights_snapshot"):
            c.weights_snapshot.connect(self.inspect_view.on_weights_snapshot)
        if hasattr(self.inspect_view, "snapshot_layers_changed"):
            self.inspect_view.snapshot_layers_changed.connect(c.set_snapshot_layers)
            c.set_snapshot_layers(self.inspect_view.wanted_snapshot_layers())
        self.runs_view.resume_requested.connect(self.resume_run)
        self.runs_view.run_selected.connect(self.choose_run)
        self.runs_view.export_requested.connect(self.export_for_server)
        self.results_view.show_message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.results_view.inspect_requested.connect(self.inspect_image)

    def _restore(self) -> None:
        geometry = self.settings.geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        state = self.settings.window_state()
        if state is not None:
            self.restoreState(state)
        from cnn_studio.core.config import TrainConfig
        from cnn_studio.core.errors import UserError

        data = self.settings.last_config()
        cfg = None
        if data:
            try:
                cfg = TrainConfig.from_dict(data)
            except UserError:
                cfg = None
        if cfg is not None:
            self.load_config_into_views(cfg)
        else:
            self.model_view.select_model(DEFAULT_MODEL)
        self.actions_.refresh_recent()
        self.update_ready()

    # --- datasets (opened by self.datasets) -----------------------------------------------
    @property
    def _scan_task(self) -> Any:
        """The dataset scan in progress, or None."""
        return self.datasets.scan_task

    def _dataset_root(self) -> str:
        return self.datasets.dataset_root()

    def choose_dataset(self) -> None:
        """Ask for a dataset folder and open it."""
        self.datasets.choose()

    def open_demo(self) -> None:
        """Open the bundled demo dataset."""
        self.datasets.open_demo()

    def restore_last_dataset(self) -> None:
        """Re-open the last dataset if it still exists."""
        self.datasets.restore_last()

    def open_dataset(self, folder: str, val_fraction: float | None = None, test_fraction: float | None = None) -> None:
        """Scan and decode ``folder`` in the background; the Dataset view shows progress."""
        self.datasets.open(folder, val_fraction, test_fraction)

    def cancel_scan(self) -> None:
        """Cancel a dataset scan in progress."""
        self.datasets.cancel()

    def show_task_error(self, message: str, details: str, user_error: bool) -> None:
        """Report a failed background task (scan, download) in the status bar and an error dialog."""
        self.statusBar().showMessage(message, 10000)
        dialogs.show_error(self, message, "" if user_error else details)

    # --- models ----------------------------------------------------------------------------
    def _on_model_changed(self, name: str) -> None:
        if self.controller.state == IDLE:
            self.apply_family_defaults()
        self.update_ready()

    def apply_family_defaults(self) -> None:
        """Fill the hyperparameter form with the selected model family's recipe."""
        from dataclasses import replace

        from cnn_studio.core.config import recommended_config

        name = self.model_view.current_name()
        if not name:
            return
        cfg = recommended_config(name, self._dataset_root() or "")
        current = self.dataset_view.apply_to(cfg)
        self.train_view.form.load_from(replace(current, seed=self.train_view.form.seed.value()))
        self.model_view.set_pretrained(cfg.model.pretrained if self.model_view.pretrained_value() in
                                       ("none", "imagenet") else self.model_view.pretrained_value())

    def download_weights(self, name: str) -> None:
        """Download ImageNet weights for ``name`` in the background."""
        from cnn_studio.core.models.weights import download_weights

        self.model_view.set_download_progress(0.0)
        self.controller.run_task(lambda progress, cancelled: download_weights(name, progress=progress),
                                 on_progress=lambda f, _m: self.model_view.set_download_progress(f),
                                 on_failure=self.show_task_error,
                                 on_done=lambda: self.model_view.set_download_progress(None))

    # --- configs ---------------------------------------------------------------------------
    def current_config(self) -> Any:
        """Return the TrainConfig the views show (ConfigError if a field is invalid)."""
        from cnn_studio.core.config import TrainConfig

        cfg = self.dataset_view.apply_to(TrainConfig())
        cfg = self.model_view.apply_to(cfg)
        cfg = self.train_view.form.apply_to(cfg)
        cfg.validate()
        return cfg

    def load_config_into_views(self, cfg: Any) -> None:
        """Show a TrainConfig in every view."""
        self.dataset_view.load_from(cfg)
        self.model_view.load_from(cfg)
        self.train_view.form.load_from(cfg)

    def save_config(self) -> None:
        """Save the current settings as a run config JSON."""
        self.config_files.save()

    def load_config(self) -> None:
        """Load a run config JSON into the views."""
        self.config_files.load()

    def export_for_server(self) -> None:
        """Export a run config plus the torchrun command for a server (see :class:`ConfigFiles`)."""
        self.config_files.export_for_server()

    # --- training --------------------------------------------------------------------------
    def update_ready(self) -> None:
        """Tell the Train view and the Start action whether a run can start, and if not, why."""
        if self.dataset is None:
            reason = self.tr("Open a dataset first (Ctrl+O, or drop a folder on the window).")
        elif not self.model_view.current_name():
            reason = self.tr("Pick a model in the Model view.")
        else:
            reason = ""
        self.train_view.set_ready(reason)
        self.actions_.update_enabled(self.controller.state, reason)

    def start_training(self) -> None:
        """Start a run with the current settings."""
        if self.controller.is_training():
            return
        cfg = self.current_config()
        self.settings.set_last_config(cfg.to_dict())
        self._start(cfg, dataset=self._matching_dataset(cfg))

    def _matching_dataset(self, cfg: Any) -> Any:
        """Return the opened dataset if it is the one ``cfg`` describes (else the engine opens it)."""
        ds = self.dataset
        if ds is None or str(ds.report.root) != cfg.data.root:
            return None
        if cfg.data.image_size not in (None, ds.image_size):
            return None
        if cfg.data.validation in ("test", "none") and ds.val_source == "carved":
            return None  # the opened splits set validation images aside; the engine re-splits
        return ds

    def _start(self, cfg: Any, dataset: Any = None, resume_from: str | None = None) -> None:
        self.train_view.clear_curves()
        if resume_from:  # the curves continue where the run stopped instead of starting at the resume point
            from cnn_studio.core.runs import read_metrics

            self.train_view.preload_history(read_metrics(Path(resume_from).parent))
        self.tabs.setCurrentWidget(self.train_view)
        self.controller.start_training(cfg, dataset=dataset, resume_from=resume_from)

    def resume_run(self, run_dir: str) -> None:
        """Resume an interrupted run from its last checkpoint."""
        from cnn_studio.core.config import TrainConfig
        from cnn_studio.core.runs import LAST_CHECKPOINT, read_run_config

        if self.controller.is_training():
            return
        data = read_run_config(run_dir)
        if not data:
            from cnn_studio.core.errors import ConfigError

            raise ConfigError(f"The run folder {run_dir} has no readable config.json; it cannot be resumed.")
        cfg = TrainConfig.from_dict(data)
        self._start(cfg, dataset=self._matching_dataset(cfg), resume_from=str(Path(run_dir) / LAST_CHECKPOINT))

    @Slot(str)
    def on_state_changed(self, state: str) -> None:
        """Show the controller's state in the status bar, the Train view and the actions."""
        texts = {"idle": self.tr("Ready"), "training": self.tr("Training…"), "paused": self.tr("Paused"),
                 "stopping": self.tr("Stopping… (saving the last checkpoint)")}
        self.state_label.setText(texts.get(state, state))
        self.train_view.set_state(state)
        self.actions_.update_enabled(state, self.train_view._ready_reason)

    def choose_run(self, run_dir: str) -> None:
        """A run was chosen in the Runs view: show its results and use its model in Inspect and Predict."""
        self.runs.choose(run_dir)

    def show_run_results(self, run_dir: str) -> None:
        """Show a run's test results in the Results view."""
        self.results_view.load_run(run_dir)

    def inspect_image(self, path: str, checkpoint: str = "") -> None:
        """Open an image in the Inspect view, with ``checkpoint``'s model unless it is already loaded."""
        self.runs.inspect_image(path, checkpoint)

    def _on_training_failed(self, message: str, details: str, user_error: bool) -> None:
        self.train_view.on_failed(message)
        dialogs.show_error(self, message, "" if user_error else details)

    def _on_training_thread_finished(self) -> None:
        self.runs_view.refresh()
        if self._close_requested:
            self.close()

    # --- drag and drop ---------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if not paths:
            return
        event.acceptProposedAction()
        self.handle_dropped_paths(paths)

    def handle_dropped_paths(self, paths: list[str]) -> str:
        """Open or classify what was dropped (see :meth:`DropRouter.handle`); return the status text."""
        return self.drops.handle(paths)

    # --- closing ---------------------------------------------------------------------------
    def shutdown_views(self) -> None:
        """Cancel the views' background jobs (Results, Inspect, Predict) and wait for them."""
        for view in (self.results_view, self.inspect_view, self.predict_view):
            if hasattr(view, "shutdown"):
                view.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.controller.is_training():
            if not self._close_requested:
                if not dialogs.ask_yes_no(self, self.tr("Training in progress"),
                                          self.tr("A run is training. Stop it (the last checkpoint is kept) "
                                                  "and close?")):
                    event.ignore()
                    return
                self._close_requested = True
                self.controller.stop()
            event.ignore()  # closes itself once the worker has finished
            return
        if self.controller.has_running_threads():
            self.controller.cancel_tasks()
            self.controller.shutdown(30000)
        self.shutdown_views()
        self.settings.set_geometry(self.saveGeometry())
        self.settings.set_window_state(self.saveState())
        try:
            self.settings.set_last_config(self.current_config().to_dict())
        except Exception:  # noqa: BLE001 - an invalid form is not saved, closing still works
            pass
        self.settings.sync()
        event.accept()
