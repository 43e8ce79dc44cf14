"""Numpy pictures -> Qt pixmaps, and local file paths from drops (shared by Inspect and Predict)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QImage, QPixmap

from cnn_studio.gui.widgets.common import chw_to_qimage


def float_to_uint8(image: np.ndarray, lo: float | None = None, hi: float | None = None) -> np.ndarray:
    """Scale a float picture to uint8 using ``[lo, hi]`` (default: its own range)."""
    a = np.asarray(image, dtype=np.float32)
    lo = float(a.min()) if lo is None else lo
    hi = float(a.max()) if hi is None else hi
    if hi - lo <= 1e-12:
        return np.zeros(a.shape, dtype=np.uint8)
    return (np.clip((a - lo) / (hi - lo), 0, 1) * 255).round().astype(np.uint8)


def array_to_pixmap(image: np.ndarray, *, scale: int = 1, width: int | None = None,
                    smooth: bool = False) -> QPixmap:
    """uint8 (H, W) or (H, W, 3) -> pixmap, enlarged by ``scale`` or to ``width`` pixels."""
    a = np.asarray(image)
    if a.dtype != np.uint8:
        a = float_to_uint8(a, 0.0, 1.0)
    qimage: QImage = chw_to_qimage(a if a.ndim == 3 else np.repeat(a[:, :, None], 3, axis=2))
    mode = Qt.TransformationMode.SmoothTransformation if smooth else Qt.TransformationMode.FastTransformation
    if width is not None and width > 0:
        qimage = qimage.scaledToWidth(width, mode)
    elif scale > 1:
        qimage = qimage.scaled(qimage.width() * scale, qimage.height() * scale,
                               Qt.AspectRatioMode.KeepAspectRatio, mode)
    return QPixmap.fromImage(qimage)


def local_paths(mime: QMimeData) -> list[str]:
    """The local files and folders in a drop (other URLs are ignored)."""
    if not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]


def has_local_paths(mime: QMimeData) -> bool:
    """True when a drag carries at least one existing local file or folder."""
    return any(Path(p).exists() for p in local_paths(mime))
