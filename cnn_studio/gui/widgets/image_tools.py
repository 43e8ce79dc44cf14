"""Numpy pictures -> Qt pixmaps, local file paths from drops, and counted phrases (Inspect, Predict)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Sequence

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


def english_plural(text: str, count: int) -> str:
    """Resolve the "(s)" / "(es)" of an untranslated ``tr("%n file(s)", "", n)`` into correct English.

    ``self.tr(source, "", n)`` replaces ``%n`` and, with a translator loaded, picks the language's
    plural form; without one Qt returns the source text, so "1 file(s)" is fixed up here.
    """
    return re.sub(r"\((e?s)\)", lambda m: "" if count == 1 else m.group(1), text)


def display_names(paths: Sequence[str], dropped_folders: Sequence[str] = ()) -> dict[str, str]:
    """Short unambiguous names: each path relative to the folder all of them (and the drop) share.

    Files of one folder keep their bare names; a dropped folder's tree shows ``cat/img9.jpg``,
    ``cells/img9.jpg`` (forward slashes), so equal file names in different folders stay apart.
    """
    if not paths:
        return {}
    folders = [os.path.dirname(os.path.abspath(p)) for p in paths]
    folders += [os.path.abspath(f) for f in dropped_folders]
    try:
        root = os.path.commonpath(folders)
    except ValueError:  # different drives (Windows): keep the full paths
        return {p: p for p in paths}
    return {p: Path(os.path.relpath(os.path.abspath(p), root)).as_posix() for p in paths}


def natural_key(text: str) -> list:
    """A sort key that orders ``img2`` before ``img10`` (digit runs compare as numbers)."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text.casefold())]
