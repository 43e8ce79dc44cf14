"""Menus, toolbar and shortcuts of the main window."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QStyle

from cnn_studio.gui.i18n import add_language_menu

if TYPE_CHECKING:
    from cnn_studio.gui.main_window import MainWindow


class WindowActions(QObject):
    """Creates the window's QActions, menus and toolbar; keeps their enabled state current."""

    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.w = window
        style = window.style()

        def action(text: str, name: str, slot, shortcut=None, icon=None) -> QAction:
            a = QAction(text, window)
            a.setObjectName(name)
            if shortcut is not None:
                a.setShortcut(QKeySequence(shortcut))
            if icon is not None:
                a.setIcon(style.standardIcon(icon))
            a.triggered.connect(slot)
            return a

        sp = QStyle.StandardPixmap
        self.open_dataset = action(self.tr("&Open dataset…"), "actionOpenDataset", window.choose_dataset,
                                   QKeySequence.StandardKey.Open, sp.SP_DirOpenIcon)
        self.open_demo = action(self.tr("Open &demo dataset"), "actionOpenDemo", window.open_demo)
        self.open_run = action(self.tr("Open run &folder…"), "actionOpenRun", window.runs_view.choose_run_folder)
        self.load_config = action(self.tr("&Load config…"), "actionLoadConfig", window.load_config)
        self.save_config = action(self.tr("&Save config…"), "actionSaveConfig", window.save_config,
                                  QKeySequence.StandardKey.Save)
        self.export = action(self.tr("&Export for a server (config + torchrun)…"), "actionExport",
                             window.export_for_server)
        self.quit = action(self.tr("&Quit"), "actionQuit", window.close, QKeySequence.StandardKey.Quit)
        self.start = action(self.tr("&Start training"), "actionStart", window.start_training, "F5", sp.SP_MediaPlay)
        self.pause = action(self.tr("&Pause / resume"), "actionPause", self._toggle_pause, "F6", sp.SP_MediaPause)
        self.stop = action(self.tr("S&top training"), "actionStop", window.controller.stop, "Shift+F5", sp.SP_MediaStop)
        self.start.setShortcuts([QKeySequence("F5"), QKeySequence("Ctrl+Return")])

        bar = window.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        file_menu.addActions([self.open_dataset, self.open_demo])
        self.recent_menu = file_menu.addMenu(self.tr("Recent datasets"))
        self.recent_menu.setObjectName("recentMenu")
        file_menu.addSeparator()
        file_menu.addActions([self.open_run, self.load_config, self.save_config, self.export])
        file_menu.addSeparator()
        file_menu.addAction(self.quit)
        train_menu = bar.addMenu(self.tr("&Train"))
        train_menu.addActions([self.start, self.pause, self.stop])
        view_menu = bar.addMenu(self.tr("&View"))
        for i in range(window.tabs.count()):
            a = action(window.tabs.tabText(i), f"actionView{i}", lambda _=False, i=i: window.tabs.setCurrentIndex(i),
                       f"Ctrl+{i + 1}")
            view_menu.addAction(a)
        view_menu.addSeparator()
        add_language_menu(view_menu, window.settings.path)  # View > Language (System / English / 한국어)
        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(action(self.tr("&About CNN Studio"), "actionAbout", self._about))

        toolbar = window.addToolBar(self.tr("Main"))
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.addActions([self.open_dataset, self.start, self.pause, self.stop])

    def _toggle_pause(self) -> None:
        c = self.w.controller
        if c.state == "paused":
            c.resume()
        else:
            c.pause()

    def _about(self) -> None:
        from cnn_studio import __version__

        QMessageBox.about(self.w, self.tr("About CNN Studio"),
                          self.tr("CNN Studio {v}\nTrain and understand convolutional networks with PyTorch.").format(
                              v=__version__))

    def refresh_recent(self) -> None:
        """Rebuild the Recent datasets menu from the settings."""
        self.recent_menu.clear()
        for path in self.w.settings.recent_datasets():
            a = self.recent_menu.addAction(path)
            a.setEnabled(Path(path).is_dir())
            a.triggered.connect(lambda _=False, p=path: self.w.open_dataset(p))
        self.recent_menu.setEnabled(not self.recent_menu.isEmpty())

    def update_enabled(self, state: str, ready_reason: str) -> None:
        """Enable Start/Pause/Stop for the controller's state."""
        self.start.setEnabled(state == "idle" and not ready_reason)
        self.pause.setEnabled(state in ("training", "paused"))
        self.stop.setEnabled(state in ("training", "paused"))
        self.open_dataset.setEnabled(state == "idle")
