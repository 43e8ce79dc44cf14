"""Small shared widgets: an empty-state placeholder, image conversion, a thumbnail grid."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import QLabel, QListView, QListWidget, QListWidgetItem, QSizePolicy, QWidget


class EmptyState(QLabel):
    """A centred grey hint that says what to do next."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setStyleSheet("color: #777; font-size: 15px; padding: 24px;")
        self.setObjectName("emptyState")


def chw_to_qimage(image: Any) -> QImage:
    """Convert a uint8 3xHxW tensor/array (or HxWx3) to a QImage (copied)."""
    array = image.numpy() if hasattr(image, "numpy") else np.asarray(image)
    if array.ndim == 3 and array.shape[0] in (1, 3) and array.shape[-1] not in (1, 3):
        array = np.transpose(array, (1, 2, 0))
    elif array.ndim == 3 and array.shape[0] in (1, 3) and array.shape[2] > 3:
        array = np.transpose(array, (1, 2, 0))
    if array.ndim == 2:
        array = array[:, :, None]
    if array.shape[2] == 1:
        array = np.repeat(array, 3, axis=2)
    array = np.ascontiguousarray(array.astype(np.uint8, copy=False))
    h, w, _ = array.shape
    return QImage(array.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


def path_to_pixmap(path: str, size: int) -> QPixmap:
    """Load an image file as a pixmap scaled to fit ``size`` (empty pixmap if unreadable)."""
    image = QImage(path)
    if image.isNull():
        return QPixmap()
    return QPixmap.fromImage(image.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.SmoothTransformation))


class ThumbnailGrid(QListWidget):
    """An icon-mode list of thumbnails with captions; emits the item's data when clicked."""

    item_activated = Signal(object)

    def __init__(self, icon_size: int = 64, parent: QWidget | None = None, caption_lines: int = 2) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setWrapping(True)
        self.setSpacing(4)
        self.setIconSize(QSize(icon_size, icon_size))
        self._icon_size = icon_size
        self._caption_lines = caption_lines
        self._fit_grid_to_font()
        self.itemClicked.connect(lambda item: self.item_activated.emit(item.data(Qt.ItemDataRole.UserRole)))

    def _fit_grid_to_font(self) -> None:
        """Size each cell for the icon plus ``caption_lines`` lines of the current font (Hangul fonts are taller)."""
        lines = self._caption_lines * self.fontMetrics().lineSpacing()
        self.setGridSize(QSize(self._icon_size + 28, self._icon_size + 12 + lines))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_grid_to_font()

    def add_image(self, image: Any, caption: str, data: Any = None, tooltip: str = "") -> None:
        """Add a thumbnail from a uint8 CHW tensor/array or from a file path."""
        if isinstance(image, str):
            pixmap = path_to_pixmap(image, self._icon_size)
        else:
            pixmap = QPixmap.fromImage(chw_to_qimage(image).scaled(
                self._icon_size, self._icon_size, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.FastTransformation))
        item = QListWidgetItem(QIcon(pixmap), caption)
        item.setData(Qt.ItemDataRole.UserRole, data)
        item.setToolTip(tooltip or caption)
        self.addItem(item)

    def set_picture(self, row: int, image: Any) -> None:
        """Replace the thumbnail of ``row`` with a uint8 CHW/HWC picture (scaled to the icon size)."""
        item = self.item(row)
        if item is None:
            return
        qimage = chw_to_qimage(image).scaled(self._icon_size, self._icon_size, Qt.AspectRatioMode.KeepAspectRatio,
                                             Qt.TransformationMode.SmoothTransformation)
        item.setIcon(QIcon(QPixmap.fromImage(qimage)))

    def icon_image(self, row: int) -> QImage:
        """The thumbnail of ``row`` as a QImage at the icon size (for tests and screenshots)."""
        return self.item(row).icon().pixmap(self._icon_size, self._icon_size).toImage()

    def captions(self) -> list[str]:
        """Return the captions shown, in order."""
        return [self.item(i).text() for i in range(self.count())]

    def item_data(self) -> list[Any]:
        """Return the data of each thumbnail, in order."""
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())]


def text_label(object_name: str, text: str = "") -> QLabel:
    """A word-wrapped label whose text the user can select and copy (summaries, paths, verdicts)."""
    label = QLabel(text)
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def set_names(widget: QWidget, object_name: str, accessible_name: str) -> QWidget:
    """Give a widget its stable objectName and its accessible name; return it."""
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible_name)
    return widget


def format_count(n: int | float) -> str:
    """Format a parameter or image count compactly (1234567 -> '1.23 M')."""
    n = float(n)
    for unit, size in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(n) >= size:
            return f"{n / size:.3g} {unit}"
    return f"{int(n)}"


def format_seconds(seconds: float | None) -> str:
    """Format a duration as h:mm:ss or m:ss ('--' when unknown)."""
    if seconds is None or seconds != seconds or seconds < 0:
        return "--"
    seconds = int(round(seconds))
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def first_attr(obj: Any, names: Sequence[str], default: Any = None) -> Any:
    """Return the first attribute (or mapping key) of ``obj`` that exists and is not None."""
    for name in names:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if value is not None:
            return value
    return default


def plural(n: int, one: str, many: str) -> str:
    """Return '1 epoch' / '3 epochs': ``one`` and ``many`` are already translated words."""
    return f"{n} {one if n == 1 else many}"


def device_text() -> str:
    """What the status bar says about the training device (the GPU's name, or the CPU's threads)."""
    import torch

    if torch.cuda.is_available():
        return f"GPU: {torch.cuda.get_device_name(0)}"
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return "GPU: Apple MPS"
    return QCoreApplication.translate("MainWindow", "CPU ({n} threads)").format(n=torch.get_num_threads())
