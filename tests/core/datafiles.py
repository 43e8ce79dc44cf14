"""Helpers that write small image folders (and odd files) for the data tests."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image


def solid(colour, size=(8, 8)) -> Image.Image:
    """An RGB image of one colour."""
    return Image.new("RGB", size, tuple(colour))


def write_png(path: Path, colour=(200, 30, 30), size=(8, 8), seed: int | None = None) -> Path:
    """Write a PNG; with a seed, random pixels (so files differ)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if seed is None:
        img = solid(colour, size)
    else:
        rng = np.random.default_rng(seed)
        img = Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8))
    img.save(path)
    return path


def make_split_dirs(root: Path, classes=("cat", "dog"), train=4, test=2, size=(8, 8), val=0) -> Path:
    """ROOT/train/<class>/*.png and ROOT/test/<class>/*.png with distinct random pixels."""
    seed = 0
    for split, count in (("train", train), ("test", test), ("val", val)):
        for c in classes:
            for i in range(count):
                seed += 1
                write_png(root / split / c / f"{c}_{i}.png", size=size, seed=seed)
    return root


def make_single_folder(root: Path, counts: dict[str, int], size=(8, 8)) -> Path:
    """ROOT/<class>/*.png with distinct random pixels."""
    seed = 1000
    for c, n in counts.items():
        for i in range(n):
            seed += 1
            write_png(root / c / f"img_{i:03d}.png", size=size, seed=seed)
    return root


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def bomb_png_bytes(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header claims ``width x height`` pixels (a decompression bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def count_decodes(monkeypatch) -> list[int]:
    """Count the images each ``decode_files`` call of the dataset opener decodes (the list grows per call)."""
    from cnn_studio.core.data import dataset as dataset_mod

    calls: list[int] = []
    real = dataset_mod.decode_files

    def counting(paths, *a, **k):
        calls.append(len(paths))
        return real(paths, *a, **k)

    monkeypatch.setattr(dataset_mod, "decode_files", counting)
    return calls
