"""The one progress and cancel protocol of every long job (scan, decode, conversion, inference, download).

A job takes two optional keyword arguments and knows nothing of who runs it (the CLI, a test, the
GUI's :class:`~cnn_studio.gui.jobs.JobRunner`):

- ``progress: Progress | None``: called as ``progress(done, total)`` in the job's own unit
  (images, files, bytes); ``total == 0`` means "unknown so far".
- ``cancel: CancelCheck | None``: called as ``cancel()``; when it returns True the job raises
  :class:`~cnn_studio.core.errors.Cancelled` at its next check (cooperative, never a kill).

:class:`CancelToken` is the one cancel object: a thread-safe flag that is itself a ``CancelCheck``,
so ``job(cancel=token)`` works anywhere. (Orange3 reports through a small state object the same
way; fastai unwinds by a dedicated exception so ``finally`` blocks still run.)
"""

from __future__ import annotations

import threading
from typing import Callable, Optional

from cnn_studio.core.errors import Cancelled

__all__ = ["CancelCheck", "CancelToken", "Progress", "check_cancelled", "report"]

#: ``progress(done, total)``; ``total == 0`` when the total is not known yet.
Progress = Callable[[int, int], None]
#: ``cancel()`` returns True once the job should stop.
CancelCheck = Callable[[], bool]


class CancelToken:
    """A thread-safe cancel flag; calling it answers "was cancel requested?" (a ``CancelCheck``)."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the job to stop at its next check (any thread)."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """True once :meth:`cancel` was called."""
        return self._event.is_set()

    def __call__(self) -> bool:
        return self._event.is_set()


def check_cancelled(cancel: Optional[CancelCheck]) -> None:
    """Raise :class:`Cancelled` if ``cancel`` says so (``None`` never cancels)."""
    if cancel is not None and cancel():
        raise Cancelled()


def report(progress: Optional[Progress], done: int, total: int) -> None:
    """Call ``progress(done, total)`` if there is a listener."""
    if progress is not None:
        progress(int(done), int(total))
