"""The training controller: starts, pauses and stops runs, and holds the window's job runner.

The training run is the one thread the controller owns. It follows DESIGN.md (the superqt pattern):
a QObject worker is moved to a QThread, ``thread.started -> worker.run``, ``worker.finished ->
thread.quit``, ``worker.finished -> worker.deleteLater``, ``thread.finished -> thread.deleteLater``,
and Python references are kept until ``thread.finished``. Stopping is cooperative
(``TrainingControl`` flags), never ``QThread.terminate()``.

Short jobs of the window (dataset scan and decode, weights download) run on ``jobs``, a
:class:`~cnn_studio.gui.jobs.JobRunner`; the views own runners of their own for their jobs (model
loading, activations, Grad-CAM, classification). ``shutdown`` stops the run and the window's jobs
and waits for both.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEventLoop, QObject, QThread, Signal, Slot

from cnn_studio.core.session import TrainingState
from cnn_studio.gui.jobs import JobRunner
from cnn_studio.gui.worker import TrainingWorker

IDLE, TRAINING, PAUSED, STOPPING = (TrainingState.IDLE, TrainingState.TRAINING, TrainingState.PAUSED,
                                    TrainingState.STOPPING)
JOB_THREADS = 2  # a dataset scan and a weights download may run side by side


class Controller(QObject):
    """Starts, pauses and stops training; re-emits the core's events; ``jobs`` runs the window's short jobs."""

    state_changed = Signal(str)
    training_started = Signal(object)  # the TrainConfig
    run_started = Signal(object)
    batch_progressed = Signal(object)
    epoch_ended = Signal(object)
    weights_snapshot = Signal(object)
    run_finished = Signal(object)
    training_failed = Signal(str, str, bool)
    training_result = Signal(object)
    #: emitted once the training thread has fully finished (safe to start again or to close)
    training_thread_finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = IDLE
        self._control: Any = None
        self._train_thread: QThread | None = None
        self._train_worker: TrainingWorker | None = None
        self.jobs = JobRunner(self, threads=JOB_THREADS)
        self._snapshot_layers: set[str] = set()
        self.last_config: Any = None
        self.last_result: Any = None

    # --- state ---------------------------------------------------------------------------
    @property
    def state(self) -> TrainingState:
        """Return the state (a ``TrainingState``, equal to its string value)."""
        return self._state

    @property
    def control(self) -> Any:
        """Return the current run's TrainingControl (None when idle)."""
        return self._control

    def is_training(self) -> bool:
        """Return True while a training thread exists."""
        return self._train_thread is not None

    def has_running_threads(self) -> bool:
        """Return True while any background thread is alive."""
        return self._train_thread is not None or self.jobs.is_busy()

    def _set_state(self, state: TrainingState) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state.value)

    # --- training ------------------------------------------------------------------------
    def start_training(self, cfg: Any, dataset: Any = None, resume_from: str | None = None) -> None:
        """Start a run in the background; raises RuntimeError if one is already running."""
        if self._train_thread is not None:
            raise RuntimeError("A training run is already in progress.")
        from cnn_studio.core.training.control import TrainingControl

        self._control = TrainingControl(snapshot_layers=self._snapshot_layers)
        self.last_config = cfg
        self.last_result = None
        thread = QThread()
        thread.setObjectName("cnn-studio-training")
        worker = TrainingWorker(cfg, self._control, dataset=dataset, resume_from=resume_from)
        worker.moveToThread(thread)
        worker.run_started.connect(self.run_started)
        worker.batch_progressed.connect(self.batch_progressed)
        worker.epoch_ended.connect(self.epoch_ended)
        worker.weights_snapshot.connect(self.weights_snapshot)
        worker.run_finished.connect(self.run_finished)
        worker.failed.connect(self.training_failed)
        worker.result_ready.connect(self._on_result)
        thread.started.connect(worker.run)
        worker.finished.connect(thread.quit)
        worker.finished.connect(worker.deleteLater)
        thread.finished.connect(thread.deleteLater)
        thread.finished.connect(self._on_training_thread_finished)
        self._train_thread, self._train_worker = thread, worker
        self._set_state(TRAINING)
        self.training_started.emit(cfg)
        thread.start()

    @Slot(object)
    def _on_result(self, result: Any) -> None:
        self.last_result = result
        self.training_result.emit(result)

    @Slot()
    def _on_training_thread_finished(self) -> None:
        self._train_thread = None
        self._train_worker = None
        self._control = None
        self._set_state(IDLE)
        self.training_thread_finished.emit()

    def pause(self) -> None:
        """Pause at the next batch boundary."""
        if self._control is not None and self._state == TRAINING:
            self._control.pause()
            self._set_state(PAUSED)

    def resume(self) -> None:
        """Resume a paused run."""
        if self._control is not None and self._state == PAUSED:
            self._control.resume()
            self._set_state(TRAINING)

    def stop(self) -> None:
        """Stop cooperatively; the engine saves the last checkpoint and reports 'stopped'."""
        if self._control is not None and self._state in (TRAINING, PAUSED):
            self._control.stop()
            self._control.resume()  # a paused run must wake up to see the stop flag
            self._set_state(STOPPING)

    @Slot(object)
    def set_snapshot_layers(self, paths: Any) -> None:
        """Tell the running engine which conv layers to snapshot at epoch end (Inspect view)."""
        self._snapshot_layers = set(paths or ())
        if self._control is not None:
            self._control.snapshot_layers = self._snapshot_layers

    # --- background jobs -----------------------------------------------------------------
    def cancel_tasks(self) -> None:
        """Ask every background job of the window (``jobs``) to stop."""
        self.jobs.cancel()

    # --- shutdown ------------------------------------------------------------------------
    def shutdown(self, timeout_ms: int = 30000) -> bool:
        """Stop everything and wait (processing events) until all threads ended; True if they did."""
        self.stop()
        self.cancel_tasks()
        deadline = QDeadlineTimer(timeout_ms)
        while self.has_running_threads() and not deadline.hasExpired():
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            QThread.msleep(5)
        return not self.has_running_threads()

