"""What the main window does with files and folders dropped on it."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QTabWidget

from cnn_studio.core.data.decode import is_image_name
from cnn_studio.gui.views.predict_view import PredictView
from cnn_studio.gui.widgets.image_tools import english_plural


class DropRouter(QObject):
    """Sends dropped paths to ``open_folder`` (folders: a dataset) or the Predict view (images).

    ``message(text)`` says what happened (the window shows it in the status bar).
    """

    message = Signal(str)

    def __init__(self, tabs: QTabWidget, predict_view: PredictView, open_folder: Callable[[str], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tabs, self._predict_view, self._open_folder = tabs, predict_view, open_folder

    def handle(self, paths: list[str]) -> str:
        """Open or classify what was dropped; say what happened in the status bar and return that text.

        The rule: on the Predict tab every dropped image and folder is classified. On any other tab
        a dropped folder opens as a dataset (the first one, if several), and dropped image files (with
        no folder) go to the Predict tab and are classified.
        """
        tabs, predict = self._tabs, self._predict_view
        folders = [p for p in paths if Path(p).is_dir()]
        images = [p for p in paths if Path(p).is_file() and is_image_name(Path(p).name)]
        if tabs.currentWidget() is predict and (folders or images):
            predict.add_paths(images + folders)
            message = self.tr("Classifying what was dropped (on the Predict tab drops are classified; "
                              "drop a folder on another tab to open it as a dataset).")
        elif folders:
            self._open_folder(folders[0])
            message = self.tr("Opening {name} as a dataset (drop images, or drop on the Predict tab, "
                              "to classify them).").format(name=Path(folders[0]).name)
            if len(folders) > 1:
                message += " " + self.tr("Only the first folder is opened.")
        elif images:
            tabs.setCurrentWidget(predict)
            predict.add_paths(images)
            message = english_plural(self.tr("Classifying %n image(s) in the Predict tab.", "", len(images)),
                                     len(images))
        else:
            message = self.tr("Nothing to open: drop a dataset folder, or image files to classify them.")
        self.message.emit(message)
        return message
