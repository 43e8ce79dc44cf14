"""Scanning an image folder: layout, classes, splits, odd and bad files, warnings.

Two accepted layouts:

- ``split-dirs``: ``ROOT/train/<class>/*`` and ``ROOT/test/<class>/*`` (optionally ``val/``).
  Without a ``val/`` folder a validation split is carved from train (``carve_validation``), so
  the test split is never used to pick the best epoch unless nothing can be carved.
- ``single-folder``: ``ROOT/<class>/*``, split here into train/val/test, stratified and seeded.

Classes are folder names sorted as torchvision's ``ImageFolder`` sorts them (plain string order),
so class indices match what users know. Hidden files and OS litter are ignored; other non-image
files are "skipped". Files that fail to decode are "problems" with a one-line reason.
"""

from __future__ import annotations

import os
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from cnn_studio.core.data.decode import IMAGE_EXTENSIONS, image_header_size
from cnn_studio.core.data.splits import carve_validation, stratified_split
from cnn_studio.core.errors import DatasetError
from cnn_studio.core.progress import CancelCheck, Progress


SPLIT_DIR_NAMES = {"train": ("train", "training"), "val": ("val", "valid", "validation"),
                   "test": ("test", "testing")}
SPLIT_ORDER = ("train", "val", "test")
OS_LITTER = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db", "icon\r", "__macosx"})
# Working sizes chosen automatically stay within these bounds (large photos -> 256).
AUTO_SIZE_MIN, AUTO_SIZE_MAX = 8, 256
# A class with this many times fewer training images than the largest one is "strong imbalance".
IMBALANCE_RATIO = 3.0


@dataclass(frozen=True)
class Problem:
    """A file that could not be used, with a one-line reason."""

    path: str
    reason: str


@dataclass
class FolderListing:
    """The files of a dataset folder before any decoding."""

    root: str
    layout: str
    classes: list[str]
    splits: dict[str, list[tuple[str, int]]]
    file_stats: dict[str, tuple[int, int]]  # path -> (size in bytes, mtime in ns)
    skipped: list[str]
    problems: list[Problem]
    warnings: list[str]
    val_source: str = ""  # "folder" (a val/ folder), "carved" (split off by val_fraction) or "" (none)


@dataclass
class ScanReport:
    """What is in a dataset folder and what is wrong with it (see ``to_json_dict``)."""

    root: str
    layout: str
    classes: list[str]
    splits: dict[str, list[tuple[str, int]]]
    image_sizes: Counter = field(default_factory=Counter)
    working_size: int | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    mean: tuple[float, float, float] | None = None
    std: tuple[float, float, float] | None = None
    # Where the "val" split comes from: "folder", "carved" (from the training images, by
    # val_fraction, stratified and seeded), or "" when there is none.
    val_source: str = ""

    @property
    def num_images(self) -> int:
        """Usable images over all splits."""
        return sum(len(v) for v in self.splits.values())

    def per_class(self, split: str) -> dict[str, int]:
        """Return ``{class name: image count}`` for a split (every class, zeros included)."""
        counts = Counter(label for _, label in self.splits.get(split, []))
        return {name: counts.get(i, 0) for i, name in enumerate(self.classes)}

    def to_json_dict(self) -> dict[str, Any]:
        """Return the ``scan --json`` object (plain JSON data)."""
        return {
            "root": self.root,
            "layout": self.layout,
            "classes": list(self.classes),
            "splits": {name: {"count": len(items), "per_class": self.per_class(name)}
                       for name, items in self.splits.items()},
            "image_sizes": [{"width": w, "height": h, "count": n}
                            for (w, h), n in self.image_sizes.most_common(10)],
            "working_size": self.working_size,
            "problems": [{"path": p.path, "reason": p.reason} for p in self.problems],
            "warnings": list(self.warnings),
            "skipped": len(self.skipped),
            "skipped_files": list(self.skipped[:200]),
            "mean": list(self.mean) if self.mean else None,
            "std": list(self.std) if self.std else None,
            "val_source": self.val_source,
        }

    @classmethod
    def from_json_dict(cls, data: dict[str, Any], splits: dict[str, list[tuple[str, int]]],
                       skipped: list[str]) -> "ScanReport":
        """Rebuild a report stored in a cache (splits and skipped files are stored apart)."""
        return cls(
            root=data["root"], layout=data["layout"], classes=list(data["classes"]), splits=splits,
            image_sizes=Counter({(d["width"], d["height"]): d["count"] for d in data["image_sizes"]}),
            working_size=data["working_size"],
            problems=[Problem(p["path"], p["reason"]) for p in data["problems"]],
            warnings=list(data["warnings"]), skipped=skipped,
            mean=tuple(data["mean"]) if data.get("mean") else None,
            std=tuple(data["std"]) if data.get("std") else None,
            val_source=str(data.get("val_source", "")),
        )


def _is_ignored(name: str) -> bool:
    return name.startswith(".") or name.lower() in OS_LITTER


def _scandir(path: str, problems: list[Problem]) -> list[os.DirEntry]:
    try:
        with os.scandir(path) as it:
            return list(it)
    except OSError as exc:
        problems.append(Problem(path, f"cannot read the folder ({exc.strerror or exc})"))
        return []


def _collect_files(folder: str, listing_stats: dict, skipped: list[str], problems: list[Problem]) -> list[str]:
    """Image files under ``folder`` (recursive, sorted), recording stats and skipped files.

    The hot loop of a cache hit (one ``stat`` per file), so it is kept tight.
    """
    found: list[tuple[str, int, int]] = []
    exts = IMAGE_EXTENSIONS
    for entry in _scandir(folder, problems):
        name = entry.name
        if name[0] == "." or name.lower() in OS_LITTER:
            continue
        try:
            if entry.is_dir():
                sub = _collect_files(entry.path, listing_stats, skipped, problems)
                found.extend((p, *listing_stats[p]) for p in sub)
                continue
            dot = name.rfind(".")
            if dot <= 0 or name[dot:].lower() not in exts:
                if entry.is_file():
                    skipped.append(entry.path)
                continue
            st = entry.stat()
        except OSError as exc:
            problems.append(Problem(entry.path, f"cannot read the file ({exc.strerror or exc})"))
            continue
        found.append((entry.path, st.st_size, st.st_mtime_ns))
    found.sort()
    for path, size, mtime in found:
        listing_stats.setdefault(path, (size, mtime))
    return [f[0] for f in found]


def _class_dirs(folder: str, problems: list[Problem], skipped: list[str]) -> dict[str, str]:
    dirs: dict[str, str] = {}
    for entry in _scandir(folder, problems):
        if _is_ignored(entry.name):
            continue
        if entry.is_dir():
            dirs[entry.name] = entry.path
        elif entry.is_file():
            skipped.append(entry.path)
    return dirs


def _check_root(root: str | os.PathLike) -> str:
    path = Path(root).expanduser()
    if not str(root):
        raise DatasetError("No dataset folder was given; choose a folder of class sub-folders.")
    if not path.exists():
        raise DatasetError(f"The folder {path} does not exist; check the path.")
    if not path.is_dir():
        raise DatasetError(f"{path} is a file, not a folder; choose the folder that holds the class folders.")
    try:
        os.listdir(path)
    except OSError as exc:
        raise DatasetError(f"The folder {path} cannot be read ({exc.strerror}); check its permissions.") from None
    return str(path.resolve())


def _validation_fallback_warning(val_fraction: float) -> str:
    why = ("val_fraction is 0" if val_fraction <= 0 else
           f"too few training images to set {val_fraction:g} of each class aside")
    return (f"No validation images (no val folder, and {why}): the test split picks the best epoch, so the "
            "test accuracy will look better than it is; add a val folder or raise the validation fraction.")


def list_image_folder(root: str | os.PathLike, *, val_fraction: float = 0.1, test_fraction: float = 0.2,
                      split_seed: int = 0, validation: str = "auto") -> FolderListing:
    """List a dataset folder's images, classes and splits without decoding anything.

    Args:
        root: The dataset folder.
        val_fraction, test_fraction, split_seed: The single-folder split; ``val_fraction`` also
            carves a validation split from train when a train/test folder has no ``val/``.
        validation: The run's ``DataConfig.validation``: ``auto`` and ``val`` carve a validation
            split when there is no ``val/`` folder; ``test`` and ``none`` keep all of train.

    Raises:
        DatasetError: The folder is missing, unreadable, has no class folders or no images.
    """
    root_s = _check_root(root)
    problems: list[Problem] = []
    skipped: list[str] = []
    warnings: list[str] = []
    stats: dict[str, tuple[int, int]] = {}
    top = _class_dirs(root_s, problems, skipped)
    lower = {name.lower(): name for name in top}
    split_dirs = {split: top[lower[n]] for split, names in SPLIT_DIR_NAMES.items() for n in names if n in lower}
    layout = "split-dirs" if "train" in split_dirs and len(split_dirs) > 1 else "single-folder"
    val_source = ""
    if layout == "split-dirs":
        per_split = {s: _class_dirs(split_dirs[s], problems, skipped) for s in SPLIT_ORDER if s in split_dirs}
        names = sorted({c for dirs in per_split.values() for c in dirs})
        files = {s: {c: _collect_files(d[c], stats, skipped, problems) if c in d else [] for c in names}
                 for s, d in per_split.items()}
        classes = [c for c in names if any(files[s][c] for s in files)]
        splits = {s: [(p, i) for i, c in enumerate(classes) for p in files[s][c]] for s in files}
        for c in names:
            if c not in classes:
                warnings.append(f"Class '{c}' has no images and is left out.")
        for s in files:
            missing = [c for c in classes if not files[s][c]]
            for c in missing:
                if s == "train":
                    warnings.append(f"Class '{c}' has images in another split but none in train; "
                                    "the model cannot learn it (its other images count as errors).")
                else:
                    warnings.append(f"Class '{c}' has no images in {s}; it is trained but not measured on {s}.")
        if "val" in splits:
            val_source = "folder"
        elif validation in ("auto", "val"):
            splits["train"], carved = carve_validation(splits["train"], classes, val_fraction, split_seed)
            if carved:
                splits = {"train": splits["train"], "val": carved,
                          **{k: v for k, v in splits.items() if k != "train"}}
                val_source = "carved"
    else:
        base = split_dirs.get("train", root_s) if "train" in split_dirs else root_s
        if base != root_s:
            warnings.append("Only a train folder was found; it is split into train/validation/test here.")
            top = _class_dirs(base, problems, skipped)
        names = sorted(top)
        if not names:
            raise DatasetError(f"{root_s} has no class folders; put images in one sub-folder per class "
                               "(ROOT/<class>/image.png) or in train/ and test/ folders.")
        files_by_name = {c: _collect_files(top[c], stats, skipped, problems) for c in names}
        classes = [c for c in names if files_by_name[c]]
        for c in names:
            if c not in classes:
                warnings.append(f"Class '{c}' has no images and is left out.")
        splits = stratified_split([files_by_name[c] for c in classes], val_fraction, test_fraction,
                                   split_seed, classes)
        val_source = "carved" if splits.get("val") else ""
    if validation == "auto" and not splits.get("val") and splits.get("test") and any(splits.values()):
        warnings.append(_validation_fallback_warning(val_fraction))
    if len(classes) == 1:
        warnings.append(f"Only one class ('{classes[0]}'): a classifier needs at least two; add another class folder.")
    if not any(splits.values()):
        raise DatasetError(f"{root_s} contains no image files ({', '.join(sorted(e[1:] for e in IMAGE_EXTENSIONS))}); "
                           "choose a folder of class sub-folders with images.")
    return FolderListing(root_s, layout, classes, splits, stats, sorted(skipped), problems, warnings, val_source)


def choose_working_size(sizes: Counter) -> int:
    """Return the automatic working size: the shorter side of the most common size, bounded."""
    if not sizes:
        return 32
    (w, h), _ = sizes.most_common(1)[0]
    return int(min(max(min(w, h), AUTO_SIZE_MIN), AUTO_SIZE_MAX))


def sample_sizes(paths: Sequence[str], limit: int = 300, seed: int = 0) -> Counter:
    """Read the header sizes of up to ``limit`` files (a seeded sample): no pixels decoded."""
    chosen = list(paths) if len(paths) <= limit else random.Random(seed).sample(list(paths), limit)
    sizes = Counter(s for s in (image_header_size(p) for p in chosen) if s)
    return sizes


def finish_report(listing: FolderListing, ok: dict[str, bool], reasons: dict[str, str],
                  native_sizes: Counter, digests: dict[str, str], working_size: int,
                  mean: Sequence[float] | None, std: Sequence[float] | None,
                  size_was_given: bool = False) -> ScanReport:
    """Combine a listing and the decode results into a report with all warnings."""
    problems = list(listing.problems) + [Problem(p, r) for p, r in reasons.items()]
    splits = {s: [(p, y) for p, y in items if ok.get(p, False)] for s, items in listing.splits.items()}
    warnings = list(listing.warnings)
    report = ScanReport(listing.root, listing.layout, list(listing.classes), splits, native_sizes,
                        working_size, problems, warnings, list(listing.skipped),
                        tuple(float(v) for v in mean) if mean is not None else None,
                        tuple(float(v) for v in std) if std is not None else None, listing.val_source)
    train_counts = report.per_class("train")
    nonzero = {c: n for c, n in train_counts.items() if n > 0}
    if len(nonzero) > 1:
        big, small = max(nonzero, key=nonzero.get), min(nonzero, key=nonzero.get)
        if nonzero[big] >= IMBALANCE_RATIO * nonzero[small]:
            warnings.append(f"Strong class imbalance: '{big}' has {nonzero[big]} training images, "
                            f"'{small}' only {nonzero[small]}; accuracy alone can mislead, look at per-class results.")
    warnings.extend(_size_warnings(native_sizes, working_size, size_was_given))
    warnings.extend(_leakage_warnings(splits, digests))
    if problems:
        warnings.append(f"{len(problems)} file(s) could not be used and are skipped (see problems).")
    return report


def _size_warnings(native_sizes: Counter, working_size: int, size_was_given: bool) -> list[str]:
    """Say how the images are resized, naming a clamped automatic size."""
    if not native_sizes:
        return []
    (w0, h0), top = native_sizes.most_common(1)[0]
    ws = f"{working_size}x{working_size}"
    short = min(w0, h0)
    clamped = not size_was_given and ((short > AUTO_SIZE_MAX and working_size == AUTO_SIZE_MAX)
                                      or (short < AUTO_SIZE_MIN and working_size == AUTO_SIZE_MIN))
    if clamped:
        target = (f"{ws} (the most common size, {w0}x{h0}, clamped to {working_size} px; "
                  "set image_size to change it)")
    elif size_was_given:
        target = f"the chosen working size {ws}"
    elif working_size == short:
        target = f"the most common (shorter side) working size {ws}"
    else:
        target = f"the automatic working size {ws} (set image_size to change it)"
    if len(native_sizes) > 1:
        if top == 1:  # no size is more common than another: do not name one
            target = f"the chosen working size {ws}" if size_was_given else \
                f"the working size {ws} (set image_size to change it)"
            return [f"Images have {len(native_sizes)} different sizes; all are resized to {target}."]
        common = ", ".join(f"{w}x{h} ({n})" for (w, h), n in native_sizes.most_common(3))
        return [f"Images have {len(native_sizes)} different sizes (most common: {common}); "
                f"all are resized to {target}."]
    if working_size in (w0, h0):
        return []
    if clamped:
        return [f"Images are {w0}x{h0}; they are resized and centre-cropped to {ws} (automatic sizes are clamped "
                f"to {working_size} px; set image_size to change it)."]
    return [f"Images are {w0}x{h0}; they are resized and centre-cropped to {ws}."]


def _leakage_warnings(splits: dict[str, list[tuple[str, int]]], digests: dict[str, str]) -> list[str]:
    train = {digests[p]: p for p, _ in splits.get("train", []) if digests.get(p)}
    out = []
    for s in ("val", "test"):
        dupes = [(p, train[digests[p]]) for p, _ in splits.get(s, []) if digests.get(p) in train]
        if dupes:
            held, orig = dupes[0]
            out.append(f"{len(dupes)} {s} image(s) are exact copies of training images (e.g. {held} = {orig}); "
                       f"{s} accuracy will look better than it is: remove the copies.")
    return out


@dataclass
class DecodeSummary:
    """Per-file outcome of a decode pass, by path, with the training split's channel statistics."""

    ok: dict[str, bool]
    reasons: dict[str, str]
    digests: dict[str, str]
    sizes: Counter  # native (w, h) of the files that decoded
    mean: list[float] | None  # None when no training image decoded
    std: list[float] | None


def summarize_decoding(paths: Sequence[str], results: Sequence[Any], train_paths: Sequence[str]) -> DecodeSummary:
    """Collect ``decode_files`` chunk results (in ``paths`` order) into one summary."""
    ok: dict[str, bool] = {}
    reasons: dict[str, str] = {}
    digests: dict[str, str] = {}
    sizes: Counter = Counter()
    for res in results:
        for j in range(len(res.ok)):
            p = paths[res.start + j]
            ok[p] = bool(res.ok[j])
            digests[p] = res.digests[j]
            if res.ok[j]:
                sizes[res.native_sizes[j]] += 1
            else:
                reasons[p] = res.reasons[j] or "cannot decode the image"
    index = {p: i for i, p in enumerate(paths)}
    rows = np.array([index[p] for p in train_paths if ok.get(p)], np.int64)
    mean = std = None
    if len(rows):
        mean, std = channel_stats(np.concatenate([r.channel_sums for r in results])[rows],
                                  np.concatenate([r.channel_sq_sums for r in results])[rows],
                                  np.concatenate([r.pixel_counts for r in results])[rows])
    return DecodeSummary(ok, reasons, digests, sizes, mean, std)


def channel_stats(sums: np.ndarray, sq_sums: np.ndarray, counts: np.ndarray) -> tuple[list[float], list[float]]:
    """Return per-channel mean and std (0..1) from per-image sums."""
    n = max(int(counts.sum()), 1)
    mean = sums.sum(0) / n
    var = np.maximum(sq_sums.sum(0) / n - mean ** 2, 0.0)
    # A one-colour channel would divide by zero when normalising: floor at one grey level.
    return [float(v) for v in mean], [float(max(v, 1 / 255)) for v in np.sqrt(var)]


def scan_image_folder(root: str | os.PathLike, *, val_fraction: float = 0.1, test_fraction: float = 0.2,
                      split_seed: int = 0, check_images: bool = True, image_size: int | None = None,
                      progress: Progress | None = None, cancel: CancelCheck | None = None,
                      validation: str = "auto") -> ScanReport:
    """Scan a dataset folder and report classes, splits, problems and warnings.

    Args:
        root: The dataset folder.
        val_fraction, test_fraction, split_seed: The split of a single-folder layout.
        check_images: Decode every file (in processes) to find bad ones, exact sizes, duplicates,
            and the training mean/std. False: list files and sample header sizes only.
        image_size: Working size to report; None chooses the most common size.
        progress: ``progress(done, total)`` during decoding.
        cancel: Returns True to cancel (raises ``Cancelled``).
        validation: As ``DataConfig.validation``: whether a validation split is carved from train.

    Raises:
        DatasetError: A missing, empty or unreadable folder.
    """
    listing = list_image_folder(root, val_fraction=val_fraction, test_fraction=test_fraction, split_seed=split_seed,
                                validation=validation)
    paths = [p for items in listing.splits.values() for p, _ in items]
    if not check_images:
        sizes = sample_sizes(paths)
        ok = {p: True for p in paths}
        return finish_report(listing, ok, {}, sizes, {}, image_size or choose_working_size(sizes), None, None,
                             image_size is not None)
    from cnn_studio.core.data.pool import decode_files

    results = decode_files(paths, None, keep_pixels=False, progress=progress, cancel=cancel)
    d = summarize_decoding(paths, results, [p for p, _ in listing.splits.get("train", [])])
    return finish_report(listing, d.ok, d.reasons, d.sizes, d.digests, image_size or choose_working_size(d.sizes),
                         d.mean, d.std, image_size is not None)
