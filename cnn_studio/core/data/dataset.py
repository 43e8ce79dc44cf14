"""``open_dataset``: scan a folder, decode it once in processes, cache it, hand out splits.

In memory (the usual case) each split is one ``uint8 N x 3 x S x S`` tensor; when that would
exceed ``DataConfig.memory_budget_mb`` the splits are "streaming": the files are still checked
once (bad files found, statistics computed, the result cached), and batches decode on the fly
in ``DataLoader`` workers (see ``loader.py``).

Reopening: ``open_dataset(cfg, verify="background")`` (the window) loads an unchanged folder from
its cache at once, found by the folder and settings and trusted when the mtimes of the folders
holding the cached files are unchanged; the full check (every file's size and mtime, and the
pixels' checksum) then runs in a background thread. ``dataset.ensure_current()`` waits for that
check and, when the folder changed, decodes it again and returns the new dataset (with a warning
saying so in its report); training calls it before it uses the data.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future, TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch

from cnn_studio.core.config import DataConfig
from cnn_studio.core.data import cache
from cnn_studio.core.data.pool import decode_files
from cnn_studio.core.data.scan import (
    FolderListing, ScanReport, choose_working_size, finish_report, list_image_folder, sample_sizes,
    summarize_decoding,
)
from cnn_studio.core.errors import Cancelled, DatasetError
from cnn_studio.core.progress import CancelCheck, Progress



@dataclass
class Split:
    """One split of a dataset: labels, file paths, and the decoded pixels (None when streaming)."""

    name: str
    paths: list[str]
    labels: torch.Tensor  # int64, N
    images: torch.Tensor | None  # uint8, N x 3 x S x S; None on the streaming path
    image_size: int
    _on_device: dict[str, torch.Tensor] = field(default_factory=dict, repr=False)

    @property
    def streaming(self) -> bool:
        """True when batches are decoded from the files on the fly."""
        return self.images is None

    def __len__(self) -> int:
        return len(self.paths)

    def images_on(self, device: torch.device | str) -> torch.Tensor:
        """Return the pixels on ``device``, copied there once and kept (in-memory path only)."""
        if self.images is None:
            raise ValueError("a streaming split has no decoded images")
        dev = torch.device(device)
        if dev.type == "cpu":
            return self.images
        key = str(dev)
        if key not in self._on_device:
            self._on_device[key] = self.images.to(dev, non_blocking=False)
        return self._on_device[key]


@dataclass
class ImageDataset:
    """A dataset ready for batches: ``splits`` by name (``train``, optional ``val``, ``test``).

    ``splits`` and ``report.splits`` hold the same images: a ``val`` split carved from train (no
    ``val/`` folder; see ``scan.carve_validation``) is already taken out of ``train`` in both, and
    ``val_source`` says where ``val`` came from.
    """

    report: ScanReport
    classes: list[str]
    image_size: int
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    splits: dict[str, Split]
    cache_path: str | None = None
    from_cache: bool = False
    # The background check of a reopened cache (None: checked at open). Its result is None when
    # the folder is unchanged, else a one-sentence warning; ensure_current() acts on it.
    verification: Future | None = field(default=None, repr=False)
    _reopen: dict[str, Any] = field(default_factory=dict, repr=False)
    _replacement: "ImageDataset | None" = field(default=None, repr=False)

    def ensure_current(self, *, progress: Progress | None = None, cancel: CancelCheck | None = None) -> "ImageDataset":
        """Return the dataset to train on: this one when its folder is unchanged, else a fresh one.

        Waits for the background check of a reopened cache; when it found a change (files edited,
        added or removed, or a damaged cache) the folder is decoded again (``progress``,
        ``cancel`` as in :func:`open_dataset`) and the new dataset's report carries a warning.

        Raises:
            Cancelled: ``cancel()`` returned True while waiting or decoding.
            DatasetError: The folder can no longer be opened.
        """
        if self._replacement is not None:
            return self._replacement
        check = self.verification
        if check is None:
            return self
        while True:
            try:
                problem = check.result(timeout=0.05)
                break
            except FutureTimeout:
                if cancel is not None and cancel():
                    raise Cancelled() from None
        if problem is None:
            self.verification = None
            return self
        fresh = open_dataset(self._reopen["cfg"], progress=progress, cancel=cancel, verify="now",
                             workers=self._reopen.get("workers"), in_process_below=self._reopen.get("in_process_below"))
        fresh.report.warnings.insert(0, problem)
        self._replacement = fresh
        return fresh

    @property
    def streaming(self) -> bool:
        """True when the splits are decoded on the fly (too large for the memory budget)."""
        return any(s.streaming for s in self.splits.values())

    @property
    def val_source(self) -> str:
        """Where the ``val`` split comes from: ``folder``, ``carved`` (from train) or ``""`` (none)."""
        return self.report.val_source

    @property
    def num_classes(self) -> int:
        """Number of classes."""
        return len(self.classes)


def _settings(cfg: DataConfig, listing: FolderListing) -> dict[str, Any]:
    return {"image_size": cfg.image_size, "val_fraction": cfg.val_fraction, "test_fraction": cfg.test_fraction,
            "split_seed": cfg.split_seed, "layout": listing.layout, "val_source": listing.val_source}


def _request(cfg: DataConfig) -> dict[str, Any]:
    """The settings that decide a cache's contents, as asked for (before the folder is listed)."""
    return {"image_size": cfg.image_size, "val_fraction": cfg.val_fraction, "test_fraction": cfg.test_fraction,
            "split_seed": cfg.split_seed, "validation": cfg.validation}


def open_dataset(cfg: DataConfig, *, progress: Progress | None = None, cancel: CancelCheck | None = None,
                 workers: int | None = None, in_process_below: int | None = None,
                 verify: str = "now") -> ImageDataset:
    """Open a dataset folder: from the cache when unchanged, else scan and decode it.

    Args:
        cfg: Folder, working size, split settings, memory budget, cache folder.
        progress: ``progress(done, total)`` while decoding.
        cancel: Returns True to cancel (raises ``Cancelled``).
        workers, in_process_below: Decoder processes and the small-set threshold (tests, benches).
        verify: ``"now"``: list the folder (every file's size and mtime) and check the cache
            before returning. ``"background"``: return a cached dataset at once when the folders
            of its files are unchanged, and check the rest in a background thread (see
            ``ImageDataset.verification`` and ``ensure_current``, which training calls).

    Raises:
        DatasetError: Missing, empty or unreadable folder, or no usable image.
        Cancelled: Cancelled by the user.
        ValueError: ``verify`` is neither ``"now"`` nor ``"background"``.
    """
    if verify not in ("now", "background"):
        raise ValueError(f"verify must be 'now' or 'background', not {verify!r}")
    if verify == "background":
        dataset = _reopen_from_cache(cfg)
        if dataset is not None:
            dataset._reopen = {"cfg": cfg, "workers": workers, "in_process_below": in_process_below}
            if progress:
                total = sum(len(s) for s in dataset.splits.values())
                progress(total, total)
            return dataset
    listing = list_image_folder(cfg.root, val_fraction=cfg.val_fraction, test_fraction=cfg.test_fraction,
                                split_seed=cfg.split_seed, validation=cfg.validation)
    cache_root = cache.cache_dir_for(cfg.cache_dir)
    key = cache.dataset_key(listing.root, listing.file_stats, _settings(cfg, listing))
    path = cache.cache_file(cache_root, listing.root, key)
    stored = cache.read_cache(path, key)
    if stored is not None:
        dataset = _from_cache(listing.root, stored[0], stored[1])
        if dataset is not None:
            dataset.cache_path = str(path)
            if progress:
                progress(len(listing.file_stats), len(listing.file_stats))
            return dataset
        cache.discard(path)
    paths = [p for items in listing.splits.values() for p, _ in items]
    size_given = cfg.image_size is not None
    size = cfg.image_size or choose_working_size(sample_sizes(paths))
    streaming = len(paths) * 3 * size * size > cfg.memory_budget_mb * (1 << 20)
    results = decode_files(paths, size, keep_pixels=not streaming, workers=workers,
                           in_process_below=in_process_below, progress=progress, cancel=cancel)
    d = summarize_decoding(paths, results, [p for p, _ in listing.splits.get("train", [])])
    if not any(d.ok.values()):
        raise DatasetError(f"None of the {len(paths)} image files in {listing.root} could be decoded; "
                           "check that they are images (run 'cnn-studio scan' for the reasons).")
    if d.mean is None:
        raise DatasetError(f"The training split of {listing.root} has no usable image; "
                           "add images to the class folders under train.")
    index = {p: i for i, p in enumerate(paths)}
    pixels = None
    if not streaming:
        pixels = torch.from_numpy(np.concatenate([r.pixels for r in results]) if len(results) > 1
                                  else results[0].pixels)
    report = finish_report(listing, d.ok, d.reasons, d.sizes, d.digests, size, d.mean, d.std, size_given)
    splits: dict[str, Split] = {}
    for name, items in report.splits.items():
        rows = [index[p] for p, _ in items]
        images = None
        if pixels is not None:
            contiguous = bool(rows) and rows[-1] - rows[0] == len(rows) - 1
            images = pixels.narrow(0, rows[0], len(rows)) if contiguous else \
                pixels.index_select(0, torch.as_tensor(rows, dtype=torch.int64))
        splits[name] = Split(name, [p for p, _ in items], torch.as_tensor([y for _, y in items], dtype=torch.int64),
                             images, size)
    dataset = ImageDataset(report, report.classes, size, tuple(d.mean), tuple(d.std), splits, str(path), False)
    _save(path, key, dataset, listing, cfg)
    return dataset


def _reopen_from_cache(cfg: DataConfig) -> ImageDataset | None:
    """Return the cached dataset of ``cfg``'s folder, checked in the background; None: no usable cache."""
    root = str(Path(cfg.root).expanduser().resolve()) if cfg.root else ""
    if not root or not os.path.isdir(root):
        return None
    request = _request(cfg)
    for path in cache.caches_of(cache.cache_dir_for(cfg.cache_dir), root):
        stored = cache.read_cache(path, None, check_data=False, map_data=True)
        if stored is None:
            continue
        meta, arrays = stored
        folders = meta.get("folders")
        if meta.get("request") != request or not isinstance(folders, dict):
            continue
        if cache.folder_times(root, list(folders)) != folders:
            continue  # files were added, removed or renamed: list the folder
        dataset = _from_cache(root, meta, arrays)
        if dataset is None:
            continue
        dataset.cache_path = str(path)
        dataset.verification = _in_background(lambda: _check_cache(cfg, meta, arrays))
        return dataset
    return None


def _check_cache(cfg: DataConfig, meta: dict[str, Any], arrays: list[np.ndarray]) -> str | None:
    """The full check of a reopened cache: None when current, else the warning to report."""
    try:
        listing = list_image_folder(cfg.root, val_fraction=cfg.val_fraction, test_fraction=cfg.test_fraction,
                                    split_seed=cfg.split_seed, validation=cfg.validation)
    except DatasetError as exc:
        return f"The dataset folder can no longer be read ({exc})."
    if cache.dataset_key(listing.root, listing.file_stats, _settings(cfg, listing)) != meta.get("key"):
        return ("Files in the dataset folder changed since it was cached (edited, added or removed); "
                "it was decoded again.")
    if not cache.data_checksum_ok(meta, arrays):
        return "The dataset's cache was damaged; the folder was decoded again."
    return None


def _in_background(check: Callable[[], str | None]) -> Future:
    """Run ``check`` in a daemon thread; return its future (an exception becomes a warning)."""
    future: Future = Future()

    def run() -> None:
        future.set_running_or_notify_cancel()
        try:
            future.set_result(check())
        except Exception as exc:  # noqa: BLE001 - any failure means "decode again", with the reason
            future.set_result(f"The dataset's cache could not be checked ({exc}); the folder was decoded again.")

    threading.Thread(target=run, name="cnn-studio-cache-check", daemon=True).start()
    return future


def _save(path, key: str, dataset: ImageDataset, listing: FolderListing, cfg: DataConfig) -> None:
    start = len(listing.root) + 1
    meta = {
        "key": key,
        "request": _request(cfg),
        "folders": cache.folder_times(listing.root, cache.folder_names(listing.root, listing.file_stats)),
        "report": dataset.report.to_json_dict() | {"skipped_files": None},
        "skipped": "\x00".join(p[start:] for p in dataset.report.skipped),
        "image_size": dataset.image_size,
        "streaming": dataset.streaming,
        "splits": {name: "\x00".join(p[start:] for p in s.paths) for name, s in dataset.splits.items()},
    }
    arrays: list[np.ndarray] = []
    for s in dataset.splits.values():
        arrays.append(s.labels.numpy())
        if s.images is not None:
            arrays.append(s.images.numpy())
    try:
        cache.write_cache(path, meta, arrays)
    except OSError:
        dataset.cache_path = None  # a read-only or full disk: work without a cache


def _from_cache(root: str, meta: dict, arrays: list[np.ndarray]) -> ImageDataset | None:
    sep = os.sep

    def _abs(joined: str) -> list[str]:
        return [root + sep + p for p in joined.split("\x00")] if joined else []

    try:
        splits_paths = {name: _abs(joined) for name, joined in meta["splits"].items()}
        size = int(meta["image_size"])
        streaming = bool(meta["streaming"])
        it = iter(arrays)
        splits: dict[str, Split] = {}
        for name, plist in splits_paths.items():
            labels = torch.from_numpy(next(it))
            images = None if streaming else torch.from_numpy(next(it))
            if len(labels) != len(plist) or (images is not None and images.shape[0] != len(plist)):
                return None
            splits[name] = Split(name, plist, labels, images, size)
        report = ScanReport.from_json_dict(
            meta["report"], {n: list(zip(s.paths, s.labels.tolist())) for n, s in splits.items()},
            _abs(meta["skipped"]))
    except (KeyError, TypeError, ValueError, StopIteration):
        return None
    return ImageDataset(report, report.classes, size, tuple(report.mean), tuple(report.std), splits, None, True)
