"""The one controller between the views and the core; it owns every background QThread.

Threading follows DESIGN.md (the superqt pattern): a QObject worker is moved to a QThread,
``thread.started -> worker.run``, ``worker.finished -> thread.quit``, ``worker.finished ->
worker.deleteLater``, ``thread.finished -> thread.deleteLater``, and Python references are kept
until ``thread.finished``. Stopping is cooperative (``TrainingControl`` flags), never
``QThread.terminate()``.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEventLoop, QObject, QThread, Signal, Slot

from cnn_studio.core.training.events import (
    BatchProgress, EpochEnded, RunFailed, RunFinished, RunStarted, WeightsSnapshot,
)
from cnn_studio.gui.worker import TaskWorker, TrainingWorker

IDLE, TRAINING, PAUSED, STOPPING = "idle", "training", "paused", "stopping"


class _TaskRelay(QObject):
    """Re-emits a task worker's signals in the GUI thread."""

    progressed = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(str, str, bool)
    cancelled = Signal()
    done = Signal()


class Controller(QObject):
    """Starts, pauses and stops training and background tasks; re-emits the core's events."""

    state_changed = Signal(str)
    training_started = Signal(object)  # the TrainConfig
    #: every event of the running engine (a frozen dataclass of ``core.training.events``), in order;
    #: the signals below carry the same events split by type
    training_event = Signal(object)
    run_started = Signal(object)
    batch_progressed = Signal(object)
    epoch_ended = Signal(object)
    weights_snapshot = Signal(object)
    run_finished = Signal(object)
    training_failed = Signal(str, str, bool)
    training_result = Signal(object)
    #: emitted once the training thread has fully finished (safe to start again or to close)
    training_thread_finished = Signal()
    all_threads_finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = IDLE
        self._control: Any = None
        self._train_thread: QThread | None = None
        self._train_worker: TrainingWorker | None = None
        self._tasks: dict[int, tuple[QThread, TaskWorker, _TaskRelay]] = {}
        self._next_task = 0
        self._snapshot_layers: set[str] = set()
        self.last_config: Any = None
        self.last_result: Any = None
        self._event_signals = {RunStarted: self.run_started, BatchProgress: self.batch_progressed,
                               EpochEnded: self.epoch_ended, WeightsSnapshot: self.weights_snapshot,
                               RunFinished: self.run_finished}

    # --- state ---------------------------------------------------------------------------
    @property
    def state(self) -> str:
        """Return idle, training, paused or stopping."""
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
        return self._train_thread is not None or bool(self._tasks)

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)

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
        worker.event.connect(self._on_training_event)  # queued: the slot runs in the GUI thread
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
    def _on_training_event(self, event: Any) -> None:
        """Re-emit a core event on ``training_event`` and on the signal of its type (if it has one)."""
        self.training_event.emit(event)
        if isinstance(event, RunFailed):
            self.training_failed.emit(event.message, event.details, event.user_error)
            return
        signal = self._event_signals.get(type(event))
        if signal is not None:
            signal.emit(event)

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
        self._check_all_finished()

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

    # --- short tasks ---------------------------------------------------------------------
    def run_task(self, fn: Callable[[Callable[..., None], Callable[[], bool]], Any], *,
                 on_success: Callable[[Any], None] | None = None,
                 on_failure: Callable[[str, str, bool], None] | None = None,
                 on_progress: Callable[[float, str], None] | None = None,
                 on_cancelled: Callable[[], None] | None = None,
                 on_done: Callable[[], None] | None = None) -> TaskWorker:
        """Run ``fn(progress, cancelled)`` on its own thread; callbacks run in the GUI thread."""
        task_id = self._next_task
        self._next_task += 1
        thread = QThread()
        thread.setObjectName(f"cnn-studio-task-{task_id}")
        worker = TaskWorker(fn)
        worker.moveToThread(thread)
        # The relay lives in the GUI thread: worker -> relay connections are queued, so the plain
        # Python callbacks below always run in the GUI thread.
        relay = _TaskRelay(self)
        worker.progressed.connect(relay.progressed)
        worker.succeeded.connect(relay.succeeded)
        worker.failed.connect(relay.failed)
        worker.cancelled.connect(relay.cancelled)
        thread.finished.connect(relay.done)
        for signal, slot in ((relay.succeeded, on_success), (relay.failed, on_failure),
                             (relay.progressed, on_progress), (relay.cancelled, on_cancelled)):
            if slot is not None:
                signal.connect(slot)
        relay.done.connect(lambda: self._on_task_finished(task_id, on_done))
        thread.started.connect(worker.run)
        worker.finished.connect(thread.quit)
        worker.finished.connect(worker.deleteLater)
        thread.finished.connect(thread.deleteLater)
        self._tasks[task_id] = (thread, worker, relay)
        thread.start()
        return worker

    def _on_task_finished(self, task_id: int, on_done: Callable[[], None] | None) -> None:
        entry = self._tasks.pop(task_id, None)
        if entry is not None:
            entry[2].deleteLater()
        if on_done is not None:
            on_done()
        self._check_all_finished()

    def cancel_tasks(self) -> None:
        """Ask every running task to stop."""
        for _thread, worker, _relay in list(self._tasks.values()):
            try:
                worker.cancel()
            except RuntimeError:  # already deleted
                pass

    def _check_all_finished(self) -> None:
        if not self.has_running_threads():
            self.all_threads_finished.emit()

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

