"""The Dataset panel: open a folder, see its layout, classes, samples, sizes and problems."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QProgressBar, QPushButton, QSplitter, QStackedWidget,
                               QVBoxLayout, QWidget)

from cnn_studio.gui.widgets.common import EmptyState, ThumbnailGrid, format_count, set_names

SPLIT_COLOURS = {"train": (31, 119, 180), "val": (255, 127, 14), "test": (44, 160, 44)}
THUMBNAILS_PER_CLASS = 48


class DatasetView(QWidget):
    """Shows a scanned and decoded dataset; asks the window to open or re-split it."""

    open_requested = Signal()
    cancel_requested = Signal()
    resplit_requested = Signal(float, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("datasetView")
        self.dataset: Any = None
        self._stack = QStackedWidget(self)
        self.empty = EmptyState(self.tr("Drop a dataset folder here or press Ctrl+O.\n\n"
                                        "A dataset is a folder with one sub-folder per class "
                                        "(optionally inside train/ and test/)."))
        open_button = set_names(QPushButton(self.tr("Open dataset folder…")), "openDatasetButton",
                                self.tr("Open dataset folder"))
        open_button.clicked.connect(self.open_requested)
        empty_page = QWidget()
        empty_layout = QVBoxLayout(empty_page)
        empty_layout.addWidget(self.empty)
        empty_layout.addWidget(open_button, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_layout.addStretch(1)
        self._stack.addWidget(empty_page)
        self._stack.addWidget(self._build_content())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(self._build_progress_row())
        layout.addWidget(self._stack, 1)

    # --- building ------------------------------------------------------------------------
    def _build_progress_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.progress = set_names(QProgressBar(), "datasetProgress", self.tr("Dataset loading progress"))
        self.progress.setRange(0, 1000)
        self.progress_label = QLabel()
        self.cancel_button = set_names(QPushButton(self.tr("Cancel")), "cancelScanButton",
                                       self.tr("Cancel loading the dataset"))
        self.cancel_button.clicked.connect(self.cancel_requested)
        row.addWidget(self.progress_label)
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        for w in (self.progress, self.progress_label, self.cancel_button):
            w.setVisible(False)
        return row

    def _build_content(self) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel()
        self.summary.setObjectName("datasetSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.summary)

        top = QSplitter(Qt.Orientation.Horizontal)
        self.chart = pg.PlotWidget()
        self.chart.setObjectName("classCountChart")
        self.chart.setAccessibleName(self.tr("Images per class and split"))
        self.chart.setMenuEnabled(False)
        self.chart.setMouseEnabled(x=False, y=False)
        self.chart.setLabel("left", self.tr("images"))
        self.chart.setTitle(self.tr("Images per class"))
        self.chart_legend = self.chart.addLegend(offset=(-10, 10))
        top.addWidget(self.chart)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        split_box = QGroupBox(self.tr("Split (single-folder datasets)"))
        form = QFormLayout(split_box)
        self.val_fraction = set_names(QDoubleSpinBox(), "valFraction", self.tr("Validation fraction"))
        self.test_fraction = set_names(QDoubleSpinBox(), "testFraction", self.tr("Test fraction"))
        for spin, value in ((self.val_fraction, 0.1), (self.test_fraction, 0.2)):
            spin.setRange(0.0, 0.9)
            spin.setSingleStep(0.05)
            spin.setDecimals(2)
            spin.setValue(value)
        self.apply_split_button = set_names(QPushButton(self.tr("Apply split")), "applySplitButton",
                                            self.tr("Apply the split fractions"))
        self.apply_split_button.clicked.connect(
            lambda: self.resplit_requested.emit(self.val_fraction.value(), self.test_fraction.value()))
        form.addRow(self.tr("Validation"), self.val_fraction)
        form.addRow(self.tr("Test"), self.test_fraction)
        form.addRow(self.apply_split_button)
        self.split_box = split_box
        side_layout.addWidget(split_box)
        self.sizes_label = QLabel()
        self.sizes_label.setObjectName("imageSizes")
        self.sizes_label.setWordWrap(True)
        side_layout.addWidget(self.sizes_label)
        side_layout.addWidget(QLabel(self.tr("Problems and warnings (click to reveal):")))
        self.problems = set_names(QListWidget(), "problemsList", self.tr("Problems and warnings"))
        self.problems.itemActivated.connect(self._reveal_problem)
        self.problems.itemClicked.connect(self._show_problem_path)
        side_layout.addWidget(self.problems, 1)
        self.problem_path = QLabel()
        self.problem_path.setObjectName("problemPath")
        self.problem_path.setWordWrap(True)
        self.problem_path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        side_layout.addWidget(self.problem_path)
        top.addWidget(side)
        top.setSizes([700, 400])

        bottom = QSplitter(Qt.Orientation.Horizontal)
        self.class_list = set_names(QListWidget(), "classList", self.tr("Classes"))
        self.class_list.currentRowChanged.connect(self._show_class)
        self.thumbnails = set_names(ThumbnailGrid(64), "thumbnailGrid", self.tr("Sample images"))
        bottom.addWidget(self.class_list)
        bottom.addWidget(self.thumbnails)
        bottom.setSizes([220, 880])

        vertical = QSplitter(Qt.Orientation.Vertical)
        vertical.addWidget(top)
        vertical.addWidget(bottom)
        vertical.setSizes([330, 330])
        outer.addWidget(vertical, 1)
        return page

    # --- state ---------------------------------------------------------------------------
    def set_loading(self, loading: bool, message: str = "") -> None:
        """Show or hide the progress row."""
        for w in (self.progress, self.progress_label, self.cancel_button):
            w.setVisible(loading)
        self.progress.setValue(0)
        self.progress.setRange(0, 1000)
        self.progress_label.setText(message or self.tr("Loading…"))

    def set_progress(self, fraction: float, message: str = "") -> None:
        """Update the progress bar (fraction < 0: busy indicator)."""
        if fraction < 0:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(round(fraction * 1000)))
        if message:
            self.progress_label.setText(message)

    def clear(self) -> None:
        """Go back to the empty state."""
        self.dataset = None
        self._stack.setCurrentIndex(0)

    def show_dataset(self, dataset: Any) -> None:
        """Display an ``ImageDataset`` (its ``report`` is the scan)."""
        self.dataset = dataset
        report = dataset.report
        splits = {name: items for name, items in report.splits.items() if items}
        counts = {name: np.bincount([label for _p, label in items], minlength=len(report.classes))
                  for name, items in splits.items()}
        per_split = ", ".join(f"{name} {len(items)}" for name, items in splits.items())
        layout_text = {"split-dirs": self.tr("train/test sub-folders"),
                       "single-folder": self.tr("one folder per class (split here)")}.get(report.layout, report.layout)
        self.summary.setText(self.tr("<b>{root}</b><br>Layout: {layout} · {n} classes · images: {splits} · "
                                     "working size {size} px").format(
            root=str(report.root), layout=layout_text, n=len(report.classes), splits=per_split,
            size=getattr(dataset, "image_size", getattr(report, "working_size", "?"))))
        self._plot_counts(report.classes, counts)
        sizes: Counter = Counter(report.image_sizes or {})
        top = ", ".join(f"{w}×{h}: {format_count(n)}" for (w, h), n in sizes.most_common(5))
        more = self.tr(" (+{n} other sizes)").format(n=len(sizes) - 5) if len(sizes) > 5 else ""
        self.sizes_label.setText(self.tr("Image sizes: {sizes}{more}").format(sizes=top or "?", more=more))
        single = report.layout == "single-folder"
        self.split_box.setEnabled(single)
        self.split_box.setToolTip("" if single else self.tr("This dataset has its own train/test folders."))
        self._fill_problems(report)
        self.class_list.blockSignals(True)
        self.class_list.clear()
        for index, name in enumerate(report.classes):
            total = sum(int(c[index]) for c in counts.values())
            self.class_list.addItem(QListWidgetItem(f"{name}  ({total})"))
        self.class_list.blockSignals(False)
        self._stack.setCurrentIndex(1)
        if report.classes:
            self.class_list.setCurrentRow(0)
            self._show_class(0)

    def _plot_counts(self, classes: list[str], counts: dict[str, np.ndarray]) -> None:
        self.chart.clear()
        self.chart_legend.clear()
        n_splits = max(len(counts), 1)
        width = 0.8 / n_splits
        x = np.arange(len(classes), dtype=float)
        for i, (name, values) in enumerate(counts.items()):
            colour = SPLIT_COLOURS.get(name, (120, 120, 120))
            bars = pg.BarGraphItem(x=x - 0.4 + width * (i + 0.5), height=values.astype(float), width=width,
                                   brush=pg.mkBrush(*colour), pen=pg.mkPen(None), name=name)
            self.chart.addItem(bars)
        axis = self.chart.getAxis("bottom")
        step = max(1, len(classes) // 20)
        axis.setTicks([[(float(i), classes[i][:12]) for i in range(0, len(classes), step)]])
        self.chart.setXRange(-0.6, len(classes) - 0.4, padding=0)
        self.class_counts = counts

    def _fill_problems(self, report: Any) -> None:
        self.problems.clear()
        for problem in report.problems or []:
            item = QListWidgetItem(f"{Path(problem.path).name}: {problem.reason}")
            item.setData(Qt.ItemDataRole.UserRole, str(problem.path))
            item.setToolTip(str(problem.path))
            self.problems.addItem(item)
        for warning in report.warnings or []:
            item = QListWidgetItem(self.tr("Warning: {text}").format(text=warning))
            self.problems.addItem(item)
        if self.problems.count() == 0:
            self.problems.addItem(QListWidgetItem(self.tr("No problems found.")))
        self.problem_path.clear()

    def _show_problem_path(self, item: QListWidgetItem) -> None:
        path = item.data(Qt.ItemDataRole.UserRole)
        self.problem_path.setText(path or "")

    def _reveal_problem(self, item: QListWidgetItem) -> None:
        path = item.data(Qt.ItemDataRole.UserRole)
        if path:
            self.problem_path.setText(path)
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path).parent)))

    def _show_class(self, index: int) -> None:
        self.thumbnails.clear()
        if self.dataset is None or index < 0:
            return
        split = self.dataset.splits.get("train") or next(iter(self.dataset.splits.values()))
        labels = split.labels.numpy() if hasattr(split.labels, "numpy") else np.asarray(split.labels)
        rows = np.flatnonzero(labels == index)[:THUMBNAILS_PER_CLASS]
        for row in rows:
            path = split.paths[row]
            image = split.images[row] if getattr(split, "images", None) is not None else path
            self.thumbnails.add_image(image, Path(path).name[:14], data=path, tooltip=path)

    # --- config --------------------------------------------------------------------------
    def apply_to(self, cfg: Any) -> Any:
        """Return ``cfg`` with the dataset root and split fractions of this view."""
        from dataclasses import replace

        root = str(self.dataset.report.root) if self.dataset is not None else cfg.data.root
        data = replace(cfg.data, root=root, val_fraction=round(self.val_fraction.value(), 4),
                       test_fraction=round(self.test_fraction.value(), 4))
        return replace(cfg, data=data)

    def load_from(self, cfg: Any) -> None:
        """Show the split fractions of ``cfg``."""
        self.val_fraction.setValue(cfg.data.val_fraction)
        self.test_fraction.setValue(cfg.data.test_fraction)
