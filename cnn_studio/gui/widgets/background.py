"""Short background jobs on a private QThreadPool, with stale results dropped.

A view submits ``runner.submit(kind, fn, on_done, on_failed)``; ``fn`` runs in a pool thread and
its return value reaches ``on_done`` in the GUI thread through a queued signal. Submitting another
job of the same ``kind`` makes earlier ones stale: their results are dropped when they arrive.
``fn`` may accept a ``report`` keyword to send intermediate results (e.g. batches of predictions)
to ``on_progress``. ``shutdown()`` cancels what it can and waits for running jobs, so no thread is
left running when a view (or a test) ends.
"""

from __future__ import annotations

import inspect
import threading
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _TaskSignals(QObject):
    """Carries a job's outcome to the GUI thread (created there, so connections are queued)."""

    finished = Signal(object)   # (kind, serial, result)
    progressed = Signal(object)  # (kind, serial, payload)
    failed = Signal(object)     # (kind, serial, exception, details)


class _Task(QRunnable):
    def __init__(self, kind: str, serial: int, fn: Callable[..., Any], signals: _TaskSignals,
                 cancel: threading.Event) -> None:
        super().__init__()
        self.setAutoDelete(False)  # Python keeps the reference until the result is delivered
        self.kind, self.serial, self.fn, self.signals, self.cancel = kind, serial, fn, signals, cancel

    def run(self) -> None:  # noqa: D102 - QRunnable entry point, runs in a pool thread
        if self.cancel.is_set():
            self.signals.finished.emit((self.kind, self.serial, _CANCELLED))
            return
        kwargs: dict[str, Any] = {}
        params = inspect.signature(self.fn).parameters
        if "report" in params:
            kwargs["report"] = lambda payload: self.signals.progressed.emit((self.kind, self.serial, payload))
        if "cancel" in params:
            kwargs["cancel"] = self.cancel
        try:
            result = self.fn(**kwargs)
        except BaseException as exc:  # noqa: BLE001 - every failure is reported to the GUI thread
            self.signals.failed.emit((self.kind, self.serial, exc, traceback.format_exc()))
            return
        self.signals.finished.emit((self.kind, self.serial, result))


_CANCELLED = object()


class TaskRunner(QObject):
    """Runs jobs for one view; at most ``threads`` at a time (default 1: jobs share one model)."""

    def __init__(self, parent: QObject | None = None, threads: int = 1) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._serial = 0
        self._latest: dict[str, int] = {}
        self._live: dict[int, tuple[_Task, _TaskSignals, dict[str, Callable | None]]] = {}
        self._cancels: dict[str, threading.Event] = {}

    def submit(self, kind: str, fn: Callable[..., Any], on_done: Callable[[Any], None],
               on_failed: Callable[[BaseException, str], None] | None = None,
               on_progress: Callable[[Any], None] | None = None) -> int:
        """Queue ``fn``; earlier jobs of ``kind`` become stale (and are asked to cancel)."""
        self.cancel(kind)
        self._serial += 1
        serial = self._serial
        self._latest[kind] = serial
        cancel = threading.Event()
        self._cancels[kind] = cancel
        signals = _TaskSignals()
        signals.finished.connect(self._on_finished)
        signals.failed.connect(self._on_failed)
        signals.progressed.connect(self._on_progressed)
        task = _Task(kind, serial, fn, signals, cancel)
        self._live[serial] = (task, signals, {"done": on_done, "failed": on_failed, "progress": on_progress})
        self._pool.start(task)
        return serial

    def cancel(self, kind: str) -> None:
        """Ask the current job of ``kind`` to stop; its result will be dropped."""
        event = self._cancels.pop(kind, None)
        if event is not None:
            event.set()
        self._latest[kind] = -1

    def is_busy(self, kind: str | None = None) -> bool:
        """True while a job (of ``kind``) has not delivered its result."""
        if kind is None:
            return bool(self._live)
        return any(task.kind == kind for task, _, _ in self._live.values())

    def active_threads(self) -> int:
        """How many pool threads are running a job right now (0 after ``shutdown``)."""
        return self._pool.activeThreadCount()

    def shutdown(self, timeout_ms: int = 30000) -> bool:
        """Cancel every job, wait for running ones, and drop their results; True if all ended."""
        for kind in list(self._cancels):
            self.cancel(kind)
        self._pool.clear()
        done = self._pool.waitForDone(timeout_ms)
        self._live.clear()
        return done

    # --- delivery (GUI thread) ---------------------------------------------------------------
    def _current(self, kind: str, serial: int) -> bool:
        return self._latest.get(kind) == serial

    def _on_progressed(self, message: tuple) -> None:
        kind, serial, payload = message
        entry = self._live.get(serial)
        if entry and self._current(kind, serial) and entry[2]["progress"]:
            entry[2]["progress"](payload)

    def _on_finished(self, message: tuple) -> None:
        kind, serial, result = message
        entry = self._live.pop(serial, None)
        if entry and self._current(kind, serial) and result is not _CANCELLED:
            self._cancels.pop(kind, None)
            entry[2]["done"](result)

    def _on_failed(self, message: tuple) -> None:
        kind, serial, exc, details = message
        entry = self._live.pop(serial, None)
        if entry and self._current(kind, serial):
            self._cancels.pop(kind, None)
            if entry[2]["failed"]:
                entry[2]["failed"](exc, details)
