"""Cells of the Predict view's table: numbers sort as numbers, file names naturally."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidgetItem

from cnn_studio.gui.widgets.image_tools import natural_key


class NumberItem(QTableWidgetItem):
    """A table cell that sorts by a number, not by its text."""

    def __init__(self, text: str, value: float) -> None:
        super().__init__(text)
        self.setData(Qt.ItemDataRole.UserRole, value)

    def __lt__(self, other: QTableWidgetItem) -> bool:  # noqa: D105
        return float(self.data(Qt.ItemDataRole.UserRole)) < float(other.data(Qt.ItemDataRole.UserRole))


class FileItem(QTableWidgetItem):
    """A file-name cell that sorts naturally (img2 before img10); the full path is its user data."""

    def __init__(self, name: str, path: str) -> None:
        super().__init__(name)
        self.setData(Qt.ItemDataRole.UserRole, path)
        self.setToolTip(path)
        self._key = natural_key(name)

    def __lt__(self, other: QTableWidgetItem) -> bool:  # noqa: D105
        return self._key < getattr(other, "_key", natural_key(other.text()))
