"""The training controller: starts, pauses and stops runs, hands their events to subscribers, holds the jobs.

The training run is the one thread the controller owns. It follows DESIGN.md (the superqt pattern):
a QObject worker is moved to a QThread, ``thread.started -> worker.run``, ``worker.finished ->
thread.quit``, ``worker.finished -> worker.deleteLater``, ``thread.finished -> thread.deleteLater``,
and Python references are kept until ``thread.finished``. Stopping is cooperative
(``TrainingControl`` flags), never ``QThread.terminate()``.

Events: the engine's frozen event dataclasses arrive, unchanged, on the worker's one ``event``
signal (queued to the GUI thread); the controller calls every slot subscribed to the event's type::

    controller.subscribe(EpochEnded, train_view.on_epoch_ended)
    controller.subscribe(TrainingEvent, log.append)     # the union: every event

so a new event is one dataclass in ``core/training/events.py`` plus the views that subscribe to it.

Short jobs of the window (dataset scan and decode, weights download) run on ``jobs``, a
:class:`~cnn_studio.gui.jobs.JobRunner`; the views own runners of their own (model loading,
activations, Grad-CAM, classification). ``shutdown`` stops the run and the window's jobs and waits.
"""

from __future__ import annotations

import types
import typing
from typing import TYPE_CHECKING, Any, Callable, Optional

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEventLoop, QObject, QThread, Signal, Slot

from cnn_studio.core.session import TrainingState
from cnn_studio.core.training.control import TrainingControl
from cnn_studio.core.training.events import TrainingEvent
from cnn_studio.gui.jobs import JobRunner
from cnn_studio.gui.worker import TrainingWorker

if TYPE_CHECKING:
    from cnn_studio.core.config import TrainConfig
    from cnn_studio.core.data.dataset import ImageDataset
    from cnn_studio.core.training.run_state import RunResult

JOB_THREADS = 2  # a dataset scan and a weights download may run side by side
EventSlot = Callable[[Any], None]


def _event_classes(event_type: Any) -> tuple[type, ...]:
    """The classes of ``event_type``: itself, or the members of a union such as ``TrainingEvent``."""
    if isinstance(event_type, types.UnionType) or typing.get_origin(event_type) is typing.Union:
        return tuple(typing.get_args(event_type))
    return (event_type,)


class Controller(QObject):
    """Starts, pauses and stops training; calls event subscribers; ``jobs`` runs the window's short jobs."""

    #: the new state's value (see ``core.session.TrainingState``)
    state_changed = Signal(str)
    #: emitted once the training thread has fully finished (safe to start again or to close)
    training_thread_finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = TrainingState.IDLE
        self._control: Optional[TrainingControl] = None
        self._train_thread: QThread | None = None
        self._train_worker: TrainingWorker | None = None
        self._subscribers: dict[type, list[EventSlot]] = {}
        self._snapshot_layers: set[str] = set()
        self.jobs = JobRunner(self, threads=JOB_THREADS)
        self.last_config: Optional["TrainConfig"] = None
        self.last_result: Optional["RunResult"] = None

    # --- state ---------------------------------------------------------------------------
    @property
    def state(self) -> TrainingState:
        """Return the state (a ``TrainingState``, equal to its string value)."""
        return self._state

    @property
    def control(self) -> Optional[TrainingControl]:
        """Return the current run's TrainingControl (None when idle)."""
        return self._control

    def is_training(self) -> bool:
        """Return True while a training thread exists."""
        return self._train_thread is not None

    def has_running_threads(self) -> bool:
        """Return True while the training thread or a job of ``jobs`` is alive."""
        return self._train_thread is not None or self.jobs.is_busy()

    def _set_state(self, state: TrainingState) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state.value)

    # --- events --------------------------------------------------------------------------
    def subscribe(self, event_type: Any, slot: EventSlot) -> Callable[[], None]:
        """Call ``slot(event)`` in the GUI thread for every training event of ``event_type``.

        Args:
            event_type: an event class of ``core.training.events`` (its subclasses too), or a union of
                them such as ``TrainingEvent`` (every event).
            slot: called with the frozen event, in the order the engine emitted them.

        Returns:
            A function that unsubscribes ``slot``.
        """
        classes = _event_classes(event_type)
        for cls in classes:
            self._subscribers.setdefault(cls, []).append(slot)

        def unsubscribe() -> None:
            for cls in classes:
                if slot in self._subscribers.get(cls, []):
                    self._subscribers[cls].remove(slot)

        return unsubscribe

    def clear_subscribers(self, event_type: Any) -> None:
        """Remove every slot subscribed to ``event_type`` (a class or a union, as in :meth:`subscribe`)."""
        for cls in _event_classes(event_type):
            self._subscribers.pop(cls, None)

    @Slot(object)
    def _on_training_event(self, event: TrainingEvent) -> None:
        """Hand ``event`` to the slots subscribed to its class or a base class (GUI thread)."""
        for cls in type(event).__mro__:
            for slot in list(self._subscribers.get(cls, ())):
                slot(event)

    # --- training ------------------------------------------------------------------------
    def start_training(self, cfg: "TrainConfig", dataset: Optional["ImageDataset"] = None,
                       resume_from: str | None = None) -> None:
        """Start a run in the background; raises RuntimeError if one is already running."""
        if self._train_thread is not None:
            raise RuntimeError("A training run is already in progress.")
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
        self._set_state(TrainingState.TRAINING)
        thread.start()

    @Slot(object)
    def _on_result(self, result: Optional["RunResult"]) -> None:
        self.last_result = result

    @Slot()
    def _on_training_thread_finished(self) -> None:
        self._train_thread = None
        self._train_worker = None
        self._control = None
        self._set_state(TrainingState.IDLE)
        self.training_thread_finished.emit()

    def pause(self) -> None:
        """Pause at the next batch boundary."""
        if self._control is not None and self._state == TrainingState.TRAINING:
            self._control.pause()
            self._set_state(TrainingState.PAUSED)

    def resume(self) -> None:
        """Resume a paused run."""
        if self._control is not None and self._state == TrainingState.PAUSED:
            self._control.resume()
            self._set_state(TrainingState.TRAINING)

    def stop(self) -> None:
        """Stop cooperatively; the engine saves the last checkpoint and reports 'stopped'."""
        if self._control is not None and self._state.running:
            self._control.stop()
            self._control.resume()  # a paused run must wake up to see the stop flag
            self._set_state(TrainingState.STOPPING)

    @Slot(object)
    def set_snapshot_layers(self, paths: Any) -> None:
        """Tell the running engine which conv layers to snapshot at epoch end (Inspect view)."""
        self._snapshot_layers = set(paths or ())
        if self._control is not None:
            self._control.snapshot_layers = self._snapshot_layers

    # --- background jobs and shutdown ------------------------------------------------------
    def cancel_tasks(self) -> None:
        """Ask every background job of the window (``jobs``) to stop."""
        self.jobs.cancel()

    def shutdown(self, timeout_ms: int = 30000) -> bool:
        """Stop everything and wait (processing events) until all threads ended; True if they did."""
        self.stop()
        self.cancel_tasks()
        deadline = QDeadlineTimer(timeout_ms)
        while self.has_running_threads() and not deadline.hasExpired():
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            QThread.msleep(5)
        return not self.has_running_threads()
