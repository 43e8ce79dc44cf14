"""A queue of training runs that pauses, stops and resumes like one run.

The run folders are the queue's memory: ``<experiment>/runs/<name>/`` holds each run, and a run
whose ``summary.json`` says ``completed`` or ``failed`` is finished and never redone. A stopped
run (or one whose process died after an epoch) continues from its ``last.pt`` with the engine's
own resume, so a queue stopped in the middle of its third run and started again trains only the
rest of the third run and then the fourth. Everything is reported through three small hooks a
GUI can forward through one signal each:

- ``progress(done, total)`` in epochs over the whole queue,
- ``cancel()`` (returns True to stop; polled at batch boundaries, like :meth:`LabQueue.stop`),
- ``on_event(LabRunEvent)``: every engine event, tagged with the run's name and position.
"""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from cnn_studio.core import runs
from cnn_studio.core.lab.recipe import RunOutcome, RunSpec
from cnn_studio.core.progress import CancelCheck, Progress, report
from cnn_studio.core.training.callbacks import Callback
from cnn_studio.core.training.control import TrainingControl
from cnn_studio.core.training.events import BatchProgress, EpochEnded

ProgressFn = Progress  # the one protocol of core/progress.py: progress(done, total)
CancelFn = CancelCheck  # cancel() -> True to stop; the queue then stops cooperatively (status "stopped")
FINISHED = ("completed", "failed")
RUNS_FOLDER = "runs"


@dataclass(frozen=True)
class LabRunEvent:
    """One engine event of one queued run (``event`` is a frozen event of ``training.events``)."""

    run: str
    index: int  # position in the queue, from 0
    total: int  # number of runs in the queue
    event: Any


def run_folder(experiment_dir: str | Path, spec: RunSpec) -> Path:
    """The folder of one run inside an experiment folder."""
    return Path(experiment_dir) / RUNS_FOLDER / spec.name


def read_outcome(experiment_dir: str | Path, spec: RunSpec) -> RunOutcome:
    """Return the run as its folder holds it (``pending`` when it has not started)."""
    folder = run_folder(experiment_dir, spec)
    summary = runs.read_summary(folder)
    history = tuple(runs.read_metrics(folder, kind="epoch"))
    if summary is None or summary.get("status") == "stopped":
        # resumable from last.pt; without one (stopped or killed before it), it starts again
        status = "stopped" if (folder / runs.LAST_CHECKPOINT).is_file() else "pending"
        return RunOutcome(spec, status, str(folder), history, seconds=_train_seconds(history))
    return RunOutcome(spec, str(summary.get("status", "failed")), str(folder),
                      tuple(summary.get("history") or history), str(summary.get("message") or ""),
                      _train_seconds(summary.get("history") or history), summary.get("test_accuracy"))


def _train_seconds(history: Sequence[Any]) -> float:
    return float(sum(float(r.get("seconds") or 0.0) for r in history))


def subset_train(dataset: Any, count: int | None, seed: int = 0) -> Any:
    """Return ``dataset`` with its train split cut to ``count`` images (a seeded random subset)."""
    split = dataset.splits["train"]
    if count is None or count >= len(split.labels):
        return dataset
    order = np.sort(np.random.default_rng(seed).permutation(len(split.labels))[:count])
    index = list(order.tolist())
    images = split.images[order] if split.images is not None else None
    small = replace(split, paths=[split.paths[i] for i in index], labels=split.labels[order], images=images,
                    _on_device={})
    return replace(dataset, splits={**dataset.splits, "train": small})


class LabQueue:
    """Train ``specs`` one after another into ``experiment_dir/runs/``.

    Args:
        experiment_dir: the experiment folder.
        specs: the runs, in order.
        dataset: the opened dataset shared by every run (opened once).
        on_event, progress, cancel: the hooks described in the module docstring.
    """

    def __init__(self, experiment_dir: str | Path, specs: Sequence[RunSpec], *, dataset: Any,
                 on_event: Callable[[LabRunEvent], None] | None = None, progress: ProgressFn | None = None,
                 cancel: CancelFn | None = None) -> None:
        self.folder = Path(experiment_dir)
        self.specs = list(specs)
        self.dataset = dataset
        self.on_event = on_event
        self.progress = progress
        self.cancel = cancel
        self._lock = threading.Lock()
        self._control: TrainingControl | None = None
        self._paused = False
        self._stopped = False

    # --- steering, from any thread -----------------------------------------------------------
    def pause(self) -> None:
        """Pause the current run at its next batch (and hold the next one before it trains)."""
        with self._lock:
            self._paused = True
            if self._control is not None:
                self._control.pause()

    def resume(self) -> None:
        """Let a paused queue continue."""
        with self._lock:
            self._paused = False
            if self._control is not None:
                self._control.resume()

    def stop(self) -> None:
        """Stop the current run (it saves ``last.pt``) and start no other; :meth:`run` resumes later."""
        with self._lock:
            self._stopped = True
            if self._control is not None:
                self._control.stop()

    @property
    def is_paused(self) -> bool:
        """True while a pause is asked."""
        return self._paused and not self._stopped

    @property
    def stop_requested(self) -> bool:
        """True once :meth:`stop` was called or ``cancel()`` returned True."""
        return self._stopped

    # --- the queue -----------------------------------------------------------------------------
    def outcomes(self) -> list[RunOutcome]:
        """Every run as its folder holds it now."""
        return [read_outcome(self.folder, s) for s in self.specs]

    def total_epochs(self) -> int:
        """Epochs over the whole queue (the ``total`` of ``progress``)."""
        return sum(s.config.epochs for s in self.specs)

    def run(self) -> str:
        """Train every run that is not finished; return ``completed`` or ``stopped``.

        A failed run (diverged, out of memory) stays failed and the queue goes on: it is a result.
        A ``UserError`` while a run sets up (a bad setting) propagates. A stop asked before this
        call holds (nothing trains); to continue a stopped queue, make a new one on the same folder.
        """
        done = sum(len(o.history) for o in self.outcomes())
        self._report(done)
        for index, spec in enumerate(self.specs):
            outcome = read_outcome(self.folder, spec)
            if outcome.status in FINISHED:
                continue
            if self._cancelled():
                return "stopped"
            status = self._train_one(index, spec, outcome, done)
            done = sum(len(o.history) for o in self.outcomes())
            self._report(done)
            if status == "stopped" or self._cancelled():
                return "stopped"
        return "completed"

    def _train_one(self, index: int, spec: RunSpec, outcome: RunOutcome, done_before: int) -> str:
        from cnn_studio.core.training.engine import train  # lazy: the engine pulls in torch

        folder = run_folder(self.folder, spec)
        control = TrainingControl()
        with self._lock:
            self._control = control
            if self._paused:
                control.pause()
            if self._stopped:
                control.stop()
        relay = _Relay(self, spec.name, index, done_before - len(outcome.history))
        dataset = subset_train(self.dataset, spec.max_train_images, spec.config.seed)
        try:
            if outcome.status == "stopped":
                result = train(None, callbacks=[relay], control=control, dataset=dataset, resume_from=folder)
            else:
                if folder.exists():
                    shutil.rmtree(folder)  # a start that died before its first epoch: nothing to keep
                cfg = spec.config.replace(out_dir=str(folder))
                result = train(cfg, callbacks=[relay], control=control, dataset=dataset)
        finally:
            with self._lock:
                self._control = None
        return result.status

    def _cancelled(self) -> bool:
        if not self._stopped and self.cancel is not None and self.cancel():
            self.stop()
        return self._stopped

    def _report(self, done: int) -> None:
        report(self.progress, min(done, self.total_epochs()), self.total_epochs())

    def _emit(self, name: str, index: int, event: Any) -> None:
        if self.on_event is not None:
            self.on_event(LabRunEvent(run=name, index=index, total=len(self.specs), event=event))


class _Relay(Callback):
    """Forward one run's events to the queue's hooks; count epochs; poll ``cancel``."""

    def __init__(self, queue: LabQueue, name: str, index: int, done_before: int) -> None:
        self.queue, self.name, self.index, self.done_before = queue, name, index, done_before

    def on_event(self, event: Any) -> None:
        """Relay ``event``; at batch and epoch boundaries also poll the cancel flag."""
        self.queue._emit(self.name, self.index, event)
        if isinstance(event, EpochEnded):
            self.queue._report(self.done_before + event.epoch)
        if isinstance(event, (BatchProgress, EpochEnded)):
            self.queue._cancelled()
