"""What the training engine reports: frozen dataclasses of plain numbers, strings and tuples.

Events cross threads (the GUI receives them through a Qt signal), so they never hold tensors or
modules; :class:`WeightsSnapshot` holds freshly copied numpy arrays that nobody else references.
Epochs are counted from 1 in events (``epoch=1`` is the first epoch).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class RunStarted:
    """The run is set up and about to train."""

    run_dir: str
    model_name: str
    device: str  # e.g. "cpu", "cuda:0"
    precision: str  # "fp32", "bf16" or "fp16"
    classes: tuple[str, ...]
    epochs: int
    start_epoch: int  # epochs already completed (0, or more when resuming)
    steps_per_epoch: int
    train_images: int
    heldout_name: str  # "val", "test" or "" (no held-out evaluation)
    heldout_images: int
    image_size: int
    input_size: int
    world_size: int
    config: dict[str, Any] = field(default_factory=dict)  # the resolved TrainConfig as plain data
    # What the dataset scan found: its warnings, the first unusable files ("path: reason") with
    # their total count, and the number of skipped non-image files.
    data_warnings: tuple[str, ...] = ()
    data_problems: tuple[str, ...] = ()
    problem_count: int = 0
    skipped_files: int = 0


@dataclass(frozen=True)
class BatchProgress:
    """Throttled progress inside an epoch (about ten a second)."""

    epoch: int
    step: int  # batches done in this epoch
    steps_per_epoch: int
    global_step: int
    total_steps: int
    epoch_fraction: float  # position in the run in epochs, e.g. 2.35
    loss: float  # running mean over this epoch so far
    accuracy: float  # running training accuracy over this epoch so far (0..1)
    lr: float  # learning rate of the first parameter group
    images_per_second: float
    # Every parameter group's (name, learning rate), e.g. (("backbone", 1e-4), ("head", 1e-3)).
    lrs: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class EpochEnded:
    """One epoch finished and was evaluated on the held-out split."""

    epoch: int
    epochs: int
    train_loss: float
    train_accuracy: float
    heldout_name: str  # "val", "test", or "" when there is nothing to evaluate on
    heldout_loss: float | None
    heldout_accuracy: float | None
    best_accuracy: float | None
    is_best: bool
    lr: float
    seconds: float
    images_per_second: float
    lrs: tuple[tuple[str, float], ...] = ()  # every parameter group's (name, learning rate)
    # the held-out loss is finite but far above a random head's (DivergenceGuard.heldout_exploded)
    heldout_exploded: bool = False


@dataclass(frozen=True, eq=False)
class WeightsSnapshot:
    """Copies of the conv weights the filter viewer asked for, at the end of an epoch."""

    epoch: int
    weights: dict[str, np.ndarray]


@dataclass(frozen=True)
class RunFinished:
    """The run ended: ``status`` is ``completed``, ``stopped`` or ``failed``."""

    status: str
    run_dir: str
    epochs_completed: int
    best_accuracy: float | None
    best_checkpoint: str | None
    last_checkpoint: str | None
    test_accuracy: float | None
    message: str
    seconds: float


@dataclass(frozen=True)
class RunFailed:
    """The run could not go on: a one-sentence ``message`` and the technical ``details``."""

    message: str
    details: str
    # "nonfinite" (diverged: NaN/inf or exploding loss, NaN weights or BatchNorm statistics),
    # "storage" (disk full, folder not writable), "out_of_memory", "user_error" or "error"
    kind: str = "error"
    user_error: bool = False  # True when the user can fix it (a setting), False for a bug


@dataclass(frozen=True)
class FeaturesCached:
    """Training on cached features of the frozen layers (issue 15): the decision and its progress.

    ``stage``: ``off`` (every batch runs the whole network; ``message`` says why), ``computing``
    (``done`` of ``total`` image views through the frozen layers), ``ready`` (computed and stored),
    ``reused`` (loaded from the cache folder, nothing computed). ``message`` is one log line.
    """

    stage: str
    message: str
    boundary: str = ""  # the first module that runs every batch ("" when off)
    done: int = 0
    total: int = 0
    seconds: float = 0.0
    megabytes: float = 0.0
    mapped: bool = False  # True: read from a memory-mapped file (too large for the memory budget)


#: Every event the engine emits; a new event is one more dataclass here (and the code that shows it).
TrainingEvent = RunStarted | BatchProgress | EpochEnded | WeightsSnapshot | RunFinished | RunFailed | FeaturesCached
