"""Helpers of the training loop: seeding, loaders, checkpoints, failures, results.

They take the :class:`~cnn_studio.core.training.engine.Trainer` (``t``) and keep ``engine.py``
about the loop itself.
"""

from __future__ import annotations

import gc
import random
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import numpy as np
import torch

from cnn_studio.core import runs
from cnn_studio.core.checkpoint import capture_rng_state, make_checkpoint, restore_rng_state, save_checkpoint
from cnn_studio.core.errors import ConfigError
from cnn_studio.core.training.events import RunStarted

if TYPE_CHECKING:  # pragma: no cover
    from cnn_studio.core.training.engine import RunResult, Trainer


def seed_everything(seed: int) -> None:
    """Seed Python, numpy and torch (CPU and CUDA) so a CPU run is repeatable."""
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)


def capture_rng() -> dict[str, Any]:
    """RNG states to store in a checkpoint."""
    return capture_rng_state()


# --- loaders and folders -----------------------------------------------------------------------
def make_split_loader(t: "Trainer", split: Any, *, train: bool, world_size: int | None = None) -> Any:
    """Return the data engine's loader for ``split`` with the run's preprocessing."""
    from cnn_studio.core.data.loader import AugmentSpec, make_loader

    world = t.dist.world_size if world_size is None else world_size
    rank = t.dist.rank if world > 1 else 0
    batch = t.cfg.batch_size if train else max(t.cfg.batch_size, 2 * t.cfg.batch_size)
    return make_loader(split, batch_size=batch, device=t.device, train=train, mean=t.mean, std=t.std,
                       input_size=t.input_size, augment=AugmentSpec.from_config(t.cfg.data) if train else None,
                       seed=t.cfg.seed, rank=rank, world_size=world, num_workers=t.cfg.data.num_workers)


def open_run_dataset(t: "Trainer") -> Any:
    """Open ``cfg.data``; distributed: each node's local rank 0 first (it builds the cache once)."""
    from cnn_studio.core.data.dataset import open_dataset

    dist = t.dist
    later = dist.distributed and dist.local_rank != 0
    if later:
        dist.barrier()
    try:
        return open_dataset(t.cfg.data, cancel=lambda: t.control.stop_requested)
    finally:
        if dist.distributed and not later:
            dist.barrier()  # also on failure: the others then meet the same error themselves


def skip_batches(t: "Trainer", batches: Iterator, count: int, stats: Any) -> None:
    """Resume inside an epoch: draw the batches already trained on, then restore the RNG."""
    for _ in range(count):
        next(batches, None)
    if t.resume_sums is not None and t.dist.is_main:  # saved summed over ranks: counted once
        stats.sums.copy_(torch.as_tensor(t.resume_sums, dtype=torch.float64))
    restore_rng_state(t.resume_rng_now)


def choose_run_dir(t: "Trainer") -> str:
    """Return the run folder: the resumed run's, ``cfg.out_dir``, or a new one; write config.json."""
    cfg = t.cfg
    if t.resume_dir is not None:
        folder = t.resume_dir
        runs.truncate_metrics_after(folder, t.start_epoch)
    elif cfg.out_dir:
        folder = Path(cfg.out_dir)
        if runs.is_run_dir(folder):
            raise ConfigError(f"The folder {folder} already holds a run; choose another output folder or resume it.")
        folder.mkdir(parents=True, exist_ok=True)
    else:
        from cnn_studio.paths import runs_dir

        folder = runs.new_run_dir(runs_dir(), cfg.model.run_label())
    cfg.save(folder / runs.CONFIG_FILE)
    return str(folder)


def started_event(t: "Trainer") -> RunStarted:
    """Return the RunStarted event of the set-up run."""
    held = len(t.dataset.splits[t.heldout_name].labels) if t.heldout_name else 0
    report = getattr(t.dataset, "report", None)
    problems = list(getattr(report, "problems", None) or [])
    return RunStarted(
        run_dir=str(t.run_dir or ""), model_name=t.cfg.model.name, device=str(t.device), precision=t.precision,
        classes=tuple(t.classes), epochs=t.cfg.epochs, start_epoch=t.start_epoch,
        steps_per_epoch=t.steps_per_epoch, train_images=len(t.dataset.splits["train"].labels),
        heldout_name=t.heldout_name, heldout_images=held, image_size=int(t.dataset.image_size),
        input_size=t.input_size, world_size=t.dist.world_size, config=t.cfg.to_dict(),
        data_warnings=tuple(getattr(report, "warnings", None) or ()),
        data_problems=tuple(f"{p.path}: {p.reason}" for p in problems[:5]), problem_count=len(problems),
        skipped_files=len(getattr(report, "skipped", None) or ()))


# --- checkpoints -------------------------------------------------------------------------------
def build_checkpoint(t: "Trainer", *, epoch: int, training_state: bool, **extra: Any) -> dict[str, Any]:
    """Return the checkpoint dict of the current model (with optimizer etc. if ``training_state``)."""
    ckpt = make_checkpoint(
        model_name=t.cfg.model.name, num_classes=len(t.classes), class_names=t.classes,
        model_state={k: v.detach().cpu() for k, v in t.model.state_dict().items()},
        model_options=dict(t.cfg.model.options), image_size=int(t.dataset.image_size), input_size=t.input_size,
        mean=t.mean, std=t.std, epoch=epoch, global_step=t.global_step, config=t.cfg.to_dict(),
        world_size=t.dist.world_size,
        metrics={"heldout_name": t.heldout_name, "best_accuracy": t.best_accuracy,
                 "last_accuracy": t.history[-1]["heldout_accuracy"] if t.history else None,
                 "history": list(t.history)},
    )
    if training_state:
        ckpt.update(optimizer_state=t.optimizer.state_dict(), scheduler_state=t.scheduler.state_dict(),
                    scaler_state=t.scaler.state_dict() if t.scaler is not None else None)
    ckpt.update(extra)
    return ckpt


def save_epoch_checkpoints(t: "Trainer", epoch: int, is_best: bool) -> None:
    """Write last.pt (and best.pt when the held-out accuracy improved); rank 0 only."""
    if t.dist.is_main:
        folder = Path(t.run_dir)
        save_checkpoint(build_checkpoint(t, epoch=epoch, training_state=True, rng_state=capture_rng_state()),
                        folder / runs.LAST_CHECKPOINT)
        if is_best:
            save_checkpoint(build_checkpoint(t, epoch=epoch, training_state=False), folder / runs.BEST_CHECKPOINT)
    t.dist.barrier()


def save_stopped(t: "Trainer") -> None:
    """On a stop inside an epoch, write last.pt so a resume continues at the same batch."""
    if not hasattr(t, "epoch") or t.step_in_epoch == 0 or len(t.history) > t.epoch:
        return  # nothing new since the last epoch's last.pt
    # Distributed, every rank stopped at the same batch (the engine's agreement): sum the sums.
    sums = t.dist.reduce_sum(t.stats.sums.clone()).cpu().tolist()
    if not t.dist.is_main:
        return
    ckpt = build_checkpoint(t, epoch=t.epoch, training_state=True, rng_state=t.epoch_rng,
                            rng_state_now=capture_rng_state(), epoch_step=t.step_in_epoch, epoch_sums=sums)
    save_checkpoint(ckpt, Path(t.run_dir) / runs.LAST_CHECKPOINT)


def weights_snapshot(model: torch.nn.Module, paths: frozenset[str]) -> dict[str, np.ndarray]:
    """Copy the 4-D conv weights of the requested layers to numpy (nothing shared with the model)."""
    out: dict[str, np.ndarray] = {}
    for path in sorted(paths):
        try:
            module = model.get_submodule(path)
        except AttributeError:
            continue
        weight = getattr(module, "weight", None)
        if isinstance(weight, torch.Tensor) and weight.dim() == 4:
            out[path] = weight.detach().float().cpu().numpy().copy()
    return out


# --- failures ----------------------------------------------------------------------------------
def nonfinite_message(t: "Trainer") -> str:
    """The one-sentence explanation of a NaN/inf loss."""
    kept = (f"last.pt from epoch {t.epoch} was kept" if t.epoch > 0 and t.dist.is_main
            else "no checkpoint was written yet")
    return (f"The training loss became NaN or infinite in epoch {t.epoch + 1}; the learning rate "
            f"({t.cfg.optim.lr:g}) is probably too high: lower it (e.g. 10x) or add warm-up ({kept}).")


def is_out_of_memory(exc: BaseException) -> bool:
    """True for a CUDA (or MPS) out-of-memory error."""
    if isinstance(exc, getattr(torch.cuda, "OutOfMemoryError", ())):
        return True
    return isinstance(exc, RuntimeError) and "out of memory" in str(exc).lower()


def oom_message(t: "Trainer") -> str:
    """Advice for an out-of-memory error."""
    return (f"The {t.device.type.upper()} device ran out of memory at batch size {t.cfg.batch_size} and input size "
            f"{t.input_size}; lower the batch size or the image size (or use mixed precision), then start again.")


def free_memory(t: "Trainer") -> None:
    """Release gradients and cached blocks after an out-of-memory error so the app stays usable."""
    t.optimizer.zero_grad(set_to_none=True)
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def make_result(t: "Trainer", status: str, message: str, seconds: float) -> "RunResult":
    """Return the RunResult of the run as it stands."""
    from cnn_studio.core.training.engine import RunResult

    folder = Path(t.run_dir) if t.run_dir else None
    best = folder / runs.BEST_CHECKPOINT if folder else None
    last = folder / runs.LAST_CHECKPOINT if folder else None
    rate = t.images_seen * t.dist.world_size / t.train_seconds if t.train_seconds > 0 else None
    return RunResult(
        status=status, run_dir=str(folder or ""),
        best_checkpoint=str(best) if best and best.is_file() else None,
        last_checkpoint=str(last) if last and last.is_file() else None,
        test_accuracy=t.test_accuracy, best_val_accuracy=t.best_accuracy, heldout_name=t.heldout_name,
        epochs=len(t.history), message=message, seconds=seconds, images_per_second=rate, history=list(t.history))
