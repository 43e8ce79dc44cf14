"""Cached features of a frozen prefix: their key, their computation, and where they live.

A feature set is one array per split, shaped ``V x N x ...`` (``V`` views of each image: the
image itself and, for training with horizontal flips, its mirror). It is written to
``<cache folder>/features/<key>/`` (one ``.npy`` per split and a ``meta.json`` holding the key's
parts), atomically (a temporary folder renamed into place), and read back either whole into
memory (when it fits the data engine's memory budget) or memory-mapped. The key hashes the
dataset (its cache key, or its paths and labels), the prefix's weights and buffers, the cut
(boundary and prefix paths), the preprocessing (size, mean, std), the views, the storage dtype and
the format version: a change of any part gives another key, and a folder whose ``meta.json`` does
not match its key, or whose arrays do not have the recorded shapes, is never used.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import torch

FORMAT_VERSION = 1
KEEP_FEATURE_SETS = 8  # older feature folders are deleted (most recently used kept)
FP16_MAX = 65504.0

ProgressFn = Callable[[int, int], None]


def weights_hash(modules: Sequence[torch.nn.Module]) -> str:
    """Hash the parameters and buffers (names, shapes, dtypes, values) of ``modules``."""
    h = hashlib.blake2b(digest_size=16)
    seen: set[int] = set()
    for index, module in enumerate(modules):
        if id(module) in seen:
            continue
        seen.add(id(module))
        for name, tensor in list(module.named_parameters()) + list(module.named_buffers()):
            t = tensor.detach().to("cpu").contiguous()
            h.update(f"{index}:{name}:{tuple(t.shape)}:{t.dtype}".encode())
            h.update(t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b"")
    return h.hexdigest()


def dataset_identity(dataset: Any, split_names: Sequence[str]) -> str:
    """Return a string that changes whenever the dataset's images or splits change.

    The decoded-data cache key (in the cache file's name) covers every file's size and mtime;
    the split paths and labels are hashed too (they also depend on the split settings). Without a
    cache file, the decoded pixels themselves are hashed.
    """
    h = hashlib.blake2b(digest_size=16)
    cache_path = getattr(dataset, "cache_path", None)
    h.update(f"cache:{Path(cache_path).name if cache_path else ''}:size:{dataset.image_size}".encode())
    for name in split_names:
        split = dataset.splits[name]
        h.update(("\n".join(split.paths) + f"\x00{name}").encode("utf-8", "surrogateescape"))
        h.update(split.labels.numpy().astype(np.int64).tobytes())
        if not cache_path and split.images is not None:
            h.update(split.images.numpy().tobytes())
    return h.hexdigest()


@dataclass(frozen=True)
class FeatureKey:
    """Every input that determines the cached features."""

    dataset: str
    weights: str
    boundary: str
    prefix: tuple[str, ...]
    input_size: int
    mean: tuple[float, ...]
    std: tuple[float, ...]
    views: dict[str, int]  # split name -> number of views (1, or 2 with the mirror)
    dtype: str  # "float32" or "float16"
    amp: str  # autocast dtype of the computation ("" for none)

    def parts(self) -> dict[str, Any]:
        """Plain JSON data of the key (stored in meta.json)."""
        return {"version": FORMAT_VERSION, "dataset": self.dataset, "weights": self.weights,
                "boundary": self.boundary, "prefix": list(self.prefix), "input_size": self.input_size,
                "mean": [round(float(v), 8) for v in self.mean], "std": [round(float(v), 8) for v in self.std],
                "views": dict(sorted(self.views.items())), "dtype": self.dtype, "amp": self.amp}

    def digest(self) -> str:
        """The folder name: a hash of :meth:`parts`."""
        return hashlib.blake2b(json.dumps(self.parts(), sort_keys=True).encode(), digest_size=12).hexdigest()


def choose_dtype(elements: int, budget_bytes: int) -> tuple[str, bool]:
    """Return (storage dtype, in memory): fp32 when it fits the budget, else fp16, else fp16 mapped."""
    if elements * 4 <= budget_bytes:
        return "float32", True
    return "float16", elements * 2 <= budget_bytes


class FeatureStore:
    """The cached features of one run: ``arrays[split]`` shaped ``V x N x ...`` (numpy, maybe mapped)."""

    def __init__(self, folder: Path | None, arrays: dict[str, np.ndarray], reused: bool) -> None:
        self.folder = folder
        self.arrays = arrays
        self.reused = reused

    @property
    def nbytes(self) -> int:
        """Bytes of all arrays."""
        return sum(int(a.nbytes) for a in self.arrays.values())

    @property
    def mapped(self) -> bool:
        """True when the arrays are memory-mapped from the cache folder."""
        return any(isinstance(a, np.memmap) for a in self.arrays.values())


def features_root(cache_dir: str | os.PathLike | None) -> Path:
    """Return ``<data cache folder>/features``."""
    from cnn_studio.core.data.cache import cache_dir_for

    return cache_dir_for(cache_dir) / "features"


def store_exists(root: Path, key: FeatureKey) -> bool:
    """True when ``root`` holds a feature set written for ``key`` (its arrays are checked on opening)."""
    folder = root / key.digest()
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return meta.get("key") == key.parts() and all((folder / f"{n}.npy").is_file() for n in key.views)


def open_store(root: Path, key: FeatureKey, in_memory: bool) -> FeatureStore | None:
    """Return the stored features for ``key``, or None when absent, stale or damaged (then deleted)."""
    folder = root / key.digest()
    meta_path = folder / "meta.json"
    if not meta_path.is_file():
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("key") != key.parts():
            raise ValueError("key mismatch")
        arrays = {}
        for name, shape in meta["shapes"].items():
            array = np.load(folder / f"{name}.npy", mmap_mode="r")
            if list(array.shape) != list(shape) or array.dtype != np.dtype(key.dtype):
                raise ValueError("shape mismatch")
            arrays[name] = np.array(array) if in_memory else array
    except (OSError, ValueError, KeyError, TypeError):
        shutil.rmtree(folder, ignore_errors=True)
        return None
    os.utime(meta_path)  # most recently used: kept by the pruning
    return FeatureStore(folder, arrays, reused=True)


def _prune(root: Path, keep: int = KEEP_FEATURE_SETS) -> None:
    entries = [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")]
    stamped = []
    for p in entries:
        try:
            stamped.append(((p / "meta.json").stat().st_mtime, p))
        except OSError:
            stamped.append((0.0, p))
    for _, p in sorted(stamped, reverse=True)[keep:]:
        shutil.rmtree(p, ignore_errors=True)
    for p in root.glob(".tmp-*"):  # a crash mid-write leaves one; an hour is far past any write
        if time.time() - p.stat().st_mtime > 3600:
            shutil.rmtree(p, ignore_errors=True)


def compute_store(root: Path | None, key: FeatureKey, sources: dict[str, Callable[[], Any]],
                  counts: dict[str, int], prefix_fn: Callable[[torch.Tensor], torch.Tensor],
                  feature_shape: tuple[int, ...], in_memory: bool, progress: ProgressFn | None = None,
                  check: Callable[[], None] | None = None) -> FeatureStore:
    """Compute the features of every split and store them (under ``root`` when given).

    Args:
        root: the features folder; None keeps them in memory only (a read-only cache folder).
        sources: split name -> a function returning an iterable of ``(x, y)`` normalised batches in
            the split's order (the evaluation loader).
        counts: split name -> number of images.
        prefix_fn: the frozen prefix (no grad, inference mode).
        feature_shape: the shape of one image's features.
        in_memory: keep the result in memory (else memory-map the written files).
        progress: ``progress(done, total)`` in images (views counted).
        check: called between batches (stop/pause); may raise.
    """
    dtype = np.dtype(key.dtype)
    tmp = None
    if root is not None:
        root.mkdir(parents=True, exist_ok=True)
        tmp = root / f".tmp-{key.digest()}-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
    total = sum(counts[n] * key.views[n] for n in sources)
    done = 0
    arrays: dict[str, np.ndarray] = {}
    try:
        for name, batches in sources.items():
            shape = (key.views[name], counts[name], *feature_shape)
            if tmp is not None:
                out = np.lib.format.open_memmap(tmp / f"{name}.npy", mode="w+", dtype=dtype, shape=shape)
            else:
                out = np.empty(shape, dtype=dtype)
            row = 0
            for x, _ in batches():
                if check is not None:
                    check()
                n = x.shape[0]
                for view in range(key.views[name]):
                    feats = prefix_fn(x.flip(-1) if view == 1 else x).float()
                    if dtype == np.float16:
                        feats = feats.clamp_(-FP16_MAX, FP16_MAX)
                    out[view, row:row + n] = feats.cpu().numpy().astype(dtype, copy=False)
                    done += n
                    if progress is not None:
                        progress(done, total)
                row += n
            if row != counts[name]:
                raise RuntimeError(f"split {name}: {row} images read, {counts[name]} expected")
            if isinstance(out, np.memmap):
                out.flush()
            arrays[name] = out
        if tmp is None:
            return FeatureStore(None, arrays, reused=False)
        meta = {"key": key.parts(), "shapes": {n: list(a.shape) for n, a in arrays.items()}}
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        arrays.clear()
        final = root / key.digest()
        shutil.rmtree(final, ignore_errors=True)
        os.replace(tmp, final)
        tmp = None
        _prune(root)
        store = open_store(root, key, in_memory)
        if store is None:
            raise OSError(f"the features written to {final} could not be read back")
        store.reused = False
        return store
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
