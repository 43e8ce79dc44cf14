"""How long a run will take, before it starts: a short calibration on the real model and data.

:func:`estimate_run_time` builds the run exactly as :func:`~cnn_studio.core.training.engine.train`
would (device, precision, model, freezing, loader; no run folder, no weights download), times a
few real training steps after a warm-up, and scales them to the whole run. Held-out evaluation
is counted as forward passes at a third of a training step's cost per image (no backward, no
optimizer step), which is what the engine measures on CPU and GPU within a few percent.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

import torch
import torch.nn.functional as F

from cnn_studio.core.config import TrainConfig
from cnn_studio.core.progress import CancelCheck, Progress, check_cancelled, report

WARMUP_STEPS = 2  # the first steps pay for allocation, cuDNN autotuning and lazy init: not timed
TIMED_STEPS = 5  # enough for a steady figure (+-10%) and still under a few seconds on a CPU
MAX_TIMED_SECONDS = 3.0  # ... but a slow model stops timing after this long (at least one step timed)
EVAL_COST = 1 / 3  # a forward pass costs about a third of forward + backward + step


@dataclass(frozen=True)
class RunEstimate:
    """A run's expected duration, from ``timed_steps`` measured training steps."""

    seconds: float  # the whole run: every epoch's training and held-out evaluation
    seconds_per_step: float
    steps_per_epoch: int
    epochs: int
    images_per_second: float
    timed_steps: int
    device: str

    @property
    def minutes(self) -> float:
        """The whole run in minutes."""
        return self.seconds / 60.0


def estimate_run_time(cfg: TrainConfig, dataset: Any, *, steps: int = TIMED_STEPS,
                      max_seconds: float = MAX_TIMED_SECONDS, progress: Progress | None = None,
                      cancel: CancelCheck | None = None) -> RunEstimate:
    """Time ``steps`` training steps of ``cfg``'s model on ``dataset`` and scale them to the whole run.

    Args:
        cfg: the run's config (model, freezing, batch size, device, precision, epochs).
        dataset: the opened ``ImageDataset`` the run will train on.
        steps: training steps to time (after ``WARMUP_STEPS`` untimed ones).
        max_seconds: stop timing earlier once this much time was timed (a slow model or CPU).
        progress: called ``progress(done, total)`` in steps.
        cancel: checked between steps; raises ``Cancelled``.

    Raises:
        UserError: a setting or the data is unusable (the same errors the run would raise).
    """
    from cnn_studio.core.training.context import build_context
    from cnn_studio.core.training.evaluation import autocast_context
    from cnn_studio.core.training.setup import DistContext

    # resuming=True: random weights (no download); the step time does not depend on the values.
    ctx = build_context(replace(cfg, compile=False), DistContext(), dataset, resuming=True,
                        cancel=cancel or (lambda: False))
    total = WARMUP_STEPS + max(1, steps)
    ctx.prepared.train_mode()
    timed, images, started = 0, 0, 0.0
    batches = _cycle(ctx.train_loader)
    for done in range(total):
        check_cancelled(cancel)
        if done == WARMUP_STEPS:
            _sync(ctx.device)
            started = time.perf_counter()
        x, y = next(batches)
        with autocast_context(ctx.device, ctx.amp_dtype):
            logits = ctx.prepared.forward(x)
        loss = F.cross_entropy(logits.float(), y)
        ctx.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        ctx.optimizer.step()
        report(progress, done + 1, total)
        if done >= WARMUP_STEPS:
            timed += 1
            images += int(y.shape[0])
            if time.perf_counter() - started >= max_seconds:
                break
    _sync(ctx.device)
    per_step = (time.perf_counter() - started) / max(timed, 1)
    per_image = per_step * timed / max(images, 1)
    heldout = len(ctx.dataset.splits[ctx.heldout_name].labels) if ctx.heldout_name else 0
    epoch_s = per_step * ctx.steps_per_epoch + heldout * per_image * EVAL_COST
    return RunEstimate(seconds=epoch_s * cfg.epochs, seconds_per_step=per_step, steps_per_epoch=ctx.steps_per_epoch,
                       epochs=cfg.epochs, images_per_second=images / max(per_step * timed, 1e-9), timed_steps=timed,
                       device=str(ctx.device))


def _cycle(loader: Any) -> Any:
    """Batches of ``loader`` without end (a tiny dataset has fewer batches than the calibration)."""
    while True:
        empty = True
        for batch in loader:
            empty = False
            yield batch
        if empty:
            return


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
