"""The training worker: a QObject the controller moves to the training QThread.

``TrainingWorker`` runs :func:`cnn_studio.core.training.engine.train` with one core ``Callback``
that relays every frozen event dataclass, unchanged, on the one ``event = Signal(object)``; the
engine knows nothing of Qt, and a new event needs no change here. (Short jobs do not use a worker:
they run on a :class:`~cnn_studio.gui.jobs.JobRunner`.)
"""

from __future__ import annotations

import traceback
from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import QObject, Signal, Slot

from cnn_studio.core.errors import Cancelled, UserError
from cnn_studio.core.training.callbacks import Callback
from cnn_studio.core.training.control import TrainingControl
from cnn_studio.core.training.events import RunFailed, TrainingEvent

if TYPE_CHECKING:
    from cnn_studio.core.config import TrainConfig
    from cnn_studio.core.data.dataset import ImageDataset


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

    def __init__(self, cfg: "TrainConfig", control: Optional[TrainingControl], dataset: Optional["ImageDataset"] = None,
                 resume_from: str | None = None) -> None:
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
