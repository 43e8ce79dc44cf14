"""The Runs panel: every run with its key numbers, names and notes, overlaid curves, resume, open, export.

The list refreshes itself: a ``QFileSystemWatcher`` on the runs folders and on each listed run
(a run that starts, writes a checkpoint, ends or is copied in changes a folder), and the window
calls :meth:`RunsView.schedule_refresh` when its own run starts or ends. Bursts of changes give
one re-read (``REFRESH_DELAY_MS``). A process that dies changes no file, so while a listed run shows
``running`` its status is re-read every ``LIVE_CHECK_MS`` (a lock probe per running run, no more).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QFileSystemWatcher, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView, QPushButton, QSplitter,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from cnn_studio.gui.widgets.common import EmptyState, set_names
from cnn_studio.gui.widgets.run_notes import RunNotes
from cnn_studio.gui.widgets.runs_overlay import RunsOverlay

NAME_COLUMN = 0
REFRESH_DELAY_MS = 300    # changes within this time give one re-read of the run folders
LIVE_CHECK_MS = 5000      # how often a run shown as running is checked for a dead owner
MAX_WATCHED_RUNS = 200    # the newest runs are watched; older ones change rarely (Refresh reads them all)


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.2%}"


class RunsView(QWidget):
    """Lists run folders (the runs directory plus folders opened from elsewhere)."""

    resume_requested = Signal(str)
    run_selected = Signal(str)
    selection_changed = Signal(object)  # tuple of the selected run folders
    export_requested = Signal()
    export_model_requested = Signal(str)  # the selected run folder
    message = Signal(str)

    def __init__(self, settings: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("runsView")
        self.settings = settings
        self.runs: list[Any] = []
        self._infos: dict[str, tuple[Any, Any]] = {}  # run folder -> (run_signature, RunInfo) of the last read
        self.columns = (self.tr("Name"), self.tr("Model"), self.tr("Status"), self.tr("Model options"), self.tr("Dataset"), self.tr("Epochs"),
                        self.tr("Best held-out"), self.tr("Test"), self.tr("Created"))
        self.status_words = {"completed": self.tr("completed"), "stopped": self.tr("stopped"), "failed": self.tr("failed"),
                             "running": self.tr("running"), "interrupted": self.tr("interrupted"), "unknown": self.tr("unknown")}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(self._build_buttons())
        split = QSplitter(Qt.Orientation.Vertical)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self._build_table())
        self.notes = RunNotes()
        self.notes.failed.connect(self.message)
        top.addWidget(self.notes)
        top.setSizes([900, 300])
        split.addWidget(top)
        self.overlay = RunsOverlay()
        self.overlay.metric_changed.connect(lambda _key: self._update_overlay())
        # not ``self.metric``: that would shadow QWidget.metric(), which Qt calls when the font changes
        self.overlay_metric, self.plot = self.overlay.overlay_metric, self.overlay.plot
        split.addWidget(self.overlay)
        split.setSizes([300, 420])
        layout.addWidget(split, 1)
        self._refresh_timer = self._timer(REFRESH_DELAY_MS, self.refresh)
        self._live_timer = self._timer(LIVE_CHECK_MS, self._check_running)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(lambda _path: self.schedule_refresh())
        self.refresh()

    def _timer(self, ms: int, slot: Callable[[], None]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        return timer

    def _build_buttons(self) -> QHBoxLayout:
        buttons = QHBoxLayout()

        def button(text: str, name: str, slot: Callable[[], None], tip: str = "") -> QPushButton:
            b = set_names(QPushButton(text), name, text.rstrip("…"))
            b.clicked.connect(slot)
            b.setToolTip(tip)
            buttons.addWidget(b)
            return b

        button(self.tr("Refresh"), "refreshRunsButton", self.refresh)
        button(self.tr("Open run folder…"), "openRunFolderButton", self.choose_run_folder)
        self.rename_button = button(self.tr("Rename…"), "renameRunButton", self.rename_selected,
                                    self.tr("Give the run a name of your own (F2); its folder keeps its name."))
        self.reveal_button = button(self.tr("Show in file manager"), "revealRunButton", self.reveal_selected)
        self.resume_button = button(self.tr("Resume"), "resumeRunButton", self._resume_selected,
                                    self.tr("Continue an interrupted or stopped run from its last checkpoint."))
        self.export_model_button = button(self.tr("Export model…"), "exportModelButton", self._export_model_selected,
                                          self.tr("Save the run's model as ONNX or TorchScript for deployment."))
        button(self.tr("Export for a server…"), "exportButton", self.export_requested)
        buttons.addStretch(1)
        return buttons

    def _build_table(self) -> QWidget:
        self.table = set_names(QTableWidget(0, len(self.columns)), "runsTable", self.tr("Runs"))
        self.table.setHorizontalHeaderLabels(list(self.columns))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)  # F2 renames (name column only)
        self.table.verticalHeader().setVisible(False)
        self.table.itemSelectionChanged.connect(self._on_selection)
        self.table.itemChanged.connect(self._on_item_changed)
        self.table.cellDoubleClicked.connect(lambda row, _c: self.run_selected.emit(self.runs[row].path))
        self.empty = EmptyState(self.tr("No runs yet: train a model (Train tab) or open a run folder."))
        self.empty.setObjectName("runsEmptyState")
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(self.table)
        return box

    @property
    def curves(self) -> dict[str, Any]:
        """The overlaid curves by run folder (the held-out error in the error plot)."""
        return self.overlay.curves

    # --- listing ---------------------------------------------------------------------------
    def run_folders(self) -> list[Any]:
        """Return RunInfo for the runs directory and every folder opened from elsewhere.

        A run whose files did not change since the last read is not parsed again (its status is
        re-checked when it was running); a long metrics.jsonl makes a full read take ~70 ms a run.
        """
        from cnn_studio.core.runs import is_run_dir, newest_first, run_dirs

        runs = newest_first([self._run_info(p) for p in run_dirs(self._runs_root())])
        seen = {r.path for r in runs}
        for extra in self.settings.extra_run_dirs():
            if not Path(extra).is_dir():
                continue
            found = [self._run_info(extra)] if is_run_dir(extra) else newest_first(
                [self._run_info(p) for p in run_dirs(extra)])
            runs.extend(r for r in found if r.path not in seen)
            seen.update(r.path for r in found)
        self._infos = {r.path: self._infos[r.path] for r in runs if r.path in self._infos}
        return runs

    def _run_info(self, folder: Any) -> Any:
        from dataclasses import replace

        from cnn_studio.core.runs import run_info, run_signature, run_status

        path = str(folder)
        signature = run_signature(path)
        cached = self._infos.get(path)
        if cached is None or cached[0] != signature:
            info = run_info(path)
            self._infos[path] = (signature, info)
            return info
        info = cached[1]
        if info.status == "running":  # its process may have died: that changes no file
            status = run_status(path, has_epochs=info.epochs_completed > 0)
            if status != info.status:
                info = replace(info, status=status)
                self._infos[path] = (signature, info)
        return info

    @staticmethod
    def _runs_root() -> str:
        from cnn_studio.paths import runs_dir

        return str(runs_dir())

    def schedule_refresh(self, *_args: Any) -> None:
        """Re-read the run folders shortly (many changes at once give one re-read); any event can call it."""
        self._refresh_timer.start()

    def refresh(self) -> None:
        """Re-read the run folders (keeping the selection) and watch them for changes."""
        self._refresh_timer.stop()
        if self.table.state() == QAbstractItemView.State.EditingState:  # a rename in progress: after it
            self.schedule_refresh()
            return
        selected = set(self.selected_paths())
        self.runs = self.run_folders()
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.runs))
        for row, r in enumerate(self.runs):
            self._fill_row(row, r)
            if r.path in selected:
                self.table.selectRow(row)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.blockSignals(False)
        self.empty.setVisible(not self.runs)
        self.table.setVisible(bool(self.runs))
        self._update_overlay()
        self._watch()
        if any(r.status == "running" for r in self.runs):
            self._live_timer.start()

    def _fill_row(self, row: int, r: Any) -> None:
        values = (r.display_name or r.name, r.model_name, self.status_words.get(r.status, r.status),
                  r.model_options, r.dataset, str(r.epochs_completed), _pct(r.best_accuracy),
                  _pct(r.test_accuracy), time.strftime("%Y-%m-%d %H:%M", time.localtime(r.created)))
        for col, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setToolTip(r.path if col != NAME_COLUMN or not r.notes else f"{r.path}\n\n{r.notes}")
            if col != NAME_COLUMN:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, col, item)

    def _watch(self) -> None:
        """Watch the runs folders (new runs) and the newest runs' folders (progress, end, status)."""
        wanted = [self._runs_root(), *self.settings.extra_run_dirs()]
        wanted += [r.path for r in self.runs[:MAX_WATCHED_RUNS]]
        wanted = [p for p in dict.fromkeys(wanted) if Path(p).is_dir()]
        stale = [p for p in self.watcher.directories() if p not in wanted]
        if stale:
            self.watcher.removePaths(stale)
        new = [p for p in wanted if p not in self.watcher.directories()]
        if new:
            self.watcher.addPaths(new)

    def _check_running(self) -> None:
        """A run shown as running may have lost its process (no file changes then): re-read its status."""
        from cnn_studio.core.runs import run_status

        if any(run_status(r.path) != r.status for r in self.runs if r.status == "running"):
            self.refresh()
        elif any(r.status == "running" for r in self.runs):
            self._live_timer.start()

    def selected_paths(self) -> list[str]:
        """Return the selected run folders."""
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        return [self.runs[r].path for r in rows if r < len(self.runs)]

    def select_paths(self, paths: list[str]) -> None:
        """Select runs by folder path."""
        self.table.blockSignals(True)
        self.table.clearSelection()
        mode = self.table.selectionMode()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for row, r in enumerate(self.runs):
            if r.path in paths:
                self.table.selectRow(row)
        self.table.setSelectionMode(mode)
        self.table.blockSignals(False)
        self._on_selection()

    # --- overlay ---------------------------------------------------------------------------
    def _on_selection(self) -> None:
        """The user changed the selection: update the overlay and announce a single chosen run."""
        paths = self._update_overlay()
        if len(paths) == 1:
            self.run_selected.emit(paths[0])

    def _update_overlay(self) -> list[str]:
        """Draw the selected runs' curves and enable the buttons; return the selected paths."""
        paths = self.selected_paths()
        info = {r.path: r for r in self.runs}
        self.overlay.show_runs([(p, info[p].display_name or info[p].name) for p in paths])
        one = info[paths[0]] if len(paths) == 1 else None
        self.resume_button.setEnabled(one is not None and one.resumable)
        for b in (self.reveal_button, self.rename_button):
            b.setEnabled(one is not None)
        self.export_model_button.setEnabled(one is not None and (one.has_best or one.has_last))
        self.notes.show_run(one.path if one else "", one.display_name if one else "", one.notes if one else "")
        self.selection_changed.emit(tuple(paths))
        return paths

    # --- names and notes -------------------------------------------------------------------
    def rename_selected(self) -> None:
        """Edit the selected run's name in place (Enter stores it in the run's run_meta.json)."""
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        if len(rows) == 1:
            self.table.editItem(self.table.item(rows[0], NAME_COLUMN))

    def rename_run(self, path: str, name: str) -> None:
        """Store ``name`` as the display name of the run at ``path`` ('' gives the folder name back)."""
        from cnn_studio.core.errors import UserError
        from cnn_studio.core.runs import update_run_meta

        try:
            update_run_meta(path, name=name)
        except UserError as exc:
            self.message.emit(str(exc))
        self.refresh()

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == NAME_COLUMN and item.row() < len(self.runs):
            run = self.runs[item.row()]
            if item.text() != (run.display_name or run.name):
                QTimer.singleShot(0, lambda p=run.path, t=item.text(): self.rename_run(p, t))

    # --- actions ---------------------------------------------------------------------------
    def choose_run_folder(self) -> None:
        """Add a run folder (or a folder of runs) produced elsewhere to the list."""
        folder = QFileDialog.getExistingDirectory(self, self.tr("Open a run folder"), str(Path.home()))
        if folder:
            self.add_run_folder(folder)

    def add_run_folder(self, folder: str) -> None:
        """Remember ``folder`` (a run, or a folder of runs) and list its runs."""
        from cnn_studio.core.errors import UserError
        from cnn_studio.core.runs import is_run_dir, list_runs

        if not is_run_dir(folder) and not list_runs(folder):
            raise UserError(f"{folder} is not a run folder (it has no config.json); pick a folder that a "
                            f"CNN Studio run wrote.")
        extra = [d for d in self.settings.extra_run_dirs() if d != folder] + [folder]
        self.settings.set_extra_run_dirs(extra)
        self.refresh()
        if is_run_dir(folder):
            self.select_paths([str(Path(folder))])

    def reveal_selected(self) -> None:
        """Open the selected run's folder in the file manager."""
        paths = self.selected_paths()
        if paths:
            QDesktopServices.openUrl(QUrl.fromLocalFile(paths[0]))

    def _resume_selected(self) -> None:
        paths = self.selected_paths()
        if len(paths) == 1:
            self.resume_requested.emit(paths[0])

    def _export_model_selected(self) -> None:
        paths = self.selected_paths()
        if len(paths) == 1:
            self.export_model_requested.emit(paths[0])

    def legend_names(self) -> list[str]:
        """The names in the overlay's legend, in order (full names, also when elided on screen)."""
        return self.overlay.legend.names()
