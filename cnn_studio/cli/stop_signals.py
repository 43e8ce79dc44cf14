"""Signals that stop a training run cooperatively: Ctrl-C, SIGTERM, SIGHUP (and Ctrl-Break on Windows).

``timeout``, systemd, Docker and a desktop logout send SIGTERM; closing a terminal sends SIGHUP.
Each is handled like Ctrl-C: the run stops at the next batch, saves ``last.pt``, writes
``summary.json`` with status ``stopped``, and the process exits ``128 + signal number`` (130 for
Ctrl-C, 143 for SIGTERM, 129 for SIGHUP), as a shell reports a process killed by that signal.
"""

from __future__ import annotations

import signal
import sys
from typing import Any

# Signals that ask for a cooperative stop, where the platform has them.
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK")
                     if hasattr(signal, name))


class StopSignals:
    """Install the handlers (a context manager); :attr:`received` is the first stop signal, or None."""

    def __init__(self, control: Any, *, quiet: bool = False, distributed: bool = False) -> None:
        self.control = control
        self.quiet = quiet
        self.distributed = distributed
        self.received: int | None = None
        self._previous: dict[int, Any] = {}

    def exit_code(self, default: int) -> int:
        """``128 + signal`` when a signal stopped the run, else ``default``."""
        return 128 + int(self.received) if self.received is not None else default

    def handler(self, signum: int, frame: Any) -> None:
        """First signal: stop after the current batch. A second Ctrl-C aborts at once (not distributed).

        Distributed, further signals are ignored: torchrun forwards the terminal's signal a second
        time, and all ranks must reach the same batch to stop together.
        """
        if self.control.stop_requested:
            if self.distributed or signum != signal.SIGINT:
                return
            raise KeyboardInterrupt
        self.received = signum
        if not self.quiet:
            name = "Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name
            again = "" if self.distributed or signum != signal.SIGINT else " (Ctrl-C again to abort)"
            where = "at the next agreement point" if self.distributed else "after the current batch"
            print(f"\n{name}: stopping {where}; last.pt keeps the state to resume from{again}...",
                  file=sys.stderr, flush=True)
        self.control.stop()

    def __enter__(self) -> "StopSignals":
        for signum in STOP_SIGNALS:
            try:
                self._previous[signum] = signal.signal(signum, self.handler)
            except (ValueError, OSError):  # not the main thread, or not settable here
                pass
        return self

    def __exit__(self, *exc: Any) -> None:
        for signum, previous in self._previous.items():
            try:
                signal.signal(signum, previous)
            except (ValueError, OSError, TypeError):
                pass
        self._previous.clear()

