"""Consumers of training events: subclass :class:`Callback` and override :meth:`Callback.on_event`.

The engine emits the frozen dataclasses of :mod:`cnn_studio.core.training.events` and calls
``on_event`` of each callback, in order; a callback picks the event types it cares about with
``isinstance`` (or ``match``). The GUI's worker (which relays every event on one Qt signal), the
CLI's progress bar and the JSON printer are all callbacks. ``on_event`` runs on the training
thread (rank 0 only in a distributed run), so it should be quick.
"""

from __future__ import annotations

from cnn_studio.core.training.events import TrainingEvent


class Callback:
    """Base class; :meth:`on_event` does nothing by default."""

    def on_event(self, event: TrainingEvent) -> None:
        """Called with each event the engine emits (RunStarted ... RunFinished), in order."""


class EventRecorder(Callback):
    """Keep every event in a list (tests, notebooks)."""

    def __init__(self) -> None:
        self.events: list[TrainingEvent] = []

    def on_event(self, event: TrainingEvent) -> None:
        """Append the event to :attr:`events`."""
        self.events.append(event)

    def of_type(self, kind: type) -> list:
        """Return the recorded events of one class."""
        return [e for e in self.events if isinstance(e, kind)]
