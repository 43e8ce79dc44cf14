"""``open_dataset``: scan a folder, decode it once in processes, cache it, hand out splits.

In memory (the usual case) each split is one ``uint8 N x 3 x S x S`` tensor; when that would
exceed ``DataConfig.memory_budget_mb`` the splits are "streaming": the files are still checked
once (bad files found, statistics computed, the result cached), and batches decode on the fly
in ``DataLoader`` workers (see ``loader.py``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from cnn_studio.core.config import DataConfig
from cnn_studio.core.data import cache
from cnn_studio.core.data.pool import decode_files
from cnn_studio.core.data.scan import (
    FolderListing, ScanReport, choose_working_size, finish_report, list_image_folder, sample_sizes,
    summarize_decoding,
)
from cnn_studio.core.errors import DatasetError
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


def open_dataset(cfg: DataConfig, *, progress: Progress | None = None, cancel: CancelCheck | None = None,
                 workers: int | None = None, in_process_below: int | None = None) -> ImageDataset:
    """Open a dataset folder: from the cache when unchanged, else scan and decode it.

    Args:
        cfg: Folder, working size, split settings, memory budget, cache folder.
        progress: ``progress(done, total)`` while decoding.
        cancel: Returns True to cancel (raises ``Cancelled``).
        workers, in_process_below: Decoder processes and the small-set threshold (tests, benches).

    Raises:
        DatasetError: Missing, empty or unreadable folder, or no usable image.
        Cancelled: Cancelled by the user.
    """
    listing = list_image_folder(cfg.root, val_fraction=cfg.val_fraction, test_fraction=cfg.test_fraction,
                                split_seed=cfg.split_seed, validation=cfg.validation)
    cache_root = cache.cache_dir_for(cfg.cache_dir)
    key = cache.dataset_key(listing.root, listing.file_stats, _settings(cfg, listing))
    path = cache.cache_file(cache_root, listing.root, key)
    stored = cache.read_cache(path, key)
    if stored is not None:
        dataset = _from_cache(listing, stored[0], stored[1], cfg)
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
    _save(path, key, dataset, listing)
    return dataset


def _save(path, key: str, dataset: ImageDataset, listing: FolderListing) -> None:
    start = len(listing.root) + 1
    meta = {
        "key": key,
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


def _from_cache(listing: FolderListing, meta: dict, arrays: list[np.ndarray], cfg: DataConfig) -> ImageDataset | None:
    root = listing.root
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
