"""Frozen layers cost nothing: train the trainable suffix on cached features (issue 15).

:func:`enable_cached_features` is the engine's one hook. When the trainable part of the model is
a suffix of its forward chain and the frozen prefix is deterministic in training (BatchNorm
statistics frozen, no dropout), it computes the prefix's output once per image (or loads it from
the cache folder), and returns a :class:`CachedTraining`: the suffix as a module and loaders of
features with the data engine's batch semantics. Otherwise it returns None and the run uses the
full forward; either way one :class:`FeaturesCached` event says what happened and why.

Augmentation (decided here, said in the log): horizontal flip is kept exactly, by caching each
training image twice (as is and mirrored) and picking the mirror per sample and epoch with the
very draws the uncached loader makes; random translation and cutout cannot be precomputed (81
crops per image at 4 px), so they are off for cached training and the log says so
(``feature_cache`` off in the config, or ``--no-feature-cache``, trains with them on every batch).

Checkpoints are unaffected: the suffix shares the model's modules, so ``best.pt`` / ``last.pt``
hold the whole model as before.
"""

from __future__ import annotations

import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np
import torch

from cnn_studio.core.training.events import FeaturesCached
from cnn_studio.core.training.feature_chain import BoundaryPlan, ChainSuffix, plan_boundary, run_prefix
from cnn_studio.core.training.feature_loader import FeatureLoader
from cnn_studio.core.training.feature_store import (
    FeatureKey, FeatureStore, choose_dtype, compute_store, dataset_identity, features_root, open_store,
    store_exists, weights_hash,
)

PROGRESS_INTERVAL_S = 0.1
EmitFn = Callable[[FeaturesCached], None]


@dataclass(frozen=True)
class CacheRequest:
    """What the feature cache needs to know about a set-up run."""

    cfg: Any  # TrainConfig
    dataset: Any  # ImageDataset
    prepared: Any  # PreparedModel (model, plan, train_mode)
    device: torch.device
    mean: tuple[float, ...]
    std: tuple[float, ...]
    input_size: int
    heldout_name: str
    amp_dtype: torch.dtype | None = None
    distributed: bool = False


@dataclass
class CachedTraining:
    """What the engine uses instead of the full forward and the image loaders."""

    forward: ChainSuffix
    train_loader: FeatureLoader
    loaders: dict[str, FeatureLoader]  # evaluation loaders by split name (held-out, test)
    plan: BoundaryPlan
    store: FeatureStore

    def loader(self, split: str) -> FeatureLoader:
        """The evaluation loader of ``split`` (fixed order, one view)."""
        return self.loaders[split]


def _splits_to_cache(dataset: Any, heldout: str) -> list[str]:
    names = ["train"]
    for name in (heldout, "test"):
        split = dataset.splits.get(name) if name else None
        if split is not None and len(split.labels) > 0 and name not in names:
            names.append(name)
    return names


def _off(emit: EmitFn, message: str) -> None:
    emit(FeaturesCached(stage="off", message=f"Training runs the whole network every batch: {message}."))


def _augment_notes(data_cfg: Any) -> list[str]:
    notes = []
    if data_cfg.augment_translate > 0 or data_cfg.cutout > 0:
        off = " and ".join(n for n, on in (("random translation", data_cfg.augment_translate > 0),
                                           ("cutout", data_cfg.cutout > 0)) if on)
        notes.append(f"{off[0].upper()}{off[1:]} is off while training on cached features (it would need the "
                     "frozen layers on every batch); turn the feature cache off to train with it.")
    if data_cfg.augment_flip:
        notes.append("Horizontal flips are kept: each training image is cached as is and mirrored.")
    return notes


def why_not(t: CacheRequest) -> str:
    """Return why cached features cannot be used for this run ("" when they may be)."""
    cfg = t.cfg
    if not getattr(cfg, "feature_cache", True):
        return "the feature cache is off in the settings"
    if t.distributed:
        return "distributed runs do not use cached features yet"
    if cfg.compile:
        return "torch.compile is on (it compiles the whole network)"
    return ""


@dataclass(frozen=True)
class CachePlan:
    """Where a run's cached features come from: the cut, the key, and where they are kept."""

    plan: BoundaryPlan
    key: FeatureKey
    names: tuple[str, ...]  # the cached splits: train first, then held-out and test
    in_memory: bool
    root: Path | None  # the features folder; None when the cache folder cannot be made
    images: int  # images to run through the prefix (views counted)

    @property
    def views(self) -> dict[str, int]:
        """Views cached per split (2 for training with flips: the mirror too)."""
        return self.key.views

    def stored(self) -> bool:
        """True when features with this key are in the cache folder (a run would reuse them)."""
        return self.root is not None and store_exists(self.root, self.key)


def plan_cache(t: CacheRequest) -> CachePlan | str | None:
    """Decide whether a set-up run trains on cached features, without computing any.

    Returns:
        A :class:`CachePlan`; or the phrase saying why the whole network runs every batch; or
        None when nothing is frozen (nothing to cache, nothing to say).
    """
    prepared = t.prepared
    if prepared.plan.frozen_params == 0:
        return None
    reason = why_not(t)
    if reason:
        return reason
    prepared.train_mode()  # the flags training will run with (frozen BatchNorm in eval)
    plan = plan_boundary(prepared.model, t.input_size, t.device)
    if not plan.usable:
        return plan.reason
    if t.cfg.channels_last and len(plan.feature_shape) != 3:
        return "channels-last needs image-shaped features, and the cut is after the spatial layers"
    names = _splits_to_cache(t.dataset, t.heldout_name)
    views = {n: (2 if n == "train" and t.cfg.data.augment_flip else 1) for n in names}
    images = sum(len(t.dataset.splits[n].labels) * views[n] for n in names)
    dtype, in_memory = choose_dtype(images * int(np.prod(plan.feature_shape)), int(t.cfg.data.memory_budget_mb) << 20)
    try:
        root: Path | None = features_root(t.cfg.data.cache_dir)
    except OSError:
        root = None
    return CachePlan(plan=plan, key=_key(t, plan, names, views, dtype), names=tuple(names), in_memory=in_memory,
                     root=root, images=images)


def enable_cached_features(t: CacheRequest, emit: EmitFn, check: Callable[[], None] | None = None) -> CachedTraining | None:
    """Plan, compute or load the cached features of a set-up run; None: use the full forward.

    Args:
        t: the set-up run.
        emit: receives the :class:`FeaturesCached` events (decision, progress, result).
        check: called between batches while computing (stop/pause); may raise.
    """
    decision = plan_cache(t)
    if decision is None:
        return None
    if isinstance(decision, str):
        _off(emit, decision)
        return None
    return _build(t, decision, emit, check)


def _key(t: CacheRequest, plan: BoundaryPlan, names: list[str], views: dict[str, int], dtype: str) -> FeatureKey:
    modules = [s.module for s in plan.prefix if s.module is not None]
    amp = str(t.amp_dtype).replace("torch.", "") if t.amp_dtype is not None else ""
    return FeatureKey(dataset=dataset_identity(t.dataset, names), weights=weights_hash(modules),
                      boundary=plan.boundary, prefix=tuple(s.path for s in plan.prefix), input_size=int(t.input_size),
                      mean=tuple(t.mean), std=tuple(t.std), views=views, dtype=dtype, amp=amp)


def _build(t: CacheRequest, cache: CachePlan, emit: EmitFn, check: Callable[[], None] | None) -> CachedTraining | None:
    root, key, in_memory = cache.root, cache.key, cache.in_memory
    started = time.perf_counter()
    store = open_store(root, key, in_memory) if root is not None else None
    if store is None:
        nbytes = cache.images * int(np.prod(cache.plan.feature_shape)) * np.dtype(key.dtype).itemsize
        if root is not None and not in_memory and shutil.disk_usage(root.parent).free < nbytes * 1.1 + (256 << 20):
            _off(emit, f"the cached features ({nbytes / 2**20:,.0f} MB) fit neither the memory budget nor "
                       f"the free space in {root}")
            return None
        if root is None and not in_memory:
            _off(emit, "the cached features exceed the memory budget and the cache folder is not writable")
            return None
        store = _compute(t, cache, emit, check)
        if store is None:
            return None
    result = _assemble(t, cache.plan, store, cache.views)
    _report_ready(t, cache.plan, store, emit, time.perf_counter() - started)
    return result


@contextmanager
def prefix_runner(t: CacheRequest, plan: BoundaryPlan) -> Iterator[Callable[[torch.Tensor], torch.Tensor]]:
    """Yield the function computing the frozen prefix's features of a normalised batch.

    It runs without gradients in inference mode, under the run's autocast. On the CPU the
    prefix's weights and the batch are channels-last while it runs (oneDNN's faster layout: 1.6x
    on EfficientNet-Lite0 at 224 px, 1.2-1.7x on the CIFAR nets at 32 px, measured with 2 threads)
    and are put back afterwards; training keeps the layout the settings ask for.
    """
    from cnn_studio.core.training.evaluation import autocast_context

    modules = [s.module for s in plan.prefix if s.module is not None]
    relayout = t.device.type == "cpu" and not t.cfg.channels_last

    def run(x: torch.Tensor) -> torch.Tensor:
        if relayout and x.dim() == 4:
            x = x.contiguous(memory_format=torch.channels_last)
        with autocast_context(t.device, t.amp_dtype):
            return run_prefix(plan.prefix, x)

    if relayout:
        for m in modules:
            m.to(memory_format=torch.channels_last)
    try:
        yield run
    finally:
        if relayout:
            for m in modules:
                m.to(memory_format=torch.contiguous_format)


def feature_source(t: CacheRequest, split: Any) -> Any:
    """The batches features are computed from: ``split`` in order, no augmentation, training batch size.

    The training batch size: the uncached run holds such a batch of activations too, so computing
    the features never raises the peak memory above it (twice the batch did, by 1 GB on Lite0).
    """
    from cnn_studio.core.data.loader import make_loader

    return make_loader(split, batch_size=t.cfg.batch_size, device=t.device, train=False, mean=t.mean, std=t.std,
                       input_size=t.input_size, num_workers=t.cfg.data.num_workers)


def _compute(t: CacheRequest, cache: CachePlan, emit: EmitFn, check: Callable[[], None] | None) -> FeatureStore | None:
    plan, key, root, in_memory = cache.plan, cache.key, cache.root, cache.in_memory
    sources = {n: (lambda s=t.dataset.splits[n]: feature_source(t, s)) for n in cache.names}
    counts = {n: len(t.dataset.splits[n].labels) for n in cache.names}
    state = {"last": 0.0}

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if done == total or now - state["last"] >= PROGRESS_INTERVAL_S:
            state["last"] = now
            emit(FeaturesCached(stage="computing", boundary=plan.boundary, done=done, total=total,
                                message=f"Computing features of the frozen layers: {done:,} of {total:,} images."))

    emit(FeaturesCached(stage="computing", boundary=plan.boundary, done=0, total=cache.images,
                        message=f"Cached features: {plan.reason}."))
    shape = plan.feature_shape
    with prefix_runner(t, plan) as prefix_fn:
        try:
            return compute_store(root, key, sources, counts, prefix_fn, shape, in_memory, progress, check)
        except OSError as exc:
            if not in_memory:
                _off(emit, f"the cached features could not be written to {root} ({exc.strerror or exc})")
                return None
            return compute_store(None, key, sources, counts, prefix_fn, shape, True, progress, check)


def _assemble(t: CacheRequest, plan: BoundaryPlan, store: FeatureStore, views: dict[str, int]) -> CachedTraining:
    cfg = t.cfg
    train_split = t.dataset.splits["train"]
    train_loader = FeatureLoader(store.arrays["train"], train_split.labels, batch_size=cfg.batch_size,
                                 device=t.device, train=True, flip=views["train"] == 2, seed=cfg.seed)
    eval_batch = max(cfg.batch_size, 2 * cfg.batch_size)
    loaders = {n: FeatureLoader(store.arrays[n], t.dataset.splits[n].labels, batch_size=eval_batch,
                                device=t.device, train=False) for n in views if n != "train"}
    return CachedTraining(forward=ChainSuffix(plan.suffix), train_loader=train_loader, loaders=loaders, plan=plan,
                          store=store)


def _report_ready(t: CacheRequest, plan: BoundaryPlan, store: FeatureStore, emit: EmitFn, seconds: float) -> None:
    mb = store.nbytes / 2**20
    where = (f"memory-mapped from {store.folder}" if store.mapped else "in memory")
    how = "loaded from the cache folder (nothing recomputed)" if store.reused else f"computed in {seconds:.1f} s"
    notes = " ".join((*plan.notes, *_augment_notes(t.cfg.data)))
    message = (f"Training on cached features ({mb:,.1f} MB {where}, {how}): {plan.reason}."
               + (f" {notes}" if notes else ""))
    emit(FeaturesCached(stage="reused" if store.reused else "ready", message=message, boundary=plan.boundary,
                        seconds=seconds, megabytes=mb, mapped=store.mapped))


def request_for(ctx: Any) -> CacheRequest:
    """The cache request of a set-up run (``RunContext``)."""
    return CacheRequest(cfg=ctx.cfg, dataset=ctx.dataset, prepared=ctx.prepared, device=ctx.device,
                        mean=tuple(ctx.mean), std=tuple(ctx.std), input_size=int(ctx.input_size),
                        heldout_name=ctx.heldout_name, amp_dtype=ctx.amp_dtype, distributed=ctx.dist.distributed)


def use_cached_features(ctx: Any, emit: EmitFn, check: Callable[[], None] | None = None) -> CachedTraining | None:
    """The engine's hook: train a set-up run (``RunContext``) on cached features when it can.

    On success the context's forward, training loader and held-out loader become the cached ones
    and ``ctx.features`` holds the :class:`CachedTraining` (the test pass uses it too); the model,
    optimizer, schedule and checkpoints are untouched. Returns None (context unchanged) otherwise.
    """
    cached = enable_cached_features(request_for(ctx), emit, check)
    if cached is None:
        return None
    if len(cached.train_loader) != ctx.steps_per_epoch:  # the schedule was built for this many steps
        raise RuntimeError("cached features give another number of batches per epoch")
    ctx.prepared.forward = cached.forward
    ctx.train_loader = cached.train_loader
    if ctx.heldout_name:
        ctx._heldout_loader = cached.loader(ctx.heldout_name)
    ctx.features = cached
    return cached
