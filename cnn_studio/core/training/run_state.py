"""The mutable state of one training run, its result, and the messages of its failures.

:class:`RunState` is the one home of what the loop advances (epoch, steps, best accuracy,
history, throughput counters); the engine creates it once (fresh, or from a resumed
checkpoint) and the helpers in ``checkpoints.py`` read it. Nothing here imports the engine.
"""

from __future__ import annotations

import gc
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from cnn_studio.core import runs
from cnn_studio.core.training.metrics import RunningStats


class NonFiniteLoss(Exception):
    """The training loss became NaN or infinite."""


@dataclass
class ResumePoint:
    """Where a stopped run left off inside an epoch (from its last.pt); used by the first epoch only."""

    epoch_step: int = 0  # batches of the epoch already trained (0: the epoch starts afresh)
    epoch_sums: list[float] | None = None  # the epoch's loss/accuracy sums at the stop (summed over ranks)
    epoch_rng: dict | None = None  # RNG states at the start of that epoch (replays its shuffling)
    rng_now: dict | None = None  # RNG states at the stop (restored after the skipped batches)


@dataclass
class RunState:
    """What the training loop changes as it goes; created once per run by the engine."""

    stats: RunningStats  # the current epoch's loss/accuracy sums, on the device
    start_epoch: int = 0  # epochs completed before this run (resume)
    epoch: int = 0  # the epoch being trained, counted from 0
    step_in_epoch: int = 0  # batches done in ``epoch``
    global_step: int = 0
    best_accuracy: float | None = None
    history: list[dict[str, Any]] = field(default_factory=list)  # one record per completed epoch
    epoch_rng: dict | None = None  # RNG states at the start of ``epoch`` (a stopped last.pt replays it)
    resume: ResumePoint = field(default_factory=ResumePoint)
    images_seen: int = 0  # training images of completed epochs (this process)
    train_seconds: float = 0.0  # training time of completed epochs, pauses excluded
    test_accuracy: float | None = None
    # (completed epochs, batches into the next) of the last.pt this run wrote or resumed from
    saved_at: tuple[int, int] | None = None
    last_save_time: float = 0.0  # time.monotonic() of the last last.pt write (interval checkpoints)

    def kept_note(self) -> str:
        """Which last.pt a failure leaves, e.g. ``"last.pt from epoch 2 was kept"``."""
        if self.saved_at is None:
            return "no checkpoint was written yet"
        epoch, step = self.saved_at
        if step:
            return f"last.pt from epoch {epoch + 1}, batch {step}, was kept"
        return f"last.pt from epoch {epoch} was kept" if epoch else "last.pt from the start of the run was kept"

    def stopped_mid_epoch(self) -> bool:
        """True when batches were trained since the last epoch's last.pt (a stop must save them)."""
        return self.step_in_epoch > 0 and len(self.history) <= self.epoch


@dataclass
class RunResult:
    """What :func:`~cnn_studio.core.training.engine.train` returns (also written as ``summary.json``)."""

    status: str  # completed | stopped | failed
    run_dir: str
    best_checkpoint: str | None
    last_checkpoint: str | None
    test_accuracy: float | None
    best_val_accuracy: float | None  # best held-out accuracy (of ``heldout_name``)
    heldout_name: str
    epochs: int  # completed epochs
    message: str = ""
    seconds: float = 0.0
    images_per_second: float | None = None
    history: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return plain JSON-able data."""
        return asdict(self)


def make_result(state: RunState, *, run_dir: str | None, heldout_name: str, world_size: int, status: str,
                message: str, seconds: float) -> RunResult:
    """Return the RunResult of the run as it stands."""
    folder = Path(run_dir) if run_dir else None
    best = folder / runs.BEST_CHECKPOINT if folder else None
    last = folder / runs.LAST_CHECKPOINT if folder else None
    rate = state.images_seen * world_size / state.train_seconds if state.train_seconds > 0 else None
    return RunResult(
        status=status, run_dir=str(folder or ""),
        best_checkpoint=str(best) if best and best.is_file() else None,
        last_checkpoint=str(last) if last and last.is_file() else None,
        test_accuracy=state.test_accuracy, best_val_accuracy=state.best_accuracy, heldout_name=heldout_name,
        epochs=len(state.history), message=message, seconds=seconds, images_per_second=rate,
        history=list(state.history))


# --- failures ----------------------------------------------------------------------------------
def nonfinite_message(epoch: int, lr: float, *, checkpoint_kept: bool, kept: str | None = None) -> str:
    """The one-sentence explanation of a NaN/inf loss in ``epoch`` (counted from 0).

    ``kept`` describes the checkpoint left behind (:meth:`RunState.kept_note`); without it, the
    last epoch's last.pt is assumed.
    """
    if kept is None:
        kept = (f"last.pt from epoch {epoch} was kept" if epoch > 0 and checkpoint_kept
                else "no checkpoint was written yet")
    return (f"The training loss became NaN or infinite in epoch {epoch + 1}; the learning rate "
            f"({lr:g}) is probably too high: lower it (e.g. 10x) or add warm-up ({kept}).")


def is_out_of_memory(exc: BaseException) -> bool:
    """True for a CUDA (or MPS) out-of-memory error."""
    if isinstance(exc, getattr(torch.cuda, "OutOfMemoryError", ())):
        return True
    return isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower()


def oom_message(device: torch.device, batch_size: int, input_size: int) -> str:
    """Advice for an out-of-memory error."""
    return (f"The {device.type.upper()} device ran out of memory at batch size {batch_size} and input size "
            f"{input_size}; lower the batch size or the image size (or use mixed precision), then start again.")


def free_memory(optimizer: torch.optim.Optimizer | None) -> None:
    """Release gradients and cached blocks after an out-of-memory error so the app stays usable."""
    if optimizer is not None:
        optimizer.zero_grad(set_to_none=True)
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
