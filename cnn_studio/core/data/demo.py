"""The bundled synthetic demo dataset: coloured shapes and textures at 32 x 32.

Five classes (circle, square, triangle, stripes, checkerboard) drawn with numpy, each varying in
position, size, colours and noise, saved as PNG in ``train/<class>/`` and ``test/<class>/``.
Deterministic for a seed, so ``scripts/make_demo_dataset.py`` reproduces ``resources/demo/``.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image

DEMO_CLASSES = ("checkerboard", "circle", "square", "stripes", "triangle")
SIZE = 32


def _colours(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A background and a clearly different foreground colour."""
    while True:
        bg, fg = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
        if np.abs(bg.astype(int) - fg.astype(int)).sum() > 200:
            return bg.astype(np.float32), fg.astype(np.float32)


def _shape_mask(name: str, rng: np.random.Generator) -> np.ndarray:
    yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32) + 0.5
    r = rng.uniform(5, 11)
    cy, cx = rng.uniform(r + 1, SIZE - r - 1, 2)
    if name == "circle":
        return (yy - cy) ** 2 + (xx - cx) ** 2 <= r * r
    if name == "square":
        angle = rng.uniform(-0.4, 0.4)
        u = (xx - cx) * np.cos(angle) + (yy - cy) * np.sin(angle)
        v = -(xx - cx) * np.sin(angle) + (yy - cy) * np.cos(angle)
        half = r * 0.85
        return (np.abs(u) <= half) & (np.abs(v) <= half)
    if name == "triangle":
        # Upward triangle: below the apex, inside the two slanted edges.
        top, bottom = cy - r, cy + r * 0.8
        half_width = (yy - top) / (bottom - top) * r
        return (yy >= top) & (yy <= bottom) & (np.abs(xx - cx) <= half_width)
    if name == "stripes":
        angle = rng.uniform(0, np.pi)
        period = rng.uniform(4, 8)
        phase = rng.uniform(0, period)
        t = xx * np.cos(angle) + yy * np.sin(angle) + phase
        return (t % period) < period / 2
    if name == "checkerboard":
        cell = rng.integers(3, 7)
        oy, ox = rng.integers(0, cell, 2)
        return (((yy.astype(int) + oy) // cell + (xx.astype(int) + ox) // cell) % 2) == 0
    raise ValueError(name)


def draw_demo_image(name: str, rng: np.random.Generator) -> np.ndarray:
    """Return one ``32 x 32 x 3`` uint8 image of class ``name``."""
    bg, fg = _colours(rng)
    mask = _shape_mask(name, rng)[:, :, None]
    img = np.where(mask, fg, bg)
    img = img + rng.normal(0, rng.uniform(2, 10), img.shape)
    return np.clip(img + 0.5, 0, 255).astype(np.uint8)


def make_demo_dataset(dst: str | os.PathLike, seed: int = 0, train_per_class: int = 240,
                      test_per_class: int = 60) -> Path:
    """Write the demo dataset to ``dst`` (``train/`` and ``test/``, one folder per class).

    Returns:
        The dataset folder.
    """
    root = Path(dst)
    rng = np.random.default_rng(seed)
    for split, count in (("train", train_per_class), ("test", test_per_class)):
        for name in DEMO_CLASSES:
            folder = root / split / name
            folder.mkdir(parents=True, exist_ok=True)
            for i in range(count):
                Image.fromarray(draw_demo_image(name, rng)).save(folder / f"{name}_{i:04d}.png", optimize=True)
    return root
