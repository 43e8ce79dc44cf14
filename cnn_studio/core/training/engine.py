"""The training loop: one function, :func:`train`, used by the GUI, the CLI, tests and torchrun.

Design (why it is fast and safe):

- Batches come from the data engine already on the device; the loop never calls ``.item()``.
  Loss and accuracy accumulate in device tensors and are read only when an event is due (about
  ten times a second, and at every epoch end).
- Stop / pause are checked at every batch boundary through :class:`TrainingControl`; a stop
  raises :class:`StopTraining`, which unwinds the loop so the handler saves ``last.pt`` and the
  run ends ``stopped``. Pause blocks on an event; nothing is lost.
- ``last.pt`` is written at every epoch end with the RNG states, optimizer and scheduler, so a
  resumed CPU run ends with the same metrics as an uninterrupted one. A non-finite loss or a CUDA
  out-of-memory error ends the run ``failed`` with advice, and never overwrites the last good
  checkpoint.
- Distributed (torchrun): rank and world size come from the environment (:class:`DistContext`);
  only rank 0 writes files and calls callbacks; epoch metrics are summed over ranks; every rank
  agrees on NaN and stop every few batches (``distributed.py``), so all ranks end together.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

import torch
import torch.nn.functional as F

from cnn_studio.core import runs
from cnn_studio.core.checkpoint import check_compatible, load_checkpoint, load_model_state, restore_rng_state
from cnn_studio.core.config import TrainConfig
from cnn_studio.core.errors import CheckpointError, UserError
from cnn_studio.core.training import distributed, run_state
from cnn_studio.core.training.callbacks import Callback, CallbackList
from cnn_studio.core.training.control import StopTraining, TrainingControl
from cnn_studio.core.training.evaluation import autocast_context, evaluate, test_results_dict
from cnn_studio.core.training.events import (
    BatchProgress, EpochEnded, RunFailed, RunFinished, RunStarted, WeightsSnapshot,
)
from cnn_studio.core.training.metrics import RunningStats
from cnn_studio.core.training.optim import build_optimizer, build_scheduler, current_lr
from cnn_studio.core.training.setup import (
    DistContext, check_trainable, prepare_model, resolve_device, resolve_heldout, resolve_input_size, resolve_normalization,
    resolve_precision,
)

PROGRESS_INTERVAL_S = 0.1  # batch-progress events at most ~10 per second
STEP_LOG_INTERVAL_S = 1.0  # step lines in metrics.jsonl at most once per second


@dataclass
class RunResult:
    """What :func:`train` returns (also written as ``summary.json``)."""

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


class NonFiniteLoss(Exception):
    """The training loss became NaN or infinite."""


def train(cfg: TrainConfig | None, *, callbacks: Iterable[Callback] = (), control: TrainingControl | None = None,
          dataset: Any = None, resume_from: str | Path | None = None) -> RunResult:
    """Train a model as ``cfg`` says and return the run's result.

    Args:
        cfg: the run's configuration; with ``resume_from`` it may be None (the run's own config).
        callbacks: receive the events (only on rank 0 of a distributed run).
        control: stop / pause / resume from another thread, and the layers to snapshot.
        dataset: an already opened ``ImageDataset`` (the GUI opens it once); else ``cfg.data``.
        resume_from: a run folder (continues from its ``last.pt``) or a checkpoint file.

    Raises:
        UserError: a setting or the data is unusable (before training starts).
    """
    return Trainer(cfg, callbacks=callbacks, control=control, dataset=dataset, resume_from=resume_from).run()


def resume_config(resume_from: str | Path) -> TrainConfig:
    """Return the configuration stored in a run folder's last.pt (or in a checkpoint file)."""
    ckpt, _ = Trainer._load_resume(resume_from)
    return TrainConfig.from_dict(ckpt["config"])


class Trainer:
    """One run; :meth:`run` sets up, loops over epochs, and always finishes with an event."""

    def __init__(self, cfg: TrainConfig | None, *, callbacks: Iterable[Callback] = (),
                 control: TrainingControl | None = None, dataset: Any = None,
                 resume_from: str | Path | None = None) -> None:
        self.dist = DistContext.from_env()
        self.callbacks = CallbackList(callbacks if self.dist.is_main else ())
        self.control = control or TrainingControl()
        self.resume_ckpt, self.resume_dir = self._load_resume(resume_from)
        if cfg is None:
            if self.resume_ckpt is None:
                raise UserError("Give a training configuration or a run to resume.")
            cfg = TrainConfig.from_dict(self.resume_ckpt["config"])
        cfg.validate()
        self.cfg = cfg
        self.dataset = dataset

    # --- set-up --------------------------------------------------------------------------------
    @staticmethod
    def _load_resume(resume_from: str | Path | None) -> tuple[dict | None, Path | None]:
        if resume_from is None:
            return None, None
        path = Path(resume_from)
        if path.is_dir():
            if not (path / runs.LAST_CHECKPOINT).is_file():
                raise CheckpointError(f"The run folder {path} has no last.pt to resume from; choose another run.")
            path = path / runs.LAST_CHECKPOINT
        ckpt = load_checkpoint(path)
        if not isinstance(ckpt.get("config"), dict) or ckpt.get("optimizer_state") is None:
            raise CheckpointError(f"{path.name} holds no training state to resume from; use the run's last.pt.")
        return ckpt, path.parent

    def _setup(self) -> None:
        cfg, dist = self.cfg, self.dist
        if dist.distributed:
            self.owns_group = distributed.init_process_group(dist, cfg.device)
        self.device = resolve_device(cfg.device, dist)
        self.amp_dtype, self.precision = resolve_precision(cfg.precision, self.device)
        if self.device.type == "cuda":
            torch.backends.cudnn.benchmark = True
        run_state.seed_everything(cfg.seed)
        if self.dataset is None:
            self.dataset = run_state.open_run_dataset(self)
        if hasattr(self.dataset, "ensure_current"):  # a reopened cache: wait for its check, re-decode if changed
            self.dataset = self.dataset.ensure_current(cancel=lambda: self.control.stop_requested)
        ds = self.dataset
        self.classes = list(ds.classes)
        train_split = check_trainable(ds)
        self.heldout_name = resolve_heldout(cfg.data.validation, ds.splits)
        resuming = self.resume_ckpt is not None
        self.prepared = prepare_model(cfg, len(self.classes), self.device, resuming=resuming)
        self.model = self.prepared.model
        self.mean, self.std = resolve_normalization(cfg, ds, self.prepared.info)
        self.input_size = resolve_input_size(cfg, int(ds.image_size))
        if dist.distributed:
            self.prepared.forward = distributed.wrap_model(self.prepared, cfg, self.device)
            self.model = self.prepared.model  # SyncBatchNorm-converted if asked (same parameters)
        self.train_loader = run_state.make_split_loader(self, train_split, train=True)
        self.steps_per_epoch = len(self.train_loader)
        self.optimizer = build_optimizer(self.prepared.groups, cfg.optim)
        self.scheduler = build_scheduler(self.optimizer, cfg.optim, self.steps_per_epoch, cfg.epochs)
        self.scaler = torch.amp.GradScaler("cuda") if self.amp_dtype == torch.float16 else None
        self.start_epoch, self.global_step, self.resume_step = 0, 0, 0
        self.resume_sums: list[float] | None = None
        self.resume_rng_now: dict | None = None
        self.best_accuracy: float | None = None
        self.history: list[dict[str, Any]] = []
        if resuming:
            self._restore(self.resume_ckpt)
        self.run_dir = run_state.choose_run_dir(self) if dist.is_main else None

    def _restore(self, ckpt: dict) -> None:
        name = "The checkpoint to resume"
        distributed.check_resume_world_size(ckpt, self.dist.world_size)
        check_compatible(ckpt, model_name=self.cfg.model.name, num_classes=len(self.classes), name=name)
        load_model_state(self.model, ckpt, name)
        try:
            self.optimizer.load_state_dict(ckpt["optimizer_state"])
            self.scheduler.load_state_dict(ckpt["scheduler_state"])
            if self.scaler is not None and ckpt.get("scaler_state"):
                self.scaler.load_state_dict(ckpt["scaler_state"])
        except (ValueError, KeyError, RuntimeError):
            raise CheckpointError("The optimizer state in last.pt does not match this configuration "
                                  "(optimizer or frozen layers changed); resume with the run's own settings.") from None
        self.start_epoch = int(ckpt["epoch"])
        self.global_step = int(ckpt.get("global_step", 0))
        self.resume_step = int(ckpt.get("epoch_step", 0))
        self.resume_sums = ckpt.get("epoch_sums")
        self.resume_rng_now = ckpt.get("rng_state_now")
        self.best_accuracy = (ckpt.get("metrics") or {}).get("best_accuracy")
        self.history = [r for r in (ckpt.get("metrics") or {}).get("history", []) if r["epoch"] <= self.start_epoch]
        restore_rng_state(ckpt.get("rng_state"))

    # --- the run -------------------------------------------------------------------------------
    def run(self) -> RunResult:
        """Set up, train, evaluate; always emits ``RunFinished`` once the run folder exists."""
        self.owns_group = False
        try:
            return self._run()
        finally:
            if self.owns_group:
                distributed.release(self)

    def _run(self) -> RunResult:
        started = time.perf_counter()
        self._setup()  # UserErrors here propagate: nothing has started yet
        status, message, self.test_accuracy = "completed", "", None
        self.epoch_sums_at_stop = None
        self.images_seen, self.train_seconds = 0, 0.0
        self.callbacks.on_run_started(run_state.started_event(self))
        try:
            self._train_epochs()
            self.test_accuracy = self._final_test()
        except StopTraining:
            status, message = "stopped", "Stopped by the user; last.pt holds the state to resume from."
            run_state.save_stopped(self)
        except NonFiniteLoss as exc:
            status, message = "failed", str(exc)
            self._report_failure(message, "", "nonfinite", True)
        except Exception as exc:  # noqa: BLE001 - reported, then re-raised for the caller
            if run_state.is_out_of_memory(exc):
                status, message = "failed", run_state.oom_message(self)
                traceback.clear_frames(exc.__traceback__)
                del exc
                run_state.free_memory(self)
                self._report_failure(message, "", "out_of_memory", True)
            elif self.dist.distributed and distributed.is_peer_failure(exc):
                cause = f"{type(exc).__name__}: " + (str(exc).strip().splitlines() or [""])[0][:160]
                status = "failed"
                message = distributed.peer_failure_message(self.dist.rank, len(self.history), self.run_dir, cause)
                self._report_failure(message, cause, "peer_failed", True)
            else:
                user = isinstance(exc, UserError)
                details = "" if user else "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
                self._report_failure(str(exc) if user else f"{type(exc).__name__}: {exc}", details,
                                     "user_error" if user else "error", user)
                self._finish("failed", str(exc), started)
                raise
        return self._finish(status, message, started)

    def _report_failure(self, message: str, details: str, kind: str, user_error: bool) -> None:
        self.callbacks.on_failed(RunFailed(message=message, details=details, kind=kind, user_error=user_error))

    def _finish(self, status: str, message: str, started: float) -> RunResult:
        result = run_state.make_result(self, status, message, time.perf_counter() - started)
        if self.dist.is_main:
            runs.write_json_atomic(Path(self.run_dir) / runs.SUMMARY_FILE, result.to_dict())
        self.callbacks.on_run_finished(RunFinished(
            status=status, run_dir=result.run_dir, epochs_completed=result.epochs,
            best_accuracy=result.best_val_accuracy, best_checkpoint=result.best_checkpoint,
            last_checkpoint=result.last_checkpoint, test_accuracy=result.test_accuracy,
            message=message, seconds=result.seconds))
        return result

    def _train_epochs(self) -> None:
        cfg, ctl = self.cfg, self.control
        stats = RunningStats(self.device)
        self.stats = stats
        for epoch in range(self.start_epoch, cfg.epochs):
            self.epoch = epoch
            skip = self.resume_step if epoch == self.start_epoch else 0
            self.epoch_rng = run_state.capture_rng() if not skip else self.resume_ckpt["rng_state"]
            self.train_loader.set_epoch(epoch)
            stats.reset()
            self.prepared.train_mode()
            batches = iter(self.train_loader)
            if skip:
                run_state.skip_batches(self, batches, skip, stats)
            self.step_in_epoch = skip
            epoch_start = last_event = last_log = time.perf_counter()
            paused_s, images, window_images = 0.0, 0, 0
            for x, y in batches:
                if ctl.is_paused:
                    t_pause = time.perf_counter()
                    self._check()
                    paused_s += time.perf_counter() - t_pause
                    last_event = time.perf_counter()
                else:
                    self._check()
                self._train_step(x, y, stats)
                if self.dist.distributed and self.step_in_epoch % distributed.SYNC_EVERY_STEPS == 0:
                    self._agree(stats)
                n = y.shape[0]
                images += n
                window_images += n
                now = time.perf_counter()
                if now - last_event >= PROGRESS_INTERVAL_S:
                    log = now - last_log >= STEP_LOG_INTERVAL_S
                    self._emit_progress(stats, window_images / max(now - last_event, 1e-9), log)
                    last_event, window_images = now, 0
                    if log:
                        last_log = now
            self.step_in_epoch = self.steps_per_epoch
            seconds = time.perf_counter() - epoch_start - paused_s
            self.images_seen += images
            self.train_seconds += seconds
            self._end_epoch(stats, seconds, images)
            if self.dist.distributed:
                self._agree(stats)  # a stop asked during the epoch ends the run here, after last.pt

    def _check(self) -> None:
        """Pause and stop at a batch boundary; distributed, a stop waits for the next agreement."""
        if self.dist.distributed:
            self.control.wait_while_paused()
        else:
            self.control.check()

    def _agree(self, stats: RunningStats) -> None:
        """Every rank, same step: stop all together if any rank's loss is NaN/inf or any asked to stop."""
        nonfinite = ~torch.isfinite(stats.sums[0])
        bad, stop = distributed.agree(self.dist, nonfinite=nonfinite, stop=self.control.stop_requested,
                                      device=self.device)
        if bad:
            raise NonFiniteLoss(run_state.nonfinite_message(self))
        if stop:
            raise StopTraining("training stopped (asked on one of the ranks)")

    def _train_step(self, x: torch.Tensor, y: torch.Tensor, stats: RunningStats) -> None:
        cfg = self.cfg
        if cfg.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        with autocast_context(self.device, self.amp_dtype):
            logits = self.prepared.forward(x)
        logits = logits.float()
        loss = F.cross_entropy(logits, y, label_smoothing=cfg.optim.label_smoothing)
        self.optimizer.zero_grad(set_to_none=True)
        if self.scaler is not None:
            self.scaler.scale(loss).backward()
            self.scaler.step(self.optimizer)
            self.scaler.update()
        else:
            loss.backward()
            self.optimizer.step()
        self.scheduler.step()
        stats.update(loss, logits, y)
        self.global_step += 1
        self.step_in_epoch += 1

    def _emit_progress(self, stats: RunningStats, images_per_second: float, log: bool) -> None:
        if not self.dist.is_main:
            return  # other ranks never read mid-epoch: no collective, no sync
        loss, acc, _ = stats.compute()
        if not self.dist.distributed and not _finite(loss):
            raise NonFiniteLoss(run_state.nonfinite_message(self))
        total = self.steps_per_epoch * self.cfg.epochs
        event = BatchProgress(
            epoch=self.epoch + 1, step=self.step_in_epoch, steps_per_epoch=self.steps_per_epoch,
            global_step=self.global_step, total_steps=total,
            epoch_fraction=self.epoch + self.step_in_epoch / max(1, self.steps_per_epoch),
            loss=loss, accuracy=acc, lr=current_lr(self.optimizer), images_per_second=images_per_second)
        self.callbacks.on_batch_progress(event)
        if log:
            runs.append_metrics(self.run_dir, {"kind": "step", **asdict(event)})

    def _end_epoch(self, stats: RunningStats, seconds: float, images: int) -> None:
        train_loss, train_acc, _ = stats.compute(self.dist.reduce_sum)
        if not _finite(train_loss):
            raise NonFiniteLoss(run_state.nonfinite_message(self))
        held = None
        if self.heldout_name:
            held = evaluate(self.prepared.forward, self.heldout_loader(), num_classes=len(self.classes),
                            device=self.device, amp_dtype=self.amp_dtype, channels_last=self.cfg.channels_last,
                            reduce=self.dist.reduce_sum, check=self._check)
        epoch = self.epoch + 1
        held_acc = held.accuracy if held else None
        is_best = held_acc is not None and (self.best_accuracy is None or held_acc > self.best_accuracy)
        if is_best:
            self.best_accuracy = held_acc
        record = {"kind": "epoch", "epoch": epoch, "train_loss": train_loss, "train_accuracy": train_acc,
                  "heldout_name": self.heldout_name, "heldout_loss": held.loss if held else None,
                  "heldout_accuracy": held_acc, "lr": current_lr(self.optimizer), "seconds": seconds,
                  "images_per_second": images * self.dist.world_size / max(seconds, 1e-9)}
        self.history.append(record)
        run_state.save_epoch_checkpoints(self, epoch, is_best or not self.heldout_name)
        if self.dist.is_main:
            runs.append_metrics(self.run_dir, record)
        self.callbacks.on_epoch_ended(EpochEnded(
            epoch=epoch, epochs=self.cfg.epochs, train_loss=train_loss, train_accuracy=train_acc,
            heldout_name=self.heldout_name, heldout_loss=record["heldout_loss"], heldout_accuracy=held_acc,
            best_accuracy=self.best_accuracy, is_best=is_best, lr=record["lr"], seconds=seconds,
            images_per_second=record["images_per_second"]))
        snapshot = run_state.weights_snapshot(self.model, self.control.snapshot_layers) if self.dist.is_main else {}
        if snapshot:
            self.callbacks.on_weights_snapshot(WeightsSnapshot(epoch=epoch, weights=snapshot))

    def heldout_loader(self) -> Any:
        """The loader of the held-out split (built once)."""
        if not hasattr(self, "_heldout_loader"):
            split = self.dataset.splits[self.heldout_name]
            self._heldout_loader = run_state.make_split_loader(self, split, train=False,
                                                                world_size=self.dist.world_size)
        return self._heldout_loader

    def _final_test(self) -> float | None:
        """Evaluate the best checkpoint on the test split (rank 0) and write test_results.json."""
        split = self.dataset.splits.get("test")
        if split is None or len(split.labels) == 0:
            return None
        accuracy = None
        try:
            if self.dist.is_main:
                best = Path(self.run_dir) / runs.BEST_CHECKPOINT
                if best.is_file():
                    load_model_state(self.model, load_checkpoint(best, map_location=self.device))
                loader = run_state.make_split_loader(self, split, train=False, world_size=1)
                result = evaluate(self.model, loader, num_classes=len(self.classes), device=self.device,
                                  amp_dtype=self.amp_dtype, channels_last=self.cfg.channels_last,
                                  collect_predictions=True, check=self._check)
                data = test_results_dict(result, self.classes, list(split.paths), split.labels.tolist())
                runs.write_json_atomic(Path(self.run_dir) / runs.TEST_RESULTS_FILE, data)
                accuracy = result.accuracy
        finally:
            self.dist.barrier()  # the other ranks wait for rank 0's full test pass
        return accuracy


def _finite(value: float) -> bool:
    return value == value and value not in (float("inf"), float("-inf"))
