"""Thread-safe stop / pause / resume for a running training, checked at every batch boundary.

The GUI thread calls :meth:`TrainingControl.stop`, :meth:`pause` and :meth:`resume`; the training
thread calls :meth:`TrainingControl.check` between batches. A pause blocks the training thread on
a ``threading.Event`` (no busy waiting); the model, optimizer and scheduler stay in memory, so the
run continues exactly where it was. A stop raises :class:`StopTraining`, which unwinds the loop
so ``finally`` blocks save ``last.pt`` and the run ends with status ``stopped``.
"""

from __future__ import annotations

import threading
from typing import Iterable

from cnn_studio.core.errors import Cancelled


class StopTraining(Cancelled):
    """Raised inside the training loop when a stop was requested; not an error."""


class TrainingControl:
    """Flags shared between the thread that trains and the threads that steer it."""

    def __init__(self, snapshot_layers: Iterable[str] = ()) -> None:
        self._stop = threading.Event()
        self._running = threading.Event()  # set = not paused
        self._running.set()
        self._lock = threading.Lock()
        self._snapshot_layers: frozenset[str] = frozenset(snapshot_layers)

    # --- called from any thread --------------------------------------------------------------
    def stop(self) -> None:
        """Ask the run to stop at the next batch boundary (also ends a pause)."""
        self._stop.set()
        self._running.set()

    def pause(self) -> None:
        """Ask the run to wait at the next batch boundary until :meth:`resume` or :meth:`stop`."""
        if not self._stop.is_set():
            self._running.clear()

    def resume(self) -> None:
        """Let a paused run continue."""
        self._running.set()

    @property
    def is_paused(self) -> bool:
        """True while a pause is requested (and not stopped)."""
        return not self._running.is_set()

    @property
    def stop_requested(self) -> bool:
        """True once :meth:`stop` was called."""
        return self._stop.is_set()

    @property
    def snapshot_layers(self) -> frozenset[str]:
        """Dotted paths of the conv layers whose weights are copied at each epoch end."""
        with self._lock:
            return self._snapshot_layers

    @snapshot_layers.setter
    def snapshot_layers(self, paths: Iterable[str]) -> None:
        with self._lock:
            self._snapshot_layers = frozenset(paths)

    # --- called from the training thread -----------------------------------------------------
    def wait_while_paused(self, timeout: float | None = None) -> bool:
        """Block while paused (without using CPU); return True if a pause actually happened."""
        if self._running.is_set():
            return False
        self._running.wait(timeout)
        return True

    def check(self) -> None:
        """Wait while paused, then raise :class:`StopTraining` if a stop was requested."""
        if not self._running.is_set():
            self._running.wait()
        if self._stop.is_set():
            raise StopTraining("training stopped by the user")
