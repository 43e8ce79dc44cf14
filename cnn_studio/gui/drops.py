"""What the main window does with files and folders dropped on it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from cnn_studio.gui.widgets.image_tools import english_plural

if TYPE_CHECKING:
    from cnn_studio.gui.main_window import MainWindow

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"}


class DropRouter(QObject):
    """Sends dropped paths to the Dataset view (folders) or the Predict view (images)."""

    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.w = window

    def handle(self, paths: list[str]) -> str:
        """Open or classify what was dropped; say what happened in the status bar and return that text.

        The rule: on the Predict tab every dropped image and folder is classified. On any other tab
        a dropped folder opens as a dataset (the first one, if several), and dropped image files (with
        no folder) go to the Predict tab and are classified.
        """
        w = self.w
        folders = [p for p in paths if Path(p).is_dir()]
        images = [p for p in paths if Path(p).is_file() and Path(p).suffix.lower() in IMAGE_SUFFIXES]
        can_predict = hasattr(w.predict_view, "add_paths")
        if w.tabs.currentWidget() is w.predict_view and can_predict and (folders or images):
            w.predict_view.add_paths(images + folders)
            message = self.tr("Classifying what was dropped (on the Predict tab drops are classified; "
                              "drop a folder on another tab to open it as a dataset).")
        elif folders:
            w.open_dataset(folders[0])
            message = self.tr("Opening {name} as a dataset (drop images, or drop on the Predict tab, "
                              "to classify them).").format(name=Path(folders[0]).name)
            if len(folders) > 1:
                message += " " + self.tr("Only the first folder is opened.")
        elif images and can_predict:
            w.tabs.setCurrentWidget(w.predict_view)
            w.predict_view.add_paths(images)
            message = english_plural(self.tr("Classifying %n image(s) in the Predict tab.", "", len(images)),
                                     len(images))
        else:
            message = self.tr("Nothing to open: drop a dataset folder, or image files to classify them.")
        w.statusBar().showMessage(message, 10000)
        return message
