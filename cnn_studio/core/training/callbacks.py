"""Consumers of training events: subclass :class:`Callback` and override the hooks you need.

The GUI's worker, the CLI's progress bar and the JSON printer are all callbacks. Hooks run on the
training thread (rank 0 only in a distributed run), so they should be quick; a GUI forwards the
event through a queued signal.
"""

from __future__ import annotations

from typing import Iterable

from cnn_studio.core.training.events import (
    BatchProgress, EpochEnded, RunFailed, RunFinished, RunStarted, WeightsSnapshot,
)


class Callback:
    """Base class; every hook does nothing by default."""

    def on_run_started(self, event: RunStarted) -> None:
        """Called once the run is set up, before the first batch."""

    def on_batch_progress(self, event: BatchProgress) -> None:
        """Called about ten times a second while an epoch trains."""

    def on_epoch_ended(self, event: EpochEnded) -> None:
        """Called after each epoch's held-out evaluation and checkpoint."""

    def on_weights_snapshot(self, event: WeightsSnapshot) -> None:
        """Called after each epoch with copies of the requested conv weights."""

    def on_run_finished(self, event: RunFinished) -> None:
        """Called once at the end, whatever the status."""

    def on_failed(self, event: RunFailed) -> None:
        """Called when the run fails, before ``on_run_finished``."""


class CallbackList(Callback):
    """Fan an event out to several callbacks, in order."""

    def __init__(self, callbacks: Iterable[Callback] = ()) -> None:
        self.callbacks = list(callbacks)

    def on_run_started(self, event: RunStarted) -> None:
        for cb in self.callbacks:
            cb.on_run_started(event)

    def on_batch_progress(self, event: BatchProgress) -> None:
        for cb in self.callbacks:
            cb.on_batch_progress(event)

    def on_epoch_ended(self, event: EpochEnded) -> None:
        for cb in self.callbacks:
            cb.on_epoch_ended(event)

    def on_weights_snapshot(self, event: WeightsSnapshot) -> None:
        for cb in self.callbacks:
            cb.on_weights_snapshot(event)

    def on_run_finished(self, event: RunFinished) -> None:
        for cb in self.callbacks:
            cb.on_run_finished(event)

    def on_failed(self, event: RunFailed) -> None:
        for cb in self.callbacks:
            cb.on_failed(event)


class EventRecorder(Callback):
    """Keep every event in a list (tests, notebooks)."""

    def __init__(self) -> None:
        self.events: list[object] = []

    def on_run_started(self, event: RunStarted) -> None:
        self.events.append(event)

    def on_batch_progress(self, event: BatchProgress) -> None:
        self.events.append(event)

    def on_epoch_ended(self, event: EpochEnded) -> None:
        self.events.append(event)

    def on_weights_snapshot(self, event: WeightsSnapshot) -> None:
        self.events.append(event)

    def on_run_finished(self, event: RunFinished) -> None:
        self.events.append(event)

    def on_failed(self, event: RunFailed) -> None:
        self.events.append(event)

    def of_type(self, kind: type) -> list:
        """Return the recorded events of one class."""
        return [e for e in self.events if isinstance(e, kind)]
