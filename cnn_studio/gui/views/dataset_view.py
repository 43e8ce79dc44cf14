"""The Dataset panel: open a folder, see its layout, classes, samples, sizes and problems."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QListView, QListWidget,
                               QListWidgetItem, QProgressBar, QPushButton, QSplitter, QStackedWidget,
                               QVBoxLayout, QWidget)

from cnn_studio.core.session import DEFAULT_SPLIT
from cnn_studio.gui.widgets.common import EmptyState, ThumbnailGrid, format_count, set_names, text_label
from cnn_studio.gui.widgets.plots import add_corner_legend

SPLIT_COLOURS = {"train": (31, 119, 180), "val": (255, 127, 14), "test": (44, 160, 44)}
THUMBNAILS_PER_CLASS = 48
MAX_SKIPPED_LISTED = 8
SPLIT_ORDER = ("train", "val", "test")


class DatasetView(QWidget):
    """Shows a scanned and decoded dataset; asks the window to open or re-split it."""

    open_requested = Signal()
    cancel_requested = Signal()
    resplit_requested = Signal(float, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("datasetView")
        self.dataset: Any = None
        self.applied_fractions: tuple[float, float] = DEFAULT_SPLIT
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
        self.summary = text_label("datasetSummary")
        outer.addWidget(self.summary)

        top = QSplitter(Qt.Orientation.Horizontal)
        self.chart = pg.PlotWidget()
        self.chart.setObjectName("classCountChart")
        self.chart.setAccessibleName(self.tr("Images per class and split"))
        self.chart.setMenuEnabled(False)
        self.chart.setMouseEnabled(x=False, y=False)
        self.chart.setLabel("left", self.tr("images"))
        self.chart.setTitle(self.tr("Images per class"))
        self.chart_legend = add_corner_legend(self.chart, "top-right", columns=3)
        top.addWidget(self.chart)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        split_box = QGroupBox(self.tr("Split (validation is carved from train when there is no val/ folder)"))
        form = QFormLayout(split_box)
        self.val_fraction = set_names(QDoubleSpinBox(), "valFraction", self.tr("Validation fraction"))
        self.test_fraction = set_names(QDoubleSpinBox(), "testFraction", self.tr("Test fraction"))
        for spin, value in zip((self.val_fraction, self.test_fraction), DEFAULT_SPLIT):
            spin.setRange(0.0, 0.9)
            spin.setSingleStep(0.05)
            spin.setDecimals(2)
            spin.setValue(value)
        self.apply_split_button = set_names(QPushButton(self.tr("Apply split")), "applySplitButton",
                                            self.tr("Apply the split fractions"))
        self.apply_split_button.clicked.connect(self._apply_split)
        self.split_message = QLabel()
        self.split_message.setObjectName("splitMessage")
        self.split_message.setWordWrap(True)
        self.split_message.setStyleSheet("color: #b00020;")
        self.split_message.setVisible(False)
        for spin in (self.val_fraction, self.test_fraction):
            spin.valueChanged.connect(self._check_split)
        form.addRow(self.tr("Validation"), self.val_fraction)
        form.addRow(self.tr("Test"), self.test_fraction)
        form.addRow(self.split_message)
        form.addRow(self.apply_split_button)
        self.split_box = split_box
        side_layout.addWidget(split_box)
        self.sizes_label = QLabel()
        self.sizes_label.setObjectName("imageSizes")
        self.sizes_label.setWordWrap(True)
        side_layout.addWidget(self.sizes_label)
        side_layout.addWidget(QLabel(self.tr("Problems and warnings (click to reveal):")))
        self.problems = set_names(QListWidget(), "problemsList", self.tr("Problems and warnings"))
        self.problems.setWordWrap(True)
        self.problems.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.problems.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.problems.setResizeMode(QListView.ResizeMode.Adjust)
        self.problems.itemActivated.connect(self._reveal_problem)
        self.problems.itemClicked.connect(self._show_problem_path)
        side_layout.addWidget(self.problems, 1)
        self.problem_path = text_label("problemPath")
        side_layout.addWidget(self.problem_path)
        top.addWidget(side)
        top.setSizes([700, 400])

        bottom = QSplitter(Qt.Orientation.Horizontal)
        self.class_list = set_names(QListWidget(), "classList", self.tr("Classes"))
        self.class_list.currentRowChanged.connect(self._show_class)
        self.thumbnails = set_names(ThumbnailGrid(64), "thumbnailGrid", self.tr("Sample images"))
        self.thumbnails_label = QLabel()
        self.thumbnails_label.setObjectName("thumbnailsLabel")
        self.thumbnails_label.setWordWrap(True)
        samples = QWidget()
        samples_layout = QVBoxLayout(samples)
        samples_layout.setContentsMargins(0, 0, 0, 0)
        samples_layout.addWidget(self.thumbnails_label)
        samples_layout.addWidget(self.thumbnails, 1)
        bottom.addWidget(self.class_list)
        bottom.addWidget(samples)
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
        if getattr(report, "val_source", "") == "carved" and report.layout != "single-folder":
            layout_text += self.tr(" (validation carved from train)")
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
        carved = getattr(report, "val_source", "") != "folder"  # no val/ folder: val comes from train
        self.load_fractions(self.applied_fractions)
        self.split_box.setEnabled(single or carved)
        self.test_fraction.setEnabled(single)
        self.split_box.setToolTip("" if single else self.tr(
            "This dataset has its own train/test folders; the validation fraction is carved from train."
            if carved else "This dataset has its own train/val/test folders."))
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
        tallest = max((float(v.max()) for v in counts.values() if len(v)), default=1.0)
        self.chart.setYRange(0, max(tallest, 1.0) * 1.25, padding=0)  # headroom: the legend sits above the bars
        self.class_counts = counts

    def _relative(self, path: Any) -> str:
        """Return ``path`` relative to the dataset root (as posix text), or whole if outside it."""
        root = getattr(getattr(self.dataset, "report", None), "root", None)
        try:
            return Path(path).relative_to(root).as_posix() if root is not None else str(path)
        except ValueError:
            return str(path)

    def _fill_problems(self, report: Any) -> None:
        self.problems.clear()
        for problem in report.problems or []:
            item = QListWidgetItem(f"{self._relative(problem.path)}: {problem.reason}")
            item.setData(Qt.ItemDataRole.UserRole, str(problem.path))
            item.setToolTip(str(problem.path))
            self.problems.addItem(item)
        for warning in report.warnings or []:
            item = QListWidgetItem(self.tr("Warning: {text}").format(text=warning))
            item.setToolTip(warning)
            self.problems.addItem(item)
        skipped = list(getattr(report, "skipped", None) or [])
        if skipped:
            names = ", ".join(self._relative(p) for p in skipped[:MAX_SKIPPED_LISTED])
            more = self.tr(" (+{n} more)").format(n=len(skipped) - MAX_SKIPPED_LISTED) \
                if len(skipped) > MAX_SKIPPED_LISTED else ""
            item = QListWidgetItem(self.tr("Skipped (not images): {names}{more}").format(names=names, more=more))
            item.setToolTip("\n".join(str(p) for p in skipped[:200]))
            item.setData(Qt.ItemDataRole.UserRole, str(skipped[0]))
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
        """Show up to THUMBNAILS_PER_CLASS images of class ``index`` from every split (train first)."""
        self.thumbnails.clear()
        self.thumbnails_label.clear()
        if self.dataset is None or index < 0:
            return
        splits = self.dataset.splits
        names = [n for n in SPLIT_ORDER if splits.get(n) is not None] + \
                [n for n in splits if n not in SPLIT_ORDER and splits.get(n) is not None]
        rows_of = {}
        for name in names:
            split = splits[name]
            labels = split.labels.numpy() if hasattr(split.labels, "numpy") else np.asarray(split.labels)
            rows_of[name] = np.flatnonzero(labels == index)
        total = sum(len(r) for r in rows_of.values())
        # every split gets its share of the thumbnails; what a small split leaves goes to the others
        take = {name: 0 for name in names}
        room = THUMBNAILS_PER_CLASS
        while room > 0 and any(take[n] < len(rows_of[n]) for n in names):
            open_splits = [n for n in names if take[n] < len(rows_of[n])]
            share = max(room // len(open_splits), 1)
            for n in open_splits:
                extra = min(share, len(rows_of[n]) - take[n], room)
                take[n] += extra
                room -= extra
        shown: list[str] = []
        for name in names:
            split = splits[name]
            for row in rows_of[name][:take[name]]:
                path = split.paths[row]
                image = split.images[row] if getattr(split, "images", None) is not None else path
                self.thumbnails.add_image(image, f"{name}: {Path(path).name}"[:16], data=path,
                                          tooltip=f"{name}: {self._relative(path)}")
            if take[name]:
                shown.append(f"{name} {take[name]}")
        class_name = self.dataset.classes[index] if index < len(self.dataset.classes) else str(index)
        self.thumbnails_label.setText(self.tr("<b>{cls}</b>: showing {n} of {total} images ({splits}); "
                                              "hover a thumbnail for its split and path.").format(
            cls=class_name, n=self.thumbnails.count(), total=total, splits=", ".join(shown) or "-"))

    # --- split fractions -----------------------------------------------------------------
    @staticmethod
    def split_problem(val: float, test: float) -> str:
        """Return why the fractions ``val``/``test`` cannot split a dataset ('' when they can)."""
        if val + test >= 1.0 - 1e-9:
            return QCoreApplication.translate(
                "DatasetView", "Validation + test is {total:.2f}; keep it below 1 so some images are left "
                "for training.").format(total=val + test)
        return ""

    def _check_split(self) -> str:
        problem = self.split_problem(self.val_fraction.value(), self.test_fraction.value())
        self.split_message.setText(problem)
        self.split_message.setVisible(bool(problem))
        self.apply_split_button.setEnabled(not problem)
        return problem

    def _apply_split(self) -> None:
        if self._check_split():
            return  # nothing changes: the message says what to fix
        self.resplit_requested.emit(round(self.val_fraction.value(), 4), round(self.test_fraction.value(), 4))

    def split_fractions(self) -> tuple[float, float]:
        """Return (val, test) to open a dataset with: the boxes' values if valid, else the last applied ones."""
        val, test = round(self.val_fraction.value(), 4), round(self.test_fraction.value(), 4)
        return (val, test) if not self.split_problem(val, test) else self.applied_fractions

    def set_applied_fractions(self, val: float, test: float) -> None:
        """Remember the (valid) fractions the open dataset was split with."""
        if not self.split_problem(val, test):
            self.applied_fractions = (round(val, 4), round(test, 4))

    def load_fractions(self, fractions: tuple[float, float]) -> None:
        """Show ``fractions`` in the boxes (and clear any split message)."""
        self.val_fraction.setValue(fractions[0])
        self.test_fraction.setValue(fractions[1])
        self._check_split()

    # --- config --------------------------------------------------------------------------
    def apply_to(self, cfg: Any) -> Any:
        """Return ``cfg`` with the dataset root and the split fractions the open dataset uses.

        Values typed in the boxes but not applied (or invalid) never reach the config, so a stale
        value cannot block training.
        """
        from dataclasses import replace

        root = str(self.dataset.report.root) if self.dataset is not None else cfg.data.root
        val, test = self.applied_fractions if self.dataset is not None else self.split_fractions()
        data = replace(cfg.data, root=root, val_fraction=val, test_fraction=test)
        return replace(cfg, data=data)

    def load_from(self, cfg: Any) -> None:
        """Show the split fractions of ``cfg`` (they become the applied ones when valid)."""
        self.set_applied_fractions(cfg.data.val_fraction, cfg.data.test_fraction)
        self.load_fractions((cfg.data.val_fraction, cfg.data.test_fraction))
