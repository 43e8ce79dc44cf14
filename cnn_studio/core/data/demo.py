"""The bundled synthetic demo dataset: shapes and textures at 32 x 32, drawn with numpy.

Five classes, chosen so the default model (``simple_cnn``, its recipe's 10 epochs) gets well above
90 % in seconds on a CPU, and so each teaches something in the Inspect and Results views:

- ``circle``, ``square``, ``triangle``: filled shapes that differ only in their outline (round,
  four corners, three corners). Position, size, rotation and colours vary, so the network has to
  learn edges and corners, not where or which colour.
- ``stripes`` and ``checkerboard``: textures that fill the image; the first layer's filters and
  activations show oriented-edge and corner detectors for them.

Every image has a random background and a clearly different foreground colour (either may be the
brighter one), plus mild noise: colour never gives the class away. Shapes are large (side or
diameter 16-25 px) and squares turn at most about 9 degrees, so a square's corners survive the
2x2 poolings (smaller squares turned up to 23 degrees looked like circles and scored 10-13 %).

Deterministic for a seed, so ``scripts/make_demo_dataset.py`` reproduces ``resources/demo/``.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image

DEMO_CLASSES = ("checkerboard", "circle", "square", "stripes", "triangle")
SIZE = 32
TRAIN_PER_CLASS = 240
TEST_PER_CLASS = 60


def _colours(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A background and a foreground colour that differ clearly in brightness."""
    while True:
        bg, fg = rng.integers(0, 256, 3).astype(np.float32), rng.integers(0, 256, 3).astype(np.float32)
        if abs(float(bg.mean() - fg.mean())) > 60 and np.abs(bg - fg).sum() > 200:
            return bg, fg


def _grid() -> tuple[np.ndarray, np.ndarray]:
    yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32) + 0.5
    return yy, xx


def _shape_mask(name: str, rng: np.random.Generator) -> np.ndarray:
    """Boolean ``SIZE x SIZE`` mask of one shape or texture."""
    yy, xx = _grid()
    r = rng.uniform(8, 12.5)  # half of the side / the radius: 16-25 px across
    cy, cx = rng.uniform(r + 2, SIZE - r - 2, 2)
    if name == "circle":
        return (yy - cy) ** 2 + (xx - cx) ** 2 <= r * r
    if name == "square":
        angle = rng.uniform(-0.15, 0.15)
        u = (xx - cx) * np.cos(angle) + (yy - cy) * np.sin(angle)
        v = -(xx - cx) * np.sin(angle) + (yy - cy) * np.cos(angle)
        return (np.abs(u) <= r * 0.9) & (np.abs(v) <= r * 0.9)
    if name == "triangle":
        # Upward triangle: below the apex, inside the two slanted edges.
        top, bottom = cy - r, cy + r * 0.85
        half_width = (yy - top) / (bottom - top) * r * 1.1
        return (yy >= top) & (yy <= bottom) & (np.abs(xx - cx) <= half_width)
    if name == "stripes":
        angle = rng.uniform(0, np.pi)
        period = rng.uniform(5, 9)
        t = xx * np.cos(angle) + yy * np.sin(angle) + rng.uniform(0, period)
        return (t % period) < period / 2
    if name == "checkerboard":
        cell = int(rng.integers(3, 7))
        oy, ox = rng.integers(0, cell, 2)
        return (((yy.astype(int) + oy) // cell + (xx.astype(int) + ox) // cell) % 2) == 0
    raise ValueError(f"unknown demo class {name!r}")


def draw_demo_image(name: str, rng: np.random.Generator) -> np.ndarray:
    """Return one ``32 x 32 x 3`` uint8 image of class ``name``."""
    bg, fg = _colours(rng)
    mask = _shape_mask(name, rng)[:, :, None]
    img = np.where(mask, fg, bg)
    img = img + rng.normal(0, rng.uniform(2, 6), img.shape)
    return np.clip(img + 0.5, 0, 255).astype(np.uint8)


def make_demo_dataset(dst: str | os.PathLike, seed: int = 0, train_per_class: int = TRAIN_PER_CLASS,
                      test_per_class: int = TEST_PER_CLASS) -> Path:
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
