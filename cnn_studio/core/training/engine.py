"""The training loop: one function, :func:`train`, used by the GUI, the CLI, tests and torchrun.

Design (why it is fast and safe):

- Set-up builds a :class:`RunContext` (config resolved into device, data, model, optimizer) and
  a :class:`RunState` (what the loop advances), each in one place; :class:`Trainer` then reads top
  to bottom: epochs -> batches -> one training step -> epoch end -> final test -> finish.
- Batches come from the data engine already on the device; the loop never calls ``.item()``.
  Loss and accuracy accumulate in device tensors and are read only when an event is due (about
  ten times a second, and at every epoch end).
- Every report is a frozen event dataclass (``events.py``) handed to each callback's
  ``on_event``; only rank 0 has callbacks.
- Stop / pause are checked at every batch boundary through :class:`TrainingControl`; a stop
  raises :class:`StopTraining`, which unwinds the loop so the handler saves ``last.pt`` and the
  run ends ``stopped``. Pause blocks on an event; nothing is lost.
- Checkpoints are written only by ``checkpoints.py``: ``last.pt`` at every epoch end (with the RNG,
  optimizer and scheduler states, so a resumed CPU run ends with the same metrics), on a stop, and
  every ``cfg.checkpoint_every_s`` inside long epochs. The run folder has one writer (``RunLock``).
- Divergence (a NaN or exploding loss, NaN weights or BatchNorm statistics: ``divergence.py``), a
  CUDA out-of-memory error or a failed write (full disk) ends the run ``failed`` with one sentence,
  and never overwrites the last good checkpoint.
- Distributed (torchrun): rank and world size come from the environment (:class:`DistContext`);
  only rank 0 writes files and emits events; epoch metrics are summed over ranks; every rank
  agrees on NaN and stop every few batches (``distributed.py``), so all ranks end together.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import asdict
from pathlib import Path
from typing import Any, Iterable, Iterator

import torch
import torch.nn.functional as F

from cnn_studio.core import runs
from cnn_studio.core.checkpoint import NonFiniteWeights, capture_rng_state
from cnn_studio.core.config import TrainConfig
from cnn_studio.core.errors import StorageError, UserError
from cnn_studio.core.run_lock import RunLock
from cnn_studio.core.training import checkpoints, distributed
from cnn_studio.core.training.callbacks import Callback
from cnn_studio.core.training.context import RunContext, build_context, choose_run_dir, make_split_loader, started_event
from cnn_studio.core.training.control import StopTraining, TrainingControl
from cnn_studio.core.training.divergence import DivergenceGuard
from cnn_studio.core.training.evaluation import EvalResult, autocast_context, evaluate, test_results_dict
from cnn_studio.core.training.events import (
    BatchProgress, EpochEnded, RunFailed, RunFinished, TrainingEvent, WeightsSnapshot,
)
from cnn_studio.core.training.features import use_cached_features
from cnn_studio.core.training.metrics import RunningStats
from cnn_studio.core.training.optim import current_lr, group_lrs
from cnn_studio.core.training.run_state import (
    NonFiniteLoss, ResumePoint, RunResult, RunState, free_memory, is_out_of_memory, make_result, nonfinite_message,
    oom_message,
)
from cnn_studio.core.training.setup import DistContext

__all__ = ["NonFiniteLoss", "RunResult", "Trainer", "resume_config", "train"]

PROGRESS_INTERVAL_S = 0.1  # batch-progress events at most ~10 per second
STEP_LOG_INTERVAL_S = 1.0  # step lines in metrics.jsonl at most once per second


def train(cfg: TrainConfig | None, *, callbacks: Iterable[Callback] = (), control: TrainingControl | None = None,
          dataset: Any = None, resume_from: str | Path | None = None) -> RunResult:
    """Train a model as ``cfg`` says and return the run's result.

    Args:
        cfg: the run's configuration; with ``resume_from`` it may be None (the run's own config).
        callbacks: receive every event through ``on_event`` (only on rank 0 of a distributed run).
        control: stop / pause / resume from another thread, and the layers to snapshot.
        dataset: an already opened ``ImageDataset`` (the GUI opens it once); else ``cfg.data``.
        resume_from: a run folder (continues from its ``last.pt``) or a checkpoint file.

    Raises:
        UserError: a setting or the data is unusable (before training starts).
    """
    return Trainer(cfg, callbacks=callbacks, control=control, dataset=dataset, resume_from=resume_from).run()


def resume_config(resume_from: str | Path) -> TrainConfig:
    """Return the configuration stored in a run folder's last.pt (or its config.json without one)."""
    return runs.load_resume_source(resume_from).config


class Trainer:
    """One run; :meth:`run` sets up, loops over epochs, and always finishes with an event."""

    def __init__(self, cfg: TrainConfig | None, *, callbacks: Iterable[Callback] = (),
                 control: TrainingControl | None = None, dataset: Any = None,
                 resume_from: str | Path | None = None) -> None:
        self.dist = DistContext.from_env()
        self.callbacks: list[Callback] = list(callbacks) if self.dist.is_main else []
        self.control = control or TrainingControl()
        source = runs.load_resume_source(resume_from) if resume_from is not None else None
        self.resume_ckpt = source.checkpoint if source else None
        self.resume_dir = source.folder if source else None
        if cfg is None:
            if source is None:
                raise UserError("Give a training configuration or a run to resume.")
            cfg = source.config
        cfg.validate()
        if source is not None:
            source.check_epochs(cfg.epochs)
        self.cfg = cfg
        self.dataset = dataset
        self.lock: RunLock | None = None  # the run folder's writer lock (rank 0)
        self.guard: DivergenceGuard | None = None  # set up by _setup()
        self.ctx: RunContext | None = None  # set up by _setup()
        self.state: RunState | None = None  # created by _setup() (fresh, or from the resumed checkpoint)

    # --- the run -------------------------------------------------------------------------------
    def run(self) -> RunResult:
        """Set up, train, evaluate; always emits ``RunFinished`` once the run folder exists."""
        owns_group = False
        try:
            if self.resume_dir is not None and self.dist.is_main:
                self._lock_folder(self.resume_dir)  # a second writer fails here, before any work
            if self.dist.distributed:
                owns_group = distributed.init_process_group(self.dist, self.cfg.device)
            return self._run()
        finally:
            if owns_group:
                distributed.release(self.ctx.prepared if self.ctx is not None else None)
            if self.lock is not None:
                self.lock.release()

    def _lock_folder(self, folder: Path) -> None:
        """Become the run folder's one writer (RunLockedError if another process writes there)."""
        if self.lock is None:
            self.lock = RunLock(folder).acquire()

    def _setup(self) -> None:
        resuming = self.resume_ckpt is not None
        self.ctx = ctx = build_context(self.cfg, self.dist, self.dataset, resuming=resuming,
                                       cancel=lambda: self.control.stop_requested)
        self.state = state = (checkpoints.restore(ctx, self.resume_ckpt) if resuming
                              else RunState(stats=RunningStats(ctx.device), last_save_time=time.monotonic()))
        self.guard = DivergenceGuard(len(ctx.classes), self.cfg.optim.lr)
        ctx.run_dir = (choose_run_dir(self.cfg, self.resume_dir, state.start_epoch, lock=self._lock_folder)
                       if self.dist.is_main else None)

    def _run(self) -> RunResult:
        started = time.perf_counter()
        self._setup()  # UserErrors here propagate: nothing has started yet
        ctx, state = self.ctx, self.state
        status, message = "completed", ""
        self._emit(started_event(ctx, state.start_epoch))
        try:
            use_cached_features(ctx, self._emit, self._check)  # issue 15: frozen prefix computed once per image
            self._train_epochs()
            state.test_accuracy = self._final_test()
        except StopTraining:
            status, message = self._save_stopped()
        except Exception as exc:  # noqa: BLE001 - reported; unexpected errors are re-raised for the caller
            failure = self._describe_failure(exc)
            if failure.kind == "out_of_memory":
                traceback.clear_frames(exc.__traceback__)
                del exc
                free_memory(ctx.optimizer)
            self._emit(failure)
            if failure.kind in ("user_error", "error"):
                self._finish("failed", str(exc), started)
                raise
            status, message = "failed", failure.message
        return self._finish(status, message, started)

    def _save_stopped(self) -> tuple[str, str]:
        """Write last.pt at the stop; return (status, message) — failed if it could not be written."""
        try:
            checkpoints.save_stopped(self.ctx, self.state)
        except (StorageError, NonFiniteWeights) as exc:
            failure = self._describe_failure(exc)
            self._emit(failure)
            return "failed", failure.message
        return "stopped", "Stopped by the user; last.pt holds the state to resume from."

    def _emit(self, event: TrainingEvent) -> None:
        """Hand ``event`` to every callback, in order (rank 0 only: other ranks have none)."""
        for callback in self.callbacks:
            callback.on_event(event)

    def _describe_failure(self, exc: Exception) -> RunFailed:
        """The RunFailed event of ``exc``; kinds "user_error" and "error" are re-raised after it."""
        ctx, state = self.ctx, self.state
        if isinstance(exc, (NonFiniteLoss, NonFiniteWeights, StorageError)):  # the run cannot go on: say why
            message = str(exc)  # a NaN loss, divergence, or the disk filled / the folder became read-only
            if isinstance(exc, NonFiniteWeights):  # the last guard: a checkpoint about to be written
                message = self.guard.message(state.epoch, message.rstrip("."), state.kept_note())
            kind = "storage" if isinstance(exc, StorageError) else "nonfinite"
            return RunFailed(message=message, details="", kind=kind, user_error=True)
        if is_out_of_memory(exc):
            return RunFailed(message=oom_message(ctx.device, self.cfg.batch_size, ctx.input_size), details="",
                             kind="out_of_memory", user_error=True)
        if self.dist.distributed and distributed.is_peer_failure(exc):
            cause = f"{type(exc).__name__}: " + (str(exc).strip().splitlines() or [""])[0][:160]
            message = distributed.peer_failure_message(self.dist.rank, len(state.history), ctx.run_dir, cause)
            return RunFailed(message=message, details=cause, kind="peer_failed", user_error=True)
        if isinstance(exc, UserError):
            return RunFailed(message=str(exc), details="", kind="user_error", user_error=True)
        details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        return RunFailed(message=f"{type(exc).__name__}: {exc}", details=details, kind="error", user_error=False)

    def _finish(self, status: str, message: str, started: float) -> RunResult:
        ctx = self.ctx
        result = make_result(self.state, run_dir=ctx.run_dir, heldout_name=ctx.heldout_name,
                             world_size=self.dist.world_size, status=status, message=message,
                             seconds=time.perf_counter() - started)
        if self.dist.is_main:
            try:
                runs.write_json_atomic(Path(ctx.run_dir) / runs.SUMMARY_FILE, result.to_dict())
            except StorageError as exc:  # the disk is full: report it rather than a second traceback
                if result.status != "failed":
                    result.status, result.message = "failed", str(exc)
                status, message = result.status, result.message
        self._emit(RunFinished(
            status=status, run_dir=result.run_dir, epochs_completed=result.epochs,
            best_accuracy=result.best_val_accuracy, best_checkpoint=result.best_checkpoint,
            last_checkpoint=result.last_checkpoint, test_accuracy=result.test_accuracy,
            message=message, seconds=result.seconds))
        return result

    # --- epochs --------------------------------------------------------------------------------
    def _train_epochs(self) -> None:
        state = self.state
        for epoch in range(state.start_epoch, self.cfg.epochs):
            batches = self._begin_epoch(epoch)
            seconds, images = self._train_batches(batches)
            state.images_seen += images
            state.train_seconds += seconds
            self._end_epoch(seconds, images)
            if self.dist.distributed:
                self._agree()  # a stop asked during the epoch ends the run here, after last.pt

    def _begin_epoch(self, epoch: int) -> Iterator:
        """Reset the epoch's sums and return its batches (past those already trained, when resuming)."""
        ctx, state = self.ctx, self.state
        resume = state.resume if epoch == state.start_epoch else ResumePoint()
        state.epoch = epoch
        state.epoch_rng = resume.epoch_rng if resume.epoch_step else capture_rng_state()
        ctx.train_loader.set_epoch(epoch)
        state.stats.reset()
        ctx.prepared.train_mode()
        batches = iter(ctx.train_loader)
        if resume.epoch_step:
            checkpoints.skip_trained_batches(batches, resume, state.stats, is_main=self.dist.is_main)
        state.step_in_epoch = resume.epoch_step
        return batches

    def _train_batches(self, batches: Iterator) -> tuple[float, int]:
        """Train on the epoch's batches; return (seconds, pauses excluded; images trained on)."""
        epoch_start = last_event = last_log = time.perf_counter()
        paused_s, images, window_images = 0.0, 0, 0
        for x, y in batches:
            if self.control.is_paused:
                t_pause = time.perf_counter()
                self._check()
                paused_s += time.perf_counter() - t_pause
                last_event = time.perf_counter()
            else:
                self._check()
            self._train_step(x, y)
            if self.dist.distributed and self.state.step_in_epoch % distributed.SYNC_EVERY_STEPS == 0:
                self._agree()
            images += y.shape[0]
            window_images += y.shape[0]
            now = time.perf_counter()
            if now - last_event >= PROGRESS_INTERVAL_S:
                log = now - last_log >= STEP_LOG_INTERVAL_S
                self._emit_progress(window_images / max(now - last_event, 1e-9), log)
                last_event, window_images = now, 0
                if log:
                    last_log = now
            self._save_on_interval()
        self.state.step_in_epoch = self.ctx.steps_per_epoch
        if window_images:  # the last steps reach the curves too (all of an epoch shorter than the interval)
            now = time.perf_counter()
            self._emit_progress(window_images / max(now - last_event, 1e-9), now - last_log >= STEP_LOG_INTERVAL_S)
        return time.perf_counter() - epoch_start - paused_s, images

    def _save_on_interval(self) -> None:
        """Write last.pt every ``cfg.checkpoint_every_s`` inside an epoch (one process only: ranks
        would have to agree on the batch, so distributed runs keep the epoch-end and stop saves)."""
        state = self.state
        if self.dist.distributed or time.monotonic() - state.last_save_time < self.cfg.checkpoint_every_s:
            return
        loss, _, _ = state.stats.compute()
        self._check_loss(loss)  # never write over good weights with a run that is blowing up
        checkpoints.save_mid_epoch(self.ctx, state)

    def _check_loss(self, loss: float, what: str = "training loss") -> None:
        """Raise NonFiniteLoss (NaN/inf training loss) or Diverged (an exploding or NaN loss)."""
        if what == "training loss" and not _finite(loss):
            raise self._nonfinite()
        self.guard.check_loss(loss, epoch=self.state.epoch, what=what, kept=self.state.kept_note())

    def _train_step(self, x: torch.Tensor, y: torch.Tensor) -> None:
        """The one place a batch goes forward and backward and the optimizer steps."""
        ctx, state = self.ctx, self.state
        if self.cfg.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        with autocast_context(ctx.device, ctx.amp_dtype):
            logits = ctx.prepared.forward(x)
        logits = logits.float()
        loss = F.cross_entropy(logits, y, label_smoothing=self.cfg.optim.label_smoothing)
        ctx.optimizer.zero_grad(set_to_none=True)
        if ctx.scaler is not None:
            ctx.scaler.scale(loss).backward()
            ctx.scaler.step(ctx.optimizer)
            ctx.scaler.update()
        else:
            loss.backward()
            ctx.optimizer.step()
        ctx.scheduler.step()
        state.stats.update(loss, logits, y)
        state.global_step += 1
        state.step_in_epoch += 1

    def _check(self) -> None:
        """Pause and stop at a batch boundary; distributed, a stop waits for the next agreement."""
        if self.dist.distributed:
            self.control.wait_while_paused()
        else:
            self.control.check()

    def _agree(self) -> None:
        """Every rank, same step: stop all together if any rank's loss is NaN/inf or any asked to stop."""
        nonfinite = ~torch.isfinite(self.state.stats.sums[0])
        bad, stop = distributed.agree(self.dist, nonfinite=nonfinite, stop=self.control.stop_requested,
                                      device=self.ctx.device)
        if bad:
            raise self._nonfinite()
        if stop:
            raise StopTraining("training stopped (asked on one of the ranks)")

    def _nonfinite(self) -> NonFiniteLoss:
        kept = self.state.kept_note() if self.dist.is_main else "no checkpoint was written yet"
        return NonFiniteLoss(nonfinite_message(self.state.epoch, self.cfg.optim.lr, checkpoint_kept=self.dist.is_main,
                                               kept=kept))

    def _emit_progress(self, images_per_second: float, log: bool) -> None:
        if not self.dist.is_main:
            return  # other ranks never read mid-epoch: no collective, no sync
        ctx, state = self.ctx, self.state
        loss, acc, _ = state.stats.compute()
        if not self.dist.distributed:
            self._check_loss(loss)
        steps = ctx.steps_per_epoch
        event = BatchProgress(
            epoch=state.epoch + 1, step=state.step_in_epoch, steps_per_epoch=steps,
            global_step=state.global_step, total_steps=steps * self.cfg.epochs,
            epoch_fraction=state.epoch + state.step_in_epoch / max(1, steps),
            loss=loss, accuracy=acc, lr=current_lr(ctx.optimizer), images_per_second=images_per_second,
            lrs=group_lrs(ctx.optimizer))
        self._emit(event)
        if log:
            runs.append_metrics(ctx.run_dir, {"kind": "step", **asdict(event)})

    def _end_epoch(self, seconds: float, images: int) -> None:
        """Evaluate on the held-out split, record the epoch, write checkpoints, emit the events."""
        ctx, state = self.ctx, self.state
        train_loss, train_acc, _ = state.stats.compute(self.dist.reduce_sum)
        self._check_loss(train_loss)
        held = self._evaluate_heldout()
        if held is not None:
            self._check_loss(held.loss, "held-out loss")
        self.guard.check_weights(ctx.model, epoch=state.epoch, kept=state.kept_note())
        epoch = state.epoch + 1
        held_acc = held.accuracy if held else None
        is_best = held_acc is not None and (state.best_accuracy is None or held_acc > state.best_accuracy)
        if is_best:
            state.best_accuracy = held_acc
        record = {"kind": "epoch", "epoch": epoch, "train_loss": train_loss, "train_accuracy": train_acc,
                  "heldout_name": ctx.heldout_name, "heldout_loss": held.loss if held else None,
                  "heldout_accuracy": held_acc, "lr": current_lr(ctx.optimizer), "seconds": seconds,
                  "images_per_second": images * self.dist.world_size / max(seconds, 1e-9)}
        state.history.append(record)
        if self.dist.is_main:  # the row first: a checkpoint that fails to write leaves the epoch's metrics
            runs.append_metrics(ctx.run_dir, record)
        checkpoints.save_epoch_checkpoints(ctx, state, epoch, is_best or not ctx.heldout_name)
        self._emit(EpochEnded(
            epoch=epoch, epochs=self.cfg.epochs, train_loss=train_loss, train_accuracy=train_acc,
            heldout_name=ctx.heldout_name, heldout_loss=record["heldout_loss"], heldout_accuracy=held_acc,
            best_accuracy=state.best_accuracy, is_best=is_best, lr=record["lr"], seconds=seconds,
            images_per_second=record["images_per_second"], lrs=group_lrs(ctx.optimizer),
            heldout_exploded=self.guard.heldout_exploded(record["heldout_loss"])))
        snapshot = checkpoints.weights_snapshot(ctx.model, self.control.snapshot_layers) if self.dist.is_main else {}
        if snapshot:
            self._emit(WeightsSnapshot(epoch=epoch, weights=snapshot))

    def _evaluate_heldout(self) -> EvalResult | None:
        ctx = self.ctx
        if not ctx.heldout_name:
            return None
        return evaluate(ctx.prepared.forward, ctx.heldout_loader(), num_classes=len(ctx.classes),
                        device=ctx.device, amp_dtype=ctx.amp_dtype, channels_last=self.cfg.channels_last,
                        reduce=self.dist.reduce_sum, check=self._check)

    def _final_test(self) -> float | None:
        """Evaluate the best checkpoint on the test split (rank 0) and write test_results.json."""
        ctx = self.ctx
        split = ctx.dataset.splits.get("test")
        if split is None or len(split.labels) == 0:
            return None
        accuracy = None
        try:
            if self.dist.is_main:
                checkpoints.load_best(ctx)
                model, loader = ctx.model, make_split_loader(ctx, split, train=False, world_size=1)
                if ctx.features is not None:  # issue 15: the trained suffix on cached test features
                    model, loader = ctx.features.forward, ctx.features.loader("test")
                result = evaluate(model, loader, num_classes=len(ctx.classes), device=ctx.device,
                                  amp_dtype=ctx.amp_dtype, channels_last=self.cfg.channels_last,
                                  collect_predictions=True, check=self._check)
                data = test_results_dict(result, ctx.classes, list(split.paths), split.labels.tolist())
                runs.write_json_atomic(Path(ctx.run_dir) / runs.TEST_RESULTS_FILE, data)
                accuracy = result.accuracy
        finally:
            self.dist.barrier()  # the other ranks wait for rank 0's full test pass
        return accuracy


def _finite(value: float) -> bool:
    return value == value and value not in (float("inf"), float("-inf"))
