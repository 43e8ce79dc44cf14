"""Small generated datasets and configs for the training tests (not a test module)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from cnn_studio.core.config import DataConfig, ModelConfig, OptimConfig, TrainConfig

CLASSES = ("red", "green", "blue")


def make_color_dataset(root: Path, per_class: dict[str, int] | None = None, size: int = 16, seed: int = 0) -> Path:
    """Write ``root/{train,val,test}/<class>/*.png``: noisy images whose dominant channel is the class."""
    per_class = per_class or {"train": 24, "val": 8, "test": 8}
    rng = np.random.default_rng(seed)
    for split, count in per_class.items():
        for c, name in enumerate(CLASSES):
            folder = root / split / name
            folder.mkdir(parents=True, exist_ok=True)
            for i in range(count):
                pixels = rng.integers(0, 150, size=(size, size, 3), dtype=np.int64)
                pixels[..., c] += 100
                Image.fromarray(pixels.clip(0, 255).astype(np.uint8)).save(folder / f"{name}_{i}.png")
    return root


def tiny_config(data_root: Path, out_dir: Path | None = None, **top: object) -> TrainConfig:
    """A small, fast run: a narrow simple CNN, Adam, 3 epochs of batch 16 on CPU."""
    cfg = TrainConfig(
        data=DataConfig(root=str(data_root), image_size=16, num_workers=0),
        model=ModelConfig(name="simple_cnn", options={"widths": (8, 16, 16), "hidden": 32, "dropout": 0.0,
                                                      "input_size": 16}),
        optim=OptimConfig(optimizer="adam", lr=3e-3, weight_decay=0.0, schedule="cosine"),
        epochs=3, batch_size=16, seed=1, device="cpu", out_dir=str(out_dir) if out_dir else None,
    )
    return cfg.replace(**top) if top else cfg
