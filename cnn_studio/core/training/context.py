"""What a run's set-up produces and the loop only reads: :class:`RunContext`, built once.

:func:`build_context` resolves the config (device, precision, data, model, optimizer,
schedule) into concrete objects; the helpers here make loaders, choose the run folder and
describe the set-up run as a :class:`~cnn_studio.core.training.events.RunStarted` event.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch

from cnn_studio.core import runs
from cnn_studio.core.config import TrainConfig
from cnn_studio.core.errors import ConfigError
from cnn_studio.core.training import distributed
from cnn_studio.core.training.events import RunStarted
from cnn_studio.core.training.optim import build_optimizer, build_scheduler
from cnn_studio.core.training.setup import (
    DistContext, PreparedModel, check_trainable, prepare_model, resolve_device, resolve_heldout, resolve_input_size,
    resolve_normalization, resolve_precision,
)


@dataclass
class RunContext:
    """The set-up run: config, device, data, model and optimizer (the loop reads them; only set-up assigns)."""

    cfg: TrainConfig
    dist: DistContext
    device: torch.device
    amp_dtype: torch.dtype | None
    precision: str  # "fp32", "bf16" or "fp16"
    dataset: Any  # the opened ImageDataset
    classes: list[str]
    heldout_name: str  # "val", "test" or "" (no held-out evaluation)
    prepared: PreparedModel
    mean: list[float]
    std: list[float]
    input_size: int
    train_loader: Any
    optimizer: torch.optim.Optimizer
    scheduler: Any
    scaler: torch.amp.GradScaler | None
    run_dir: str | None = None  # set once the run folder is chosen; None on ranks other than 0
    _heldout_loader: Any = field(default=None, repr=False)
    features: Any = None  # CachedTraining when the run trains on cached features (issue 15, features.py)

    @property
    def model(self) -> torch.nn.Module:
        """The plain module (state_dict keys without wrappers)."""
        return self.prepared.model

    @property
    def steps_per_epoch(self) -> int:
        """Training batches per epoch (this process)."""
        return len(self.train_loader)

    def heldout_loader(self) -> Any:
        """The loader of the held-out split (built on first use)."""
        if self._heldout_loader is None:
            split = self.dataset.splits[self.heldout_name]
            self._heldout_loader = make_split_loader(self, split, train=False, world_size=self.dist.world_size)
        return self._heldout_loader


def seed_everything(seed: int) -> None:
    """Seed Python, numpy and torch (CPU and CUDA) so a CPU run is repeatable."""
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)


def build_context(cfg: TrainConfig, dist: DistContext, dataset: Any, *, resuming: bool,
                  cancel: Callable[[], bool]) -> RunContext:
    """Resolve ``cfg`` into a ready run (model on the device, loaders, optimizer); opens the data if needed.

    Raises:
        UserError: a setting or the data is unusable.
    """
    device = resolve_device(cfg.device, dist)
    amp_dtype, precision = resolve_precision(cfg.precision, device)
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True
    seed_everything(cfg.seed)
    if dataset is None:
        dataset = open_run_dataset(cfg, dist, cancel)
    if hasattr(dataset, "ensure_current"):  # a reopened cache: wait for its check, re-decode if changed
        dataset = dataset.ensure_current(cancel=cancel)
    classes = list(dataset.classes)
    train_split = check_trainable(dataset)
    heldout_name = resolve_heldout(cfg.data.validation, dataset.splits)
    prepared = prepare_model(cfg, len(classes), device, resuming=resuming)
    mean, std = resolve_normalization(cfg, dataset, prepared.info)
    input_size = resolve_input_size(cfg, int(dataset.image_size))
    if dist.distributed:
        prepared.forward = distributed.wrap_model(prepared, cfg, device)  # may swap in a SyncBatchNorm model
    ctx = RunContext(
        cfg=cfg, dist=dist, device=device, amp_dtype=amp_dtype, precision=precision, dataset=dataset,
        classes=classes, heldout_name=heldout_name, prepared=prepared, mean=mean, std=std, input_size=input_size,
        train_loader=None, optimizer=None, scheduler=None,
        scaler=torch.amp.GradScaler("cuda") if amp_dtype == torch.float16 else None)
    ctx.train_loader = make_split_loader(ctx, train_split, train=True)
    ctx.optimizer = build_optimizer(prepared.groups, cfg.optim)
    ctx.scheduler = build_scheduler(ctx.optimizer, cfg.optim, ctx.steps_per_epoch, cfg.epochs)
    return ctx


def make_split_loader(ctx: RunContext, split: Any, *, train: bool, world_size: int | None = None) -> Any:
    """Return the data engine's loader for ``split`` with the run's preprocessing."""
    from cnn_studio.core.data.loader import AugmentSpec, make_loader

    cfg = ctx.cfg
    world = ctx.dist.world_size if world_size is None else world_size
    rank = ctx.dist.rank if world > 1 else 0
    batch = cfg.batch_size if train else max(cfg.batch_size, 2 * cfg.batch_size)
    return make_loader(split, batch_size=batch, device=ctx.device, train=train, mean=ctx.mean, std=ctx.std,
                       input_size=ctx.input_size, augment=AugmentSpec.from_config(cfg.data) if train else None,
                       seed=cfg.seed, rank=rank, world_size=world, num_workers=cfg.data.num_workers)


def open_run_dataset(cfg: TrainConfig, dist: DistContext, cancel: Callable[[], bool]) -> Any:
    """Open ``cfg.data``; distributed: each node's local rank 0 first (it builds the cache once)."""
    from cnn_studio.core.data.dataset import open_dataset

    later = dist.distributed and dist.local_rank != 0
    if later:
        dist.barrier()
    try:
        return open_dataset(cfg.data, cancel=cancel)
    finally:
        if dist.distributed and not later:
            dist.barrier()  # also on failure: the others then meet the same error themselves


def choose_run_dir(cfg: TrainConfig, resume_dir: Path | None, start_epoch: int,
                   lock: Callable[[Path], None] = lambda folder: None) -> str:
    """Return the run folder: the resumed run's, ``cfg.out_dir``, or a new one; write config.json.

    ``lock(folder)`` takes the folder's writer lock once the folder exists and before anything is
    written in it (it raises RunLockedError when another process writes there).

    Raises:
        ConfigError: ``out_dir`` already holds another run.
        StorageError: the folder cannot be created or written (one sentence naming it).
    """
    if resume_dir is not None:
        folder = resume_dir
        lock(folder)
        runs.truncate_metrics_after(folder, start_epoch)
    elif cfg.out_dir:
        folder = Path(cfg.out_dir)
        if runs.is_run_dir(folder):
            raise ConfigError(f"The folder {folder} already holds a run; choose another output folder or resume it.")
        runs.make_folder(folder)
        lock(folder)
        if runs.is_run_dir(folder):  # another process made it a run while this one waited for the lock
            raise ConfigError(f"The folder {folder} already holds a run; choose another output folder or resume it.")
    else:
        from cnn_studio.paths import runs_dir

        folder = runs.new_run_dir(runs_dir(), cfg.model.run_label())
        lock(folder)
    cfg.save(folder / runs.CONFIG_FILE)
    return str(folder)


def started_event(ctx: RunContext, start_epoch: int) -> RunStarted:
    """Return the RunStarted event of the set-up run."""
    ds, cfg = ctx.dataset, ctx.cfg
    held = len(ds.splits[ctx.heldout_name].labels) if ctx.heldout_name else 0
    report = getattr(ds, "report", None)
    problems = list(getattr(report, "problems", None) or [])
    return RunStarted(
        run_dir=str(ctx.run_dir or ""), model_name=cfg.model.name, device=str(ctx.device), precision=ctx.precision,
        classes=tuple(ctx.classes), epochs=cfg.epochs, start_epoch=start_epoch,
        steps_per_epoch=ctx.steps_per_epoch, train_images=len(ds.splits["train"].labels),
        heldout_name=ctx.heldout_name, heldout_images=held, image_size=int(ds.image_size),
        input_size=ctx.input_size, world_size=ctx.dist.world_size, config=cfg.to_dict(),
        data_warnings=tuple(getattr(report, "warnings", None) or ()),
        data_problems=tuple(f"{p.path}: {p.reason}" for p in problems[:5]), problem_count=len(problems),
        skipped_files=len(getattr(report, "skipped", None) or ()))
