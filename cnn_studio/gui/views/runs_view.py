"""The Runs panel: every run with its key numbers, overlaid curves, resume, open, export."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from cnn_studio.gui.widgets.common import EmptyState, set_names
from cnn_studio.gui.widgets.plots import LEGEND_CORNERS, PALETTE, make_plot

COLUMNS = (QT_TRANSLATE_NOOP("RunsView", "Run"), QT_TRANSLATE_NOOP("RunsView", "Model"),
           QT_TRANSLATE_NOOP("RunsView", "Status"), QT_TRANSLATE_NOOP("RunsView", "Epochs"),
           QT_TRANSLATE_NOOP("RunsView", "Best held-out"),
           QT_TRANSLATE_NOOP("RunsView", "Test"), QT_TRANSLATE_NOOP("RunsView", "Created"))
METRICS = (("heldout_accuracy", QT_TRANSLATE_NOOP("RunsView", "held-out accuracy")),
           ("train_accuracy", QT_TRANSLATE_NOOP("RunsView", "train accuracy")),
           ("heldout_loss", QT_TRANSLATE_NOOP("RunsView", "held-out loss")),
           ("train_loss", QT_TRANSLATE_NOOP("RunsView", "train loss")))
#: run statuses (core.runs.RunInfo.status) as the Status column shows them
STATUS_NAMES = {"completed": QT_TRANSLATE_NOOP("RunsView", "completed"),
                "stopped": QT_TRANSLATE_NOOP("RunsView", "stopped"),
                "failed": QT_TRANSLATE_NOOP("RunsView", "failed"), "running": QT_TRANSLATE_NOOP("RunsView", "running"),
                "interrupted": QT_TRANSLATE_NOOP("RunsView", "interrupted"),
                "unknown": QT_TRANSLATE_NOOP("RunsView", "unknown")}


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.2%}"


class RunsView(QWidget):
    """Lists run folders (the runs directory plus folders opened from elsewhere)."""

    resume_requested = Signal(str)
    run_selected = Signal(str)
    selection_changed = Signal(object)  # tuple of the selected run folders
    export_requested = Signal()

    def __init__(self, settings: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("runsView")
        self.settings = settings
        self.runs: list[Any] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        buttons = QHBoxLayout()

        def button(text: str, name: str, slot) -> QPushButton:
            b = set_names(QPushButton(text), name, text.rstrip("…"))
            b.clicked.connect(slot)
            buttons.addWidget(b)
            return b

        button(self.tr("Refresh"), "refreshRunsButton", self.refresh)
        button(self.tr("Open run folder…"), "openRunFolderButton", self.choose_run_folder)
        self.reveal_button = button(self.tr("Show in file manager"), "revealRunButton", self.reveal_selected)
        self.resume_button = button(self.tr("Resume"), "resumeRunButton", self._resume_selected)
        self.resume_button.setToolTip(self.tr("Continue an interrupted or stopped run from its last checkpoint."))
        button(self.tr("Export for a server…"), "exportButton", self.export_requested)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        split = QSplitter(Qt.Orientation.Vertical)
        self.table = set_names(QTableWidget(0, len(COLUMNS)), "runsTable", self.tr("Runs"))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.itemSelectionChanged.connect(self._on_selection)
        self.table.cellDoubleClicked.connect(lambda row, _c: self.run_selected.emit(self.runs[row].path))
        self.empty = EmptyState(self.tr("No runs yet: train a model (Train tab) or open a run folder."))
        self.empty.setObjectName("runsEmptyState")
        table_box = QWidget()
        tl = QVBoxLayout(table_box)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.empty)
        tl.addWidget(self.table)
        split.addWidget(table_box)
        plot_box = QWidget()
        pl = QVBoxLayout(plot_box)
        pl.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Select several runs to overlay their curves:")))
        # not ``self.metric``: that would shadow QWidget.metric(), which Qt calls when the font changes
        self.overlay_metric = set_names(QComboBox(), "overlayMetric", self.tr("Metric to overlay"))
        for key, text in METRICS:
            self.overlay_metric.addItem(self.tr(text), key)
        self.overlay_metric.currentIndexChanged.connect(lambda _i: self._update_overlay())
        row.addWidget(self.overlay_metric)
        row.addStretch(1)
        pl.addLayout(row)
        self.plot = make_plot(self.tr("Runs compared"), self.tr("value"))
        self.plot.setObjectName("runsOverlayPlot")
        pl.addWidget(self.plot, 1)
        split.addWidget(plot_box)
        split.setSizes([280, 420])
        layout.addWidget(split, 1)
        self.curves: dict[str, Any] = {}
        self.refresh()

    # --- listing ---------------------------------------------------------------------------
    def run_folders(self) -> list[Any]:
        """Return RunInfo for the runs directory and every folder opened from elsewhere."""
        from cnn_studio.core.runs import is_run_dir, list_runs, run_info
        from cnn_studio.paths import runs_dir

        runs = list_runs(runs_dir())
        seen = {r.path for r in runs}
        for extra in self.settings.extra_run_dirs():
            if not Path(extra).is_dir():
                continue
            found = [run_info(extra)] if is_run_dir(extra) else list_runs(extra)
            runs.extend(r for r in found if r.path not in seen)
            seen.update(r.path for r in found)
        return runs

    def refresh(self) -> None:
        """Re-read the run folders (keeping the selection)."""
        selected = set(self.selected_paths())
        self.runs = self.run_folders()
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.runs))
        for row, r in enumerate(self.runs):
            status = self.tr(STATUS_NAMES.get(r.status, r.status))
            values = (r.name, r.model_name, status, str(r.epochs_completed), _pct(r.best_accuracy),
                      _pct(r.test_accuracy), time.strftime("%Y-%m-%d %H:%M", time.localtime(r.created)))
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(r.path)
                self.table.setItem(row, col, item)
            if r.path in selected:
                self.table.selectRow(row)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.blockSignals(False)
        self.empty.setVisible(not self.runs)
        self.table.setVisible(bool(self.runs))
        self._update_overlay()

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
        from cnn_studio.core.runs import read_metrics

        paths = self.selected_paths()
        self.plot.clear()
        self.plot.getPlotItem().legend.clear()
        self.curves = {}
        key = self.overlay_metric.currentData()
        # rising accuracies end top-right, falling losses end bottom-right: keep the legend off the ends
        corner = "bottom-right" if "accuracy" in key else "top-right"
        self.plot.getPlotItem().legend.setOffset(LEGEND_CORNERS[corner])
        self.plot.setLabel("left", self.overlay_metric.currentText())
        for i, path in enumerate(paths):
            records = read_metrics(path, kind="epoch")
            xs = [float(r.get("epoch", n + 1)) for n, r in enumerate(records) if r.get(key) is not None]
            ys = [float(r[key]) for r in records if r.get(key) is not None]
            colour = PALETTE[i % len(PALETTE)]
            self.curves[path] = self.plot.plot(xs, ys, pen=colour, symbol="o", symbolSize=5, symbolBrush=colour,
                                               name=Path(path).name)
        info = {r.path: r for r in self.runs}
        can_resume = len(paths) == 1 and info[paths[0]].has_last and info[paths[0]].status != "completed"
        self.resume_button.setEnabled(can_resume)
        self.reveal_button.setEnabled(len(paths) == 1)
        self.selection_changed.emit(tuple(paths))
        return paths

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
