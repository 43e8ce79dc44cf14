"""How long a run will take, before it starts: a short calibration on the real model and data.

:func:`estimate_run_time` builds the run exactly as :func:`~cnn_studio.core.training.engine.train`
would (device, precision, model, freezing, loader; no run folder, no weights download), times a
few real training steps after a warm-up, and scales them to the whole run. Held-out evaluation
is counted as forward passes at a third of a training step's cost per image (no backward, no
optimizer step), which is what the engine measures on CPU and GPU within a few percent.

A run that will train on cached features of its frozen layers (issue 15) is timed as it will
run: the frozen prefix on a few real batches (its once-per-image cost, zero when the features
are already in the cache folder), then training steps of the trainable suffix on those features.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterator

import torch
import torch.nn.functional as F

from cnn_studio.core.config import TrainConfig
from cnn_studio.core.progress import CancelCheck, Progress, check_cancelled, report

WARMUP_STEPS = 2  # the first steps pay for allocation, cuDNN autotuning and lazy init: not timed
TIMED_STEPS = 5  # enough for a steady figure (+-10%) and still under a few seconds on a CPU
MAX_TIMED_SECONDS = 3.0  # ... but a slow model stops timing after this long (at least one step timed)
EVAL_COST = 1 / 3  # a forward pass costs about a third of forward + backward + step
PREFIX_BATCHES = 2  # batches of the frozen prefix timed for cached features (after one warm-up)


@dataclass(frozen=True)
class RunEstimate:
    """A run's expected duration, from ``timed_steps`` measured training steps."""

    seconds: float  # the whole run: features, every epoch's training and held-out evaluation
    seconds_per_step: float
    steps_per_epoch: int
    epochs: int
    images_per_second: float
    timed_steps: int
    device: str
    features: str = ""  # "compute" (cached features computed first), "reuse" (found in the cache), "" (none)
    feature_seconds: float = 0.0  # of ``seconds``: computing the cached features once

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
    from cnn_studio.core.training.feature_chain import ChainSuffix
    from cnn_studio.core.training.features import CachePlan, plan_cache, request_for
    from cnn_studio.core.training.setup import DistContext

    # Weights that would need a download are left random (the step time does not depend on the
    # values); weights on this machine are loaded, so stored features are recognised by their key.
    ctx = build_context(replace(cfg, compile=False), DistContext(), dataset, resuming=_needs_download(cfg),
                        cancel=cancel or (lambda: False))
    request = request_for(ctx)
    cache = plan_cache(request)
    steps = max(1, steps)
    features, feature_seconds = "", 0.0
    if isinstance(cache, CachePlan):
        features = "reuse" if cache.stored() else "compute"
        per_image, sample = _time_prefix(request, cache, 0 if features == "reuse" else PREFIX_BATCHES,
                                         steps, progress, cancel)
        if features == "compute":
            feature_seconds = per_image * cache.images
        forward: Callable[[torch.Tensor], torch.Tensor] = ChainSuffix(cache.plan.suffix)
        batches = itertools.repeat(sample)
        done_before, total = PREFIX_BATCHES + 1, PREFIX_BATCHES + 1 + WARMUP_STEPS + steps
    else:
        forward, batches = ctx.prepared.forward, _cycle(ctx.train_loader)
        done_before, total = 0, WARMUP_STEPS + steps
    per_step, images_per_second, timed = _time_steps(ctx, forward, batches, steps, max_seconds,
                                                      lambda d: report(progress, done_before + d, total), cancel)
    heldout = len(ctx.dataset.splits[ctx.heldout_name].labels) if ctx.heldout_name else 0
    epoch_s = per_step * ctx.steps_per_epoch + heldout / images_per_second * EVAL_COST
    return RunEstimate(seconds=feature_seconds + epoch_s * cfg.epochs, seconds_per_step=per_step,
                       steps_per_epoch=ctx.steps_per_epoch, epochs=cfg.epochs, images_per_second=images_per_second,
                       timed_steps=timed, device=str(ctx.device), features=features, feature_seconds=feature_seconds)


def _needs_download(cfg: TrainConfig) -> bool:
    from cnn_studio.core.config import Pretrained
    from cnn_studio.core.models.weights import weights_cached

    return Pretrained.parse(cfg.model.pretrained).kind == "imagenet" and not weights_cached(cfg.model.name)


def _time_steps(ctx: Any, forward: Callable[[torch.Tensor], torch.Tensor], batches: Iterator[Any], steps: int,
                max_seconds: float, progress: Callable[[int], None], cancel: CancelCheck | None
                ) -> tuple[float, float, int]:
    """Time training steps of ``forward``; return (seconds per step, images per second, steps timed)."""
    from cnn_studio.core.training.evaluation import autocast_context

    ctx.prepared.train_mode()
    timed, images, started = 0, 0, 0.0
    for done in range(WARMUP_STEPS + steps):
        check_cancelled(cancel)
        if done == WARMUP_STEPS:
            _sync(ctx.device)
            started = time.perf_counter()
        x, y = next(batches)
        with autocast_context(ctx.device, ctx.amp_dtype):
            logits = forward(x)
        loss = F.cross_entropy(logits.float(), y)
        ctx.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        ctx.optimizer.step()
        progress(done + 1)
        if done >= WARMUP_STEPS:
            timed += 1
            images += int(y.shape[0])
            if time.perf_counter() - started >= max_seconds:
                break
    _sync(ctx.device)
    elapsed = time.perf_counter() - started
    return elapsed / max(timed, 1), images / max(elapsed, 1e-9), timed


def _time_prefix(request: Any, cache: Any, batches: int, steps: int, progress: Progress | None,
                 cancel: CancelCheck | None) -> tuple[float, tuple[torch.Tensor, torch.Tensor]]:
    """Run the frozen prefix on one warm-up and ``batches`` timed training batches, as the cache would.

    Returns:
        (seconds per image, one batch of features and labels for timing the suffix).
    """
    from cnn_studio.core.training.features import feature_source, prefix_runner

    total = PREFIX_BATCHES + 1 + WARMUP_STEPS + steps
    source = _cycle(feature_source(request, request.dataset.splits["train"]))
    timed_images, elapsed = 0, 0.0
    with prefix_runner(request, cache.plan) as prefix:
        for done in range(batches + 1):
            check_cancelled(cancel)
            x, y = next(source)
            _sync(request.device)
            started = time.perf_counter()
            features = prefix(x).float()
            _sync(request.device)
            if done > 0:
                elapsed += time.perf_counter() - started
                timed_images += int(x.shape[0])
            report(progress, done + 1, total)
    report(progress, PREFIX_BATCHES + 1, total)
    return elapsed / max(timed_images, 1), (features.contiguous(), y)


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
