"""Datasets: scanning image folders, decoding into cached tensors, batches.

The public names load lazily (``from cnn_studio.core.data import open_dataset``): decoder worker
processes import ``cnn_studio.core.data.decode`` and must not pay for torch.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "scan_image_folder": "scan", "ScanReport": "scan", "Problem": "scan",
    "decode_image": "decode", "ImageDecodeError": "decode", "IMAGE_EXTENSIONS": "decode",
    "open_dataset": "dataset", "ImageDataset": "dataset", "Split": "dataset",
    "make_loader": "loader", "BatchLoader": "loader", "AugmentSpec": "loader", "normalize_batch": "loader",
    "convert_cifar": "cifar", "download_cifar10": "cifar",
    "make_demo_dataset": "demo",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
