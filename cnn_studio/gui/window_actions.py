"""Menus, toolbar and shortcuts of the main window."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QStyle, QTabWidget

from cnn_studio.core.session import TrainingState
from cnn_studio.gui.i18n import add_language_menu
from cnn_studio.gui.settings import AppSettings


@dataclass(frozen=True)
class WindowCommands:
    """What the menus and the toolbar trigger (plain callables, wired by the main window)."""

    open_dataset: Callable[[], None]
    open_folder: Callable[[str], None]  # a recent dataset
    open_demo: Callable[[], None]
    open_run: Callable[[], None]
    load_config: Callable[[], None]
    save_config: Callable[[], None]
    export: Callable[[], None]
    export_model: Callable[[], None]  # the selected run's model as ONNX / TorchScript
    quit: Callable[[], None]
    start: Callable[[], None]
    toggle_pause: Callable[[], None]
    stop: Callable[[], None]


class WindowActions(QObject):
    """Creates the QActions, menus and toolbar of ``host``; keeps their enabled state current.

    Args:
        host: the main window the menu bar and toolbar belong to.
        tabs: the tab widget the View menu switches.
        settings: the recent datasets.
        commands: what each action triggers.
    """

    def __init__(self, host: QMainWindow, tabs: QTabWidget, settings: AppSettings, commands: WindowCommands) -> None:
        super().__init__(host)
        self._host, self._settings, self._commands = host, settings, commands
        window = host
        style = host.style()

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
        self.open_dataset = action(self.tr("&Open dataset…"), "actionOpenDataset", commands.open_dataset,
                                   QKeySequence.StandardKey.Open, sp.SP_DirOpenIcon)
        self.open_demo = action(self.tr("Open &demo dataset"), "actionOpenDemo", commands.open_demo)
        self.open_run = action(self.tr("Open run &folder…"), "actionOpenRun", commands.open_run)
        self.load_config = action(self.tr("&Load config…"), "actionLoadConfig", commands.load_config)
        self.save_config = action(self.tr("&Save config…"), "actionSaveConfig", commands.save_config,
                                  QKeySequence.StandardKey.Save)
        self.export = action(self.tr("&Export for a server (config + torchrun)…"), "actionExport",
                             commands.export)
        self.export_model = action(self.tr("Export &model (ONNX, TorchScript)…"), "actionExportModel",
                                   commands.export_model)
        self.quit = action(self.tr("&Quit"), "actionQuit", commands.quit, QKeySequence.StandardKey.Quit)
        self.start = action(self.tr("&Start training"), "actionStart", commands.start, "F5", sp.SP_MediaPlay)
        self.pause = action(self.tr("&Pause / resume"), "actionPause", commands.toggle_pause, "F6", sp.SP_MediaPause)
        self.stop = action(self.tr("S&top training"), "actionStop", commands.stop, "Shift+F5", sp.SP_MediaStop)
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
        runs_menu = bar.addMenu(self.tr("&Runs"))
        runs_menu.setObjectName("runsMenu")
        runs_menu.addActions([self.open_run, self.export_model, self.export])
        view_menu = bar.addMenu(self.tr("&View"))
        for i in range(tabs.count()):
            a = action(tabs.tabText(i), f"actionView{i}", lambda _=False, i=i: tabs.setCurrentIndex(i),
                       f"Ctrl+{i + 1}")
            view_menu.addAction(a)
        view_menu.addSeparator()
        add_language_menu(view_menu, settings.path)  # View > Language (System / English / 한국어)
        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(action(self.tr("&About CNN Studio"), "actionAbout", self._about))

        toolbar = window.addToolBar(self.tr("Main"))
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.addActions([self.open_dataset, self.start, self.pause, self.stop])

    def _about(self) -> None:
        from cnn_studio import __version__

        QMessageBox.about(self._host, self.tr("About CNN Studio"),
                          self.tr("CNN Studio {v}\nTrain and understand convolutional networks with PyTorch.").format(
                              v=__version__))

    def refresh_recent(self) -> None:
        """Rebuild the Recent datasets menu from the settings."""
        self.recent_menu.clear()
        for path in self._settings.recent_datasets():
            a = self.recent_menu.addAction(path)
            a.setEnabled(Path(path).is_dir())
            a.triggered.connect(lambda _=False, p=path: self._commands.open_folder(p))
        self.recent_menu.setEnabled(not self.recent_menu.isEmpty())

    def update_enabled(self, state: str, ready_reason: str) -> None:
        """Enable Start/Pause/Stop for the controller's state (a ``TrainingState`` value)."""
        state = TrainingState(state)
        self.start.setEnabled(state == TrainingState.IDLE and not ready_reason)
        self.pause.setEnabled(state.running)
        self.stop.setEnabled(state.running)
        self.open_dataset.setEnabled(state == TrainingState.IDLE)
