"""The one place a training run reads and writes its checkpoints (last.pt, best.pt).

``last.pt`` holds the RNG states, optimizer, scheduler and scaler, so a resumed CPU run ends with
the same metrics as an uninterrupted one; a stop inside an epoch also stores the batch reached and
the epoch's running sums, and so does the interval save inside long epochs (``cfg.checkpoint_every_s``).
``best.pt`` holds the model only. Only rank 0 writes. Weights holding NaN/inf are never written
(``save_checkpoint`` raises ``NonFiniteWeights``), so a diverged run keeps its last good files.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from cnn_studio.core import runs
from cnn_studio.core.checkpoint import (
    capture_rng_state, check_compatible, load_checkpoint, load_model_state, make_checkpoint, restore_rng_state,
    save_checkpoint,
)
from cnn_studio.core.errors import CheckpointError
from cnn_studio.core.training import distributed
from cnn_studio.core.training.context import RunContext
from cnn_studio.core.training.metrics import RunningStats
from cnn_studio.core.training.run_state import ResumePoint, RunState


def load_resume(resume_from: str | Path | None) -> tuple[dict | None, Path | None]:
    """Return (the checkpoint to resume, its run folder) for a run folder or a checkpoint file.

    The checkpoint is None for a run folder without last.pt (it restarts from its config.json);
    see :func:`cnn_studio.core.runs.load_resume_source`, which also returns the config.
    """
    if resume_from is None:
        return None, None
    source = runs.load_resume_source(resume_from)
    return source.checkpoint, source.folder


def restore(ctx: RunContext, ckpt: dict) -> RunState:
    """Load the model, optimizer, scheduler and RNG states of ``ckpt``; return the run's state at that point."""
    name = "The checkpoint to resume"
    distributed.check_resume_world_size(ckpt, ctx.dist.world_size)
    check_compatible(ckpt, model_name=ctx.cfg.model.name, num_classes=len(ctx.classes), name=name,
                     class_names=ctx.classes)
    load_model_state(ctx.model, ckpt, name)
    try:
        ctx.optimizer.load_state_dict(ckpt["optimizer_state"])
        ctx.scheduler.load_state_dict(ckpt["scheduler_state"])
        if ctx.scaler is not None and ckpt.get("scaler_state"):
            ctx.scaler.load_state_dict(ckpt["scaler_state"])
    except (ValueError, KeyError, RuntimeError):
        raise CheckpointError("The optimizer state in last.pt does not match this configuration "
                              "(optimizer or frozen layers changed); resume with the run's own settings.") from None
    start_epoch = int(ckpt["epoch"])
    metrics = ckpt.get("metrics") or {}
    restore_rng_state(ckpt.get("rng_state"))
    return RunState(
        stats=RunningStats(ctx.device), start_epoch=start_epoch, epoch=start_epoch,
        global_step=int(ckpt.get("global_step", 0)), best_accuracy=metrics.get("best_accuracy"),
        history=[r for r in metrics.get("history", []) if r["epoch"] <= start_epoch],
        saved_at=(start_epoch, int(ckpt.get("epoch_step", 0))), last_save_time=time.monotonic(),
        resume=ResumePoint(epoch_step=int(ckpt.get("epoch_step", 0)), epoch_sums=ckpt.get("epoch_sums"),
                           epoch_rng=ckpt.get("rng_state"), rng_now=ckpt.get("rng_state_now")))


def skip_trained_batches(batches: Any, resume: ResumePoint, stats: RunningStats, *, is_main: bool) -> None:
    """Resume inside an epoch: draw the batches already trained on, restore the sums, then the RNG."""
    for _ in range(resume.epoch_step):
        next(batches, None)
    if resume.epoch_sums is not None and is_main:  # saved summed over ranks: counted once
        stats.sums.copy_(torch.as_tensor(resume.epoch_sums, dtype=torch.float64))
    restore_rng_state(resume.rng_now)


def build_checkpoint(ctx: RunContext, state: RunState, *, epoch: int, training_state: bool,
                     **extra: Any) -> dict[str, Any]:
    """Return the checkpoint dict of the current model (with optimizer etc. if ``training_state``)."""
    cfg, history = ctx.cfg, state.history
    ckpt = make_checkpoint(
        model_name=cfg.model.name, num_classes=len(ctx.classes), class_names=ctx.classes,
        model_state={k: v.detach().cpu() for k, v in ctx.model.state_dict().items()},
        model_options=dict(cfg.model.options), image_size=int(ctx.dataset.image_size), input_size=ctx.input_size,
        mean=ctx.mean, std=ctx.std, epoch=epoch, global_step=state.global_step, config=cfg.to_dict(),
        world_size=ctx.dist.world_size,
        metrics={"heldout_name": ctx.heldout_name, "best_accuracy": state.best_accuracy,
                 "last_accuracy": history[-1]["heldout_accuracy"] if history else None,
                 "history": list(history)},
    )
    if training_state:
        ckpt.update(optimizer_state=ctx.optimizer.state_dict(), scheduler_state=ctx.scheduler.state_dict(),
                    scaler_state=ctx.scaler.state_dict() if ctx.scaler is not None else None)
    ckpt.update(extra)
    return ckpt


def save_epoch_checkpoints(ctx: RunContext, state: RunState, epoch: int, is_best: bool) -> None:
    """Write last.pt (and best.pt when the held-out accuracy improved); rank 0 only, then a barrier."""
    if ctx.dist.is_main:
        folder = Path(ctx.run_dir)
        save_checkpoint(build_checkpoint(ctx, state, epoch=epoch, training_state=True,
                                         rng_state=capture_rng_state()), folder / runs.LAST_CHECKPOINT)
        state.saved_at, state.last_save_time = (epoch, 0), time.monotonic()
        if is_best:
            save_checkpoint(build_checkpoint(ctx, state, epoch=epoch, training_state=False),
                            folder / runs.BEST_CHECKPOINT)
    ctx.dist.barrier()


def save_mid_epoch(ctx: RunContext, state: RunState) -> None:
    """Write last.pt at the current batch, so a resume continues there (a stop, or the interval save).

    Distributed, every rank must call this at the same batch (the epoch's sums are added up).
    """
    sums = ctx.dist.reduce_sum(state.stats.sums.clone()).cpu().tolist()
    if ctx.dist.is_main:
        ckpt = build_checkpoint(ctx, state, epoch=state.epoch, training_state=True,
                                rng_state=state.epoch_rng or capture_rng_state(), rng_state_now=capture_rng_state(),
                                epoch_step=state.step_in_epoch, epoch_sums=sums)
        save_checkpoint(ckpt, Path(ctx.run_dir) / runs.LAST_CHECKPOINT)
    state.saved_at, state.last_save_time = (state.epoch, state.step_in_epoch), time.monotonic()


def save_stopped(ctx: RunContext, state: RunState) -> None:
    """On a stop, write last.pt unless it already holds this point: a resume continues at the same batch.

    A stop before the first batch (the window closed right after Start) also leaves a last.pt, so
    the run folder can always be resumed and "the last checkpoint is kept" holds.
    """
    if state.stopped_mid_epoch() or state.saved_at is None:
        save_mid_epoch(ctx, state)


def load_best(ctx: RunContext) -> None:
    """Load best.pt's weights into the model, if the run wrote one (before the final test pass)."""
    best = Path(ctx.run_dir) / runs.BEST_CHECKPOINT
    if best.is_file():
        load_model_state(ctx.model, load_checkpoint(best, map_location=ctx.device))


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
