"""Train/validation/test splits: the one stratified, seeded split used everywhere.

``stratified_split`` splits a single-folder dataset; ``carve_validation`` sets a validation split
aside from the training images of a train/test folder that has no ``val/``. The scan, the
dataset engine (in-memory and streaming) and every process of a distributed run go through
these, so they all agree on which image is where.
"""

from __future__ import annotations

import random
from typing import Sequence


def stratified_split(files_by_class: list[list[str]], val_fraction: float, test_fraction: float,
                     split_seed: int, classes: list[str]) -> dict[str, list[tuple[str, int]]]:
    """Split each class's files into train/val/test: seeded per class, at least one training image.

    Splits whose fraction is 0 are left out of the result.
    """
    splits: dict[str, list[tuple[str, int]]] = {"train": [], "val": [], "test": []}
    for label, files in enumerate(files_by_class):
        order = list(files)
        random.Random(f"{split_seed}/{classes[label]}").shuffle(order)
        n = len(order)
        n_test = int(round(n * test_fraction))
        n_val = int(round(n * val_fraction))
        while n_test + n_val >= n and n_test + n_val > 0:  # keep at least one training image
            if n_val > 0:
                n_val -= 1
            else:
                n_test -= 1
        for name, part in (("test", order[:n_test]), ("val", order[n_test:n_test + n_val]),
                           ("train", order[n_test + n_val:])):
            splits[name].extend((p, label) for p in sorted(part))
    if val_fraction <= 0:
        splits.pop("val")
    if test_fraction <= 0:
        splits.pop("test")
    return splits


def carve_validation(train: list[tuple[str, int]], classes: Sequence[str], val_fraction: float,
                     split_seed: int = 0) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """Split a validation set off the training images: stratified by class, seeded, deterministic.

    The one place a validation split is carved (folders without ``val/``, and the single-folder
    layout), so the engine, the scan and every process of a distributed run agree. Each class
    gives ``round(n * val_fraction)`` images and keeps at least one for training.

    Returns:
        ``(train, val)``; ``val`` is empty when ``val_fraction`` is 0 or the classes are too small.
    """
    by_class: list[list[str]] = [[] for _ in classes]
    for path, label in train:
        by_class[label].append(path)
    parts = stratified_split(by_class, val_fraction, 0.0, split_seed, list(classes))
    return parts["train"], parts.get("val", [])
