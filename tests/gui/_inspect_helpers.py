"""Shared fixtures for the Inspect/Predict view tests: a tiny checkpoint, images, drops."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from cnn_studio.core.checkpoint import make_checkpoint, save_checkpoint
from cnn_studio.core.models.registry import get_model

CLASSES = ["circle", "square", "stripe"]


def write_checkpoint(folder: Path) -> Path:
    """A tiny simple_cnn checkpoint (random weights, 16 px input)."""
    torch.manual_seed(0)
    options = {"widths": (4, 8, 8), "hidden": 16, "input_size": 16}
    model = get_model("simple_cnn", num_classes=3, **options)
    ckpt = make_checkpoint(model_name="simple_cnn", num_classes=3, class_names=CLASSES,
                           model_state=model.state_dict(), model_options=options,
                           image_size=16, input_size=16, mean=[0.5] * 3, std=[0.25] * 3)
    path = folder / "best.pt"
    save_checkpoint(ckpt, path)
    return path


def write_images(folder: Path, count: int, seed: int = 0, shape: tuple[int, int] = (20, 24)) -> list[Path]:
    """``count`` small random PNGs of ``shape`` (height, width)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    paths = []
    for i in range(count):
        p = folder / f"img_{i:03d}.png"
        Image.fromarray(rng.integers(0, 255, (*shape, 3), dtype=np.uint8)).save(p)
        paths.append(p)
    return paths


def shown(qtbot, widget, width: int, height: int):
    """Show a view for a test; on teardown shut its background jobs down and check none is left."""
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    yield widget
    widget.shutdown()
    assert not widget.is_busy()


def drop_paths(widget, paths) -> bool:
    """Drag ``paths`` (local file URLs) onto ``widget`` and drop them; return the drop's acceptance."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    # QDragEnterEvent takes an integer QPoint in PySide6 <= 6.11 (QPointF only from 6.12 on).
    enter = QDragEnterEvent(pos.toPoint(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    drop = QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    return drop.isAccepted()
