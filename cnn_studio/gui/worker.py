"""Background workers: QObjects moved to a QThread by the controller.

``TrainingWorker`` runs :func:`cnn_studio.core.training.engine.train` with one core ``Callback``
that relays every frozen event dataclass, unchanged, on the one ``event = Signal(object)``; the
engine knows nothing of Qt, and a new event needs no change here. ``TaskWorker`` runs any
short-lived function (dataset scan and decode, a weights download) with progress and cooperative
cancellation.
"""

from __future__ import annotations

import threading
import time
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal, Slot

from cnn_studio.core.errors import Cancelled, UserError
from cnn_studio.core.training.callbacks import Callback
from cnn_studio.core.training.events import RunFailed, TrainingEvent


class _EventRelay(Callback):
    """The engine's callback in the GUI: hands every event to the worker (on the training thread)."""

    def __init__(self, worker: "TrainingWorker") -> None:
        self._worker = worker

    def on_event(self, event: TrainingEvent) -> None:
        """Relay ``event`` on the worker's ``event`` signal."""
        self._worker.relay(event)


class TrainingWorker(QObject):
    """Runs one training run and relays every core event, unchanged, on the one ``event`` signal."""

    #: each frozen event dataclass of ``core.training.events`` (RunStarted ... RunFinished, RunFailed)
    event = Signal(object)
    #: the core's RunResult (or None when the run failed)
    result_ready = Signal(object)
    finished = Signal()

    def __init__(self, cfg: Any, control: Any, dataset: Any = None, resume_from: str | None = None) -> None:
        super().__init__()
        self._cfg = cfg
        self._control = control
        self._dataset = dataset
        self._resume_from = resume_from
        self._failure_reported = False

    def relay(self, event: TrainingEvent) -> None:
        """Emit ``event`` (queued to the receivers' threads); remembers that a failure was reported."""
        if isinstance(event, RunFailed):
            self._failure_reported = True
        self.event.emit(event)

    @Slot()
    def run(self) -> None:
        """Train; an error the engine did not report becomes a ``RunFailed`` event; always ends with ``finished``."""
        result = None
        try:
            from cnn_studio.core.training.engine import train

            result = train(self._cfg, callbacks=[_EventRelay(self)], control=self._control,
                           dataset=self._dataset, resume_from=self._resume_from)
        except Cancelled:
            pass
        except UserError as exc:
            if not self._failure_reported:
                self.relay(RunFailed(message=str(exc), details="", kind="user_error", user_error=True))
        except BaseException as exc:  # noqa: BLE001 - reported to the user, the app keeps running
            if not self._failure_reported:
                details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
                self.relay(RunFailed(message=f"{type(exc).__name__}: {exc}", details=details, kind="error"))
        finally:
            self.result_ready.emit(result)
            self.finished.emit()


class TaskWorker(QObject):
    """Runs ``fn(progress, cancel)`` once; reports progress at most ~20 times a second."""

    #: fraction in [0, 1] (or -1 when unknown), message
    progressed = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(str, str, bool)
    cancelled = Signal()
    finished = Signal()

    def __init__(self, fn: Callable[[Callable[..., None], Callable[[], bool]], Any]) -> None:
        super().__init__()
        self._fn = fn
        self._cancel = threading.Event()
        self._last_emit = 0.0

    def cancel(self) -> None:
        """Ask the task to stop at its next progress check (thread-safe)."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        """Return True once cancel() was called."""
        return self._cancel.is_set()

    def _progress(self, *args: Any, **kwargs: Any) -> None:
        """Accept ``(fraction)``, ``(done, total)`` or ``(done, total, message)``."""
        if self._cancel.is_set():
            raise Cancelled()
        message = str(kwargs.get("message", ""))
        fraction = -1.0
        numbers = [a for a in args if isinstance(a, (int, float)) and not isinstance(a, bool)]
        texts = [a for a in args if isinstance(a, str)]
        if texts:
            message = texts[0]
        if len(numbers) >= 2 and numbers[1]:
            fraction = float(numbers[0]) / float(numbers[1])
        elif len(numbers) == 1:
            fraction = float(numbers[0])
        elif args and hasattr(args[0], "__dict__"):  # a progress object with done/total
            obj = args[0]
            done, total = getattr(obj, "done", None), getattr(obj, "total", None)
            if done is not None and total:
                fraction = float(done) / float(total)
            message = str(getattr(obj, "message", getattr(obj, "stage", message)) or message)
        now = time.monotonic()
        if fraction >= 1.0 or now - self._last_emit >= 0.05:
            self._last_emit = now
            self.progressed.emit(min(fraction, 1.0), message)

    @Slot()
    def run(self) -> None:
        """Run the task; always ends with ``finished``."""
        try:
            result = self._fn(self._progress, self._cancel.is_set)
            if self._cancel.is_set():
                self.cancelled.emit()
            else:
                self.succeeded.emit(result)
        except Cancelled:
            self.cancelled.emit()
        except UserError as exc:
            self.failed.emit(str(exc), "", True)
        except BaseException as exc:  # noqa: BLE001 - reported to the user
            details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            self.failed.emit(f"{type(exc).__name__}: {exc}", details, False)
        finally:
            self.finished.emit()
