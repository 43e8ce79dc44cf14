"""The main window: Dataset -> Model -> Train -> Runs -> Results, plus Inspect and Predict.

The window composes: one :class:`Session` (the state every view reads and writes), one
:class:`Controller` (training, and the window's background jobs), the seven views, and helpers that
each get only what they need: :class:`DatasetLoader` (opening datasets), :class:`DropRouter`
(drops), :class:`ConfigFiles` (config files), :class:`RunSelection` (the active run and checkpoint)
and :class:`WindowActions` (menus). ``_connect`` is the one place where views meet the session.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget

from cnn_studio.core.config import TrainConfig
from cnn_studio.core.errors import ConfigError, UserError
from cnn_studio.core.session import TrainingState
from cnn_studio.core.training.events import (
    BatchProgress, EpochEnded, FeaturesCached, RunFailed, RunFinished, RunStarted, WeightsSnapshot,
)
from cnn_studio.gui.config_binding import ConfigBinding
from cnn_studio.gui.config_files import ConfigFiles
from cnn_studio.gui.controller import Controller
from cnn_studio.gui.dataset_loading import DatasetLoader
from cnn_studio.gui.drops import DropRouter
from cnn_studio.gui.i18n import active_language
from cnn_studio.gui.jobs import Job, JobContext, JobFailure
from cnn_studio.gui.run_selection import RunSelection
from cnn_studio.gui.session import Session
from cnn_studio.gui.settings import AppSettings
from cnn_studio.gui.views.dataset_view import DatasetView
from cnn_studio.gui.views.inspect_view import InspectView
from cnn_studio.gui.views.lab_view import LabView
from cnn_studio.gui.views.model_view import ModelView
from cnn_studio.gui.views.predict_view import PredictView
from cnn_studio.gui.views.results_view import ResultsView
from cnn_studio.gui.views.runs_view import RunsView
from cnn_studio.gui.views.train_view import TrainView
from cnn_studio.gui.widgets import dialogs
from cnn_studio.gui.widgets.common import device_text
from cnn_studio.gui.window_actions import WindowActions, WindowCommands

if TYPE_CHECKING:
    from cnn_studio.core.data.dataset import ImageDataset

DEFAULT_MODEL = "simple_cnn"
STATUS_MS = 5000         # how long a status-bar note stays
STATUS_ERROR_MS = 10000  # ... and a failure or a drop note


class MainWindow(QMainWindow):
    """The application window: composes the session, the controller and the views, and wires them."""

    def __init__(self, settings: AppSettings | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(self.tr("CNN Studio"))
        self.setAcceptDrops(True)
        self.settings = settings or AppSettings()
        self.session = Session(self)
        self.session.set_language(active_language())  # the language gui/i18n.py installed at start-up
        self.controller = Controller(self)
        self._close_requested = False
        self._ready_reason = ""
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("mainTabs")
        self.tabs.setAccessibleName(self.tr("Views"))
        self.tabs.setDocumentMode(True)
        self.dataset_view = DatasetView()
        self.model_view = ModelView()
        self.train_view = TrainView()
        self.runs_view = RunsView(self.settings)
        self.results_view = ResultsView()
        self.inspect_view = InspectView()
        self.predict_view = PredictView()
        self.lab_view = LabView()
        # Every tab numbered as its shortcut (Ctrl+1..8, the View menu), and the shortcut in its tooltip.
        for i, (widget, title) in enumerate(((self.dataset_view, self.tr("Dataset")), (self.model_view, self.tr("Model")),
                                             (self.train_view, self.tr("Train")), (self.runs_view, self.tr("Runs")),
                                             (self.results_view, self.tr("Results")),
                                             (self.inspect_view, self.tr("Inspect")),
                                             (self.predict_view, self.tr("Predict")),
                                             (self.lab_view, self.tr("Lab")))):
            self.tabs.addTab(widget, self.tr("{number} {title}").format(number=i + 1, title=title))
            self.tabs.setTabToolTip(i, self.tr("Show the {title} view (Ctrl+{number}).").format(title=title,
                                                                                                 number=i + 1))
        self.setCentralWidget(self.tabs)
        self.datasets = DatasetLoader(self.session, self.controller.jobs, self.settings, self.dataset_view, self)
        self.drops = DropRouter(self.tabs, self.predict_view, self.open_dataset, self)
        self.config_files = ConfigFiles(self.session, self.current_config, self.open_dataset, self)
        self.runs = RunSelection(self.session, self)
        self.config = ConfigBinding(self.session, self.dataset_view, self.model_view, self.train_view.form, self)
        self.actions_ = WindowActions(self, self.tabs, self.settings, WindowCommands(
            open_dataset=self.datasets.choose, open_folder=self.open_dataset, open_demo=self.open_demo,
            open_run=self.runs_view.choose_run_folder, load_config=self.config_files.load,
            save_config=self.config_files.save,
            export=self.export_for_server, export_model=self.export_model, quit=self.close, start=self.start_training,
            toggle_pause=self.toggle_pause, stop=self.controller.stop))
        self._build_status_bar()
        self._connect()
        self._restore()

    # --- construction ----------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        self.device_label = QLabel(device_text())
        self.device_label.setObjectName("deviceLabel")
        self.state_label = QLabel(self.tr("Ready"))
        self.state_label.setObjectName("stateLabel")
        self.statusBar().addWidget(self.state_label, 1)
        self.statusBar().addPermanentWidget(self.device_label)

    def _connect(self) -> None:
        self._connect_session()
        self._connect_views()
        self._connect_training()
        for helper in (self.datasets, self.config_files, self.runs):
            helper.message.connect(self.show_message)
        self.drops.message.connect(lambda text: self.statusBar().showMessage(text, STATUS_ERROR_MS))

    def _connect_session(self) -> None:
        """Views show what the session holds (every slot looks its view up when called)."""
        s = self.session
        s.dataset_changed.connect(self._on_dataset_changed)
        s.dataset_changed.connect(lambda _ds: self.lab_view.set_default_data(self.session.dataset_root))
        s.active_run_changed.connect(lambda run_dir: self.results_view.load_run(run_dir))
        s.checkpoint_changed.connect(lambda path: self.inspect_view.set_model_source(path or None))
        s.checkpoint_changed.connect(lambda path: self.predict_view.set_checkpoint(path or None))

    def _connect_views(self) -> None:
        """Views write to the session (or ask the window for an action) through their signals."""
        dv, mv, tv = self.dataset_view, self.model_view, self.train_view
        dv.open_requested.connect(self.datasets.choose)
        dv.cancel_requested.connect(self.datasets.cancel)
        dv.resplit_requested.connect(lambda v, t: self.open_dataset(self.datasets.dataset_root(), v, t))
        mv.model_changed.connect(self._on_model_changed)
        mv.settings_changed.connect(self.config.sync)
        mv.download_requested.connect(self.download_weights)
        tv.form.changed.connect(self.config.sync)
        tv.start_requested.connect(self.start_training)
        tv.save_config_requested.connect(self.config_files.save)
        tv.load_config_requested.connect(self.config_files.load)
        tv.defaults_requested.connect(lambda: self.apply_family_defaults())
        tv.estimate_requested.connect(lambda: tv.estimate(self.session.config, self.session.dataset,
                                                          self.session.config_error))
        self.session.config_changed.connect(lambda cfg: tv.show_config(cfg, self.session.dataset))
        self.runs_view.resume_requested.connect(self.resume_run)
        self.runs_view.run_selected.connect(self.choose_run)
        self.runs_view.selection_changed.connect(self.session.set_selected_runs)
        self.runs_view.export_requested.connect(self.export_for_server)
        self.runs_view.export_model_requested.connect(self.export_model)
        self.runs_view.message.connect(self.show_message)
        self.results_view.show_message.connect(self.show_message)
        self.lab_view.message.connect(self.show_message)
        self.lab_view.failed.connect(self.show_task_error)
        self.lab_view.running_changed.connect(lambda running: running or not self._close_requested or self.close())
        self.results_view.inspect_requested.connect(self.inspect_image)
        self.results_view.predictor_loaded.connect(self.session.set_predictor)
        self.datasets.opening.connect(self._on_dataset_opening)
        self.datasets.finished.connect(lambda: self.on_state_changed(self.controller.state))
        self.datasets.failed.connect(self.show_task_error)

    def _connect_training(self) -> None:
        c, tv = self.controller, self.train_view
        tv.pause_requested.connect(c.pause)
        tv.resume_requested.connect(c.resume)
        tv.stop_requested.connect(c.stop)
        c.state_changed.connect(self.on_state_changed)
        c.training_thread_finished.connect(self._on_training_thread_finished)
        # training events, by type (adding an event = a dataclass + the subscriptions that show it)
        c.subscribe(RunStarted, tv.on_run_started)
        c.subscribe(RunStarted, self.runs_view.schedule_refresh)  # the new run appears in the list
        c.subscribe(BatchProgress, tv.on_batch_progress)
        c.subscribe(EpochEnded, tv.on_epoch_ended)
        c.subscribe(FeaturesCached, tv.on_features_cached)
        c.subscribe(WeightsSnapshot, self.inspect_view.on_weights_snapshot)
        c.subscribe(RunFinished, tv.on_run_finished)
        c.subscribe(RunFinished, self._on_run_finished)
        c.subscribe(RunFailed, self._on_training_failed)
        self.inspect_view.snapshot_layers_changed.connect(c.set_snapshot_layers)
        c.set_snapshot_layers(self.inspect_view.wanted_snapshot_layers())

    def _restore(self) -> None:
        geometry = self.settings.geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        state = self.settings.window_state()
        if state is not None:
            self.restoreState(state)
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

    # --- status ----------------------------------------------------------------------------
    def show_message(self, text: str) -> None:
        """Show a short note in the status bar."""
        self.statusBar().showMessage(text, STATUS_MS)

    def show_task_error(self, failure: JobFailure) -> None:
        """Report a failed background job (scan, download) in the status bar and an error dialog."""
        self.statusBar().showMessage(failure.message, STATUS_ERROR_MS)
        dialogs.show_error(self, failure.message, failure.details)

    # --- datasets (opened by self.datasets, held by the session) ---------------------------
    @property
    def dataset(self) -> Optional["ImageDataset"]:
        """The opened dataset (``session.dataset``)."""
        return self.session.dataset

    @property
    def _scan_task(self) -> Optional[Job]:
        """The dataset scan in progress, or None."""
        return self.datasets.scan_task

    def open_demo(self) -> None:
        """Open the bundled demo dataset."""
        self.datasets.open_demo()

    def restore_last_dataset(self) -> None:
        """Re-open the last dataset if it still exists."""
        self.datasets.restore_last()

    def open_dataset(self, folder: str, val_fraction: float | None = None, test_fraction: float | None = None) -> None:
        """Scan and decode ``folder`` in the background; the Dataset view shows progress."""
        self.datasets.open(folder, val_fraction, test_fraction)

    def _on_dataset_opening(self, _folder: str) -> None:
        self.tabs.setCurrentWidget(self.dataset_view)
        self.state_label.setText(self.tr("Opening dataset…"))

    def _on_dataset_changed(self, dataset: Optional["ImageDataset"]) -> None:
        if dataset is None:
            return
        self.dataset_view.set_applied_fractions(*self.session.split)
        self.dataset_view.show_dataset(dataset)
        self.model_view.set_num_classes(len(dataset.classes))
        self.actions_.refresh_recent()
        self.inspect_view.set_dataset(dataset)
        # Ends with the application name, so Qt does not append it again ("demo — CNN Studio").
        self.setWindowTitle(self.tr("{name} — CNN Studio").format(name=Path(self.session.dataset_root).name))
        self.config.sync()
        self.update_ready()

    # --- models ----------------------------------------------------------------------------
    def _on_model_changed(self, _name: str) -> None:
        if self.controller.state == TrainingState.IDLE:
            self.apply_family_defaults(keep_typed_epochs=True)
        self.config.sync()
        self.update_ready()

    def apply_family_defaults(self, keep_typed_epochs: bool = False) -> None:
        """Fill the hyperparameter form with the selected model family's recipe (the epochs typed kept if asked)."""
        from cnn_studio.core.config import recommended_config

        name = self.model_view.current_name()
        if not name:
            return
        cfg = recommended_config(name, self.datasets.dataset_root() or "")
        current = self.dataset_view.apply_to(cfg)
        self.train_view.form.load_from(replace(current, seed=self.train_view.form.seed.value()),
                                       keep_typed_epochs=keep_typed_epochs)
        self.model_view.set_pretrained(cfg.model.pretrained if self.model_view.pretrained_value() in
                                       ("none", "imagenet") else self.model_view.pretrained_value())

    def download_weights(self, name: str) -> None:
        """Download ImageNet weights for ``name`` in the background."""
        from cnn_studio.core.models.weights import download_weights

        def download(job: JobContext) -> Path:
            return download_weights(name, progress=job.progress, cancel=job.cancel)

        mv = self.model_view
        mv.set_download_progress(0.0)
        self.controller.jobs.submit(download, kind=f"download:{name}",
                                    on_progress=lambda done, total: mv.set_download_progress(done / total if total
                                                                                            else 0.0),
                                    on_failed=self.show_task_error,
                                    on_finished=lambda: mv.set_download_progress(None))

    # --- configs (views <-> session.config through self.config) -----------------------------
    def current_config(self) -> TrainConfig:
        """Return the session's TrainConfig, brought up to date with the views (ConfigError if invalid)."""
        return self.config.current()

    def load_config_into_views(self, cfg: TrainConfig) -> None:
        """Put a TrainConfig in the session; every view shows it."""
        self.session.load_config(cfg)

    def export_for_server(self) -> None:
        """Export a run config plus the torchrun command for a server (see :class:`ConfigFiles`)."""
        self.config_files.export_for_server()

    def export_model(self, run_dir: str = "") -> None:
        """Export a run's model (``run_dir``, else the one run selected in Runs) to ONNX or TorchScript."""
        from cnn_studio.gui.widgets.export_dialog import ModelExportDialog

        selected = self.session.selected_runs
        run_dir = run_dir or (selected[0] if len(selected) == 1 else "")
        if not run_dir:
            self.tabs.setCurrentWidget(self.runs_view)
            self.show_message(self.tr("Select one run in the Runs view to export its model."))
            return
        ModelExportDialog(run_dir, self).exec()

    # --- training --------------------------------------------------------------------------
    def update_ready(self) -> None:
        """Tell the Train view and the Start action whether a run can start, and if not, why."""
        if self.session.dataset is None:
            reason = self.tr("Open a dataset first (Ctrl+O, or drop a folder on the window).")
        elif not self.model_view.current_name():
            reason = self.tr("Pick a model in the Model view.")
        else:
            reason = ""
        self._ready_reason = reason
        self.train_view.set_ready(reason)
        self.actions_.update_enabled(self.controller.state, reason)

    def start_training(self) -> None:
        """Start a run with the current settings."""
        if self.controller.is_training():
            return
        cfg = self.current_config()
        self.settings.set_last_config(cfg.to_dict())
        self._start(cfg, dataset=self._matching_dataset(cfg))

    def _matching_dataset(self, cfg: TrainConfig) -> Optional["ImageDataset"]:
        """Return the opened dataset if it is the one ``cfg`` describes (else the engine opens it)."""
        return self.session.matching_dataset(cfg)

    def _start(self, cfg: TrainConfig, dataset: Optional["ImageDataset"] = None, resume_from: str | None = None) -> None:
        self.train_view.clear_curves()
        if resume_from:  # the curves continue where the run stopped instead of starting at the resume point
            from cnn_studio.core.runs import read_metrics

            folder = Path(resume_from) if Path(resume_from).is_dir() else Path(resume_from).parent
            self.train_view.preload_history(read_metrics(folder))
        self.tabs.setCurrentWidget(self.train_view)
        self.controller.start_training(cfg, dataset=dataset, resume_from=resume_from)

    def resume_run(self, run_dir: str) -> None:
        """Resume an interrupted run from its last checkpoint."""
        from cnn_studio.core.runs import LAST_CHECKPOINT, read_run_config

        if self.controller.is_training():
            return
        data = read_run_config(run_dir)
        if not data:
            raise ConfigError(f"The run folder {run_dir} has no readable config.json; it cannot be resumed.")
        cfg = TrainConfig.from_dict(data)
        last = Path(run_dir) / LAST_CHECKPOINT  # without one (killed in its first epoch) the folder restarts
        self._start(cfg, dataset=self._matching_dataset(cfg), resume_from=str(last if last.is_file() else run_dir))

    def toggle_pause(self) -> None:
        """Pause a training run, or resume a paused one."""
        if self.controller.state == TrainingState.PAUSED:
            self.controller.resume()
        else:
            self.controller.pause()

    def on_state_changed(self, state: str) -> None:
        """Show the controller's state in the status bar, the Train view and the actions."""
        texts = {TrainingState.IDLE: self.tr("Ready"), TrainingState.TRAINING: self.tr("Training…"),
                 TrainingState.PAUSED: self.tr("Paused"),
                 TrainingState.STOPPING: self.tr("Stopping… (saving the last checkpoint)")}
        self.state_label.setText(texts[TrainingState(state)])
        self.train_view.set_state(state)
        self.actions_.update_enabled(state, self._ready_reason)

    def choose_run(self, run_dir: str) -> None:
        """A run was chosen in the Runs view: show its results and use its model in Inspect and Predict."""
        self.runs.choose(run_dir)

    def inspect_image(self, path: str, checkpoint: str = "") -> None:
        """Open an image in the Inspect view, with ``checkpoint``'s model unless it is already loaded."""
        self.inspect_view.inspect_image(path, checkpoint, self.session.predictor)
        self.tabs.setCurrentWidget(self.inspect_view)

    def _on_run_finished(self, event: RunFinished) -> None:
        self.runs_view.refresh()
        self.runs.on_run_finished(event)

    def _on_training_failed(self, event: RunFailed) -> None:
        self.train_view.on_failed(event.message)
        dialogs.show_error(self, event.message, "" if event.user_error else event.details)

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
        """Cancel the views' background jobs (Train, Results, Inspect, Predict, Lab) and wait for them."""
        for view in (self.train_view, self.results_view, self.inspect_view, self.predict_view, self.lab_view):
            view.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.lab_view.is_running():  # like training: stop cooperatively, close once the queue has ended
            if not self._close_requested and not dialogs.ask_yes_no(
                    self, self.tr("Experiment in progress"),
                    self.tr("A lab experiment is running. Stop it (the current run keeps its last checkpoint, "
                            "so Continue can finish it later) and close?")):
                event.ignore()
                return
            self._close_requested = True
            self.lab_view.stop()
            event.ignore()
            return
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
