"""The one way the GUI runs background work: :class:`JobRunner`.

Every job (dataset scan and decode, weights download, loading a model, activations, Grad-CAM,
classifying files) is a plain function ``fn(job: JobContext) -> result`` that knows nothing of Qt.
It reports through the core's one protocol (:mod:`cnn_studio.core.progress`): ``job.progress`` is a
``Progress`` (``(done, total)``), ``job.cancel`` is a ``CancelToken``; so a core call is simply
``open_dataset(cfg, progress=job.progress, cancel=job.cancel)``. ``job.partial(payload)`` sends an
intermediate result (a batch of predictions, a few heatmaps).

``runner.submit(fn, kind=..., on_done=..., on_failed=..., on_progress=..., on_partial=...,
on_cancelled=..., on_finished=...)`` runs ``fn`` on the runner's private ``QThreadPool`` and calls
the callbacks in the GUI thread (queued signals of a QObject created there):

- ``on_done(result)`` after success; ``on_failed(JobFailure)`` after an exception (one shape for
  every job: a one-sentence message, the traceback as details unless it was a ``UserError``);
  ``on_cancelled()`` when the job was cancelled (its result, or failure, is dropped);
- ``on_progress(done, total)`` at most ~20 times a second (always at ``done == total``);
- ``on_finished()`` last, whatever the outcome.

Submitting a job with the same ``kind`` as a running one supersedes it: the older job is asked to
cancel and nothing of it is delivered any more (the user picked another layer meanwhile). ``threads``
bounds how many jobs run at once (1 for a view whose jobs share one model). ``shutdown()`` cancels
everything and waits, so no thread outlives a view, the window or a test.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from cnn_studio.core.errors import Cancelled, UserError
from cnn_studio.core.progress import CancelToken

__all__ = ["Job", "JobContext", "JobFailure", "JobRunner"]

PROGRESS_INTERVAL_S = 0.05  # progress reaches the GUI at most 20 times a second


@dataclass(frozen=True)
class JobFailure:
    """How every failed background job is reported."""

    message: str             #: one sentence for the status bar or a dialog
    details: str             #: the traceback ('' for a UserError: the message says it all)
    user_error: bool         #: True for a ``UserError`` (bad folder, wrong checkpoint, ...)
    exception: BaseException = field(compare=False)

    @classmethod
    def from_exception(cls, exc: BaseException) -> "JobFailure":
        """Describe ``exc`` (call inside the ``except`` block, for the traceback)."""
        if isinstance(exc, UserError):
            return cls(str(exc), "", True, exc)
        details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        return cls(f"{type(exc).__name__}: {exc}", details, False, exc)


class _JobSignals(QObject):
    """Carries a job's messages to the GUI thread (created there, so the connections are queued)."""

    progressed = Signal(int, int, int)   # serial, done, total
    partial = Signal(int, object)        # serial, payload
    ended = Signal(int, str, object)     # serial, "done" | "failed" | "cancelled", result or JobFailure


class JobContext:
    """What a job function receives: ``progress``, ``cancel`` and ``partial`` (thread-safe)."""

    def __init__(self, serial: int, cancel: CancelToken, signals: _JobSignals) -> None:
        self.cancel = cancel
        self._serial = serial
        self._signals = signals
        self._last = 0.0

    def progress(self, done: int, total: int) -> None:
        """A ``core.progress.Progress``; raises ``Cancelled`` once the job was cancelled."""
        if self.cancel():
            raise Cancelled()
        now = time.monotonic()
        if (total and done >= total) or now - self._last >= PROGRESS_INTERVAL_S:
            self._last = now
            self._signals.progressed.emit(self._serial, int(done), int(total))

    def partial(self, payload: Any) -> None:
        """Send an intermediate result to ``on_partial`` (dropped once the job is cancelled)."""
        if not self.cancel():
            self._signals.partial.emit(self._serial, payload)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[JobContext], Any], context: JobContext, signals: _JobSignals) -> None:
        super().__init__()
        self.setAutoDelete(False)  # Python keeps the reference until the outcome is delivered
        self.fn, self.context, self.signals = fn, context, signals

    def run(self) -> None:  # noqa: D102 - QRunnable entry point, runs in a pool thread
        serial, cancel = self.context._serial, self.context.cancel
        outcome, payload = "cancelled", None
        if not cancel():
            try:
                payload = self.fn(self.context)
                outcome = "done"
            except Cancelled:
                outcome = "cancelled"
            except BaseException as exc:  # noqa: BLE001 - every failure is reported to the GUI thread
                outcome, payload = "failed", JobFailure.from_exception(exc)
        if cancel():
            outcome, payload = "cancelled", None
        self.signals.ended.emit(serial, outcome, payload)


@dataclass
class Job:
    """A submitted job: ``cancel()`` it, or ask whether it was."""

    serial: int
    kind: Optional[str]
    token: CancelToken

    def cancel(self) -> None:
        """Ask the job to stop at its next check (its outcome is reported as cancelled)."""
        self.token.cancel()

    @property
    def cancelled(self) -> bool:
        """True once :meth:`cancel` was called."""
        return self.token.cancelled


@dataclass
class _Live:
    job: Job
    runnable: _Runnable
    callbacks: dict[str, Optional[Callable[..., Any]]]


class JobRunner(QObject):
    """Runs background jobs; at most ``threads`` at a time."""

    def __init__(self, parent: QObject | None = None, threads: int = 1) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._signals = _JobSignals(self)
        self._signals.progressed.connect(self._on_progressed)
        self._signals.partial.connect(self._on_partial)
        self._signals.ended.connect(self._on_ended)
        self._serial = 0
        self._live: dict[int, _Live] = {}

    def submit(self, fn: Callable[[JobContext], Any], *, kind: str | None = None,
               on_done: Callable[[Any], None] | None = None,
               on_failed: Callable[[JobFailure], None] | None = None,
               on_progress: Callable[[int, int], None] | None = None,
               on_partial: Callable[[Any], None] | None = None,
               on_cancelled: Callable[[], None] | None = None,
               on_finished: Callable[[], None] | None = None) -> Job:
        """Queue ``fn(job_context)``; a running job of the same ``kind`` is superseded."""
        if kind is not None:
            self._supersede(kind)
        self._serial += 1
        job = Job(self._serial, kind, CancelToken())
        runnable = _Runnable(fn, JobContext(job.serial, job.token, self._signals), self._signals)
        self._live[job.serial] = _Live(job, runnable, {
            "done": on_done, "failed": on_failed, "progress": on_progress, "partial": on_partial,
            "cancelled": on_cancelled, "finished": on_finished})
        self._pool.start(runnable)
        return job

    def _supersede(self, kind: str) -> None:
        for serial, live in list(self._live.items()):
            if live.job.kind == kind:
                live.job.cancel()
                live.callbacks = {}  # nothing of a superseded job is delivered

    def cancel(self, kind: str | None = None) -> None:
        """Cancel the jobs of ``kind`` (every job when None); nothing but ``on_cancelled``/``on_finished`` follows."""
        for live in list(self._live.values()):
            if kind is None or live.job.kind == kind:
                live.job.cancel()
                for name in ("done", "failed", "progress", "partial"):
                    live.callbacks.pop(name, None)

    def is_busy(self, kind: str | None = None) -> bool:
        """True while a job (of ``kind``) has not delivered its outcome."""
        return any(kind is None or live.job.kind == kind for live in self._live.values())

    def active_threads(self) -> int:
        """How many pool threads are running a job right now (0 after ``shutdown``)."""
        return self._pool.activeThreadCount()

    def shutdown(self, timeout_ms: int = 30000) -> bool:
        """Cancel every job, wait for running ones, and drop their outcomes; True if all ended."""
        for live in self._live.values():
            live.job.cancel()
            live.callbacks = {}
        self._pool.clear()
        done = self._pool.waitForDone(timeout_ms)
        self._live.clear()
        return done

    # --- delivery (GUI thread) ---------------------------------------------------------------
    def _callback(self, serial: int, name: str) -> Callable[..., Any] | None:
        live = self._live.get(serial)
        return live.callbacks.get(name) if live is not None else None

    def _on_progressed(self, serial: int, done: int, total: int) -> None:
        callback = self._callback(serial, "progress")
        if callback is not None:
            callback(done, total)

    def _on_partial(self, serial: int, payload: Any) -> None:
        callback = self._callback(serial, "partial")
        if callback is not None:
            callback(payload)

    def _on_ended(self, serial: int, outcome: str, payload: Any) -> None:
        live = self._live.pop(serial, None)
        if live is None:
            return
        callbacks = live.callbacks
        try:
            callback = callbacks.get(outcome)
            if callback is not None and outcome == "cancelled":
                callback()
            elif callback is not None:
                callback(payload)
        finally:
            finished = callbacks.get("finished")
            if finished is not None:
                finished()
