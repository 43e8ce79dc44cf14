"""The Runs view's plot: one metric of several runs overlaid, with the legend beside the curves.

"Train and held-out error (%)" draws both errors of each run in one colour, train thin and held-out
bold, as in the ResNet paper's figures (He et al., 2016, Fig. 1 and 6).
"""

from __future__ import annotations

from typing import Any, Sequence

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from cnn_studio.gui.widgets.common import set_names
from cnn_studio.gui.widgets.plots import PALETTE, make_plot

ERROR_KEY = "error"          # the metric key of the train + held-out error plot
LEGEND_NAME_PX = 200         # run names in the legend are elided to this width (full name in the tooltip)
THIN, BOLD = 1, 3            # pen widths of the train and held-out error curves


class SideLegend(pg.LegendItem):
    """A legend that lives in the plot's layout, right of the axes, so it never covers a curve."""

    def __init__(self) -> None:
        super().__init__(offset=None, labelTextSize="8pt", verSpacing=-4)

    def updateSize(self) -> None:  # noqa: N802 - pyqtgraph override: let the plot's layout place it
        hint = self.layout.effectiveSizeHint(Qt.SizeHint.PreferredSize)
        self.setFixedWidth(hint.width() + 8)
        self.setFixedHeight(hint.height() + 4)
        self.updateGeometry()

    def names(self) -> list[str]:
        """The full names of the entries (what their tooltips say), in order."""
        return [label.toolTip() or label.text for _sample, label in self.items]


def side_legend(plot: pg.PlotWidget) -> SideLegend:
    """Put a :class:`SideLegend` right of ``plot``'s view box; named curves plotted later join it."""
    item = plot.getPlotItem()
    legend = SideLegend()
    item.layout.addItem(legend, 2, 3)
    item.layout.setAlignment(legend, Qt.AlignmentFlag.AlignTop)
    item.legend = legend  # PlotItem.addItem adds every named item to its ``legend``
    return legend


class RunsOverlay(QWidget):
    """A metric chooser and a plot of that metric for the chosen runs."""

    metric_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.overlay_metrics = ((ERROR_KEY, self.tr("train and held-out error (%)")),
                        ("heldout_accuracy", self.tr("held-out accuracy")), ("train_accuracy", self.tr("train accuracy")),
                        ("heldout_loss", self.tr("held-out loss")), ("train_loss", self.tr("train loss")))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Select several runs to overlay their curves:")))
        # not ``self.metric``: that would shadow QWidget.metric(), which Qt calls when the font changes
        self.overlay_metric = set_names(QComboBox(), "overlayMetric", self.tr("Metric to overlay"))
        for key, text in self.overlay_metrics:
            self.overlay_metric.addItem(text, key)
        self.overlay_metric.setCurrentIndex(1)  # held-out accuracy: the first question about a run
        self.overlay_metric.currentIndexChanged.connect(lambda _i: self.metric_changed.emit(
            self.overlay_metric.currentData()))
        row.addWidget(self.overlay_metric)
        row.addStretch(1)
        layout.addLayout(row)
        self.plot = make_plot(self.tr("Runs compared"), self.tr("value"), legend=None)
        self.plot.setObjectName("runsOverlayPlot")
        self.legend = side_legend(self.plot)
        layout.addWidget(self.plot, 1)
        self.curves: dict[str, Any] = {}       # run folder -> its curve (held-out error in the error plot)
        self.thin_curves: dict[str, Any] = {}  # run folder -> its train-error curve (error plot only)

    def set_metric(self, key: str) -> None:
        """Choose the metric by key (``error``, ``heldout_accuracy``, ...)."""
        self.overlay_metric.setCurrentIndex(self.overlay_metric.findData(key))

    def show_runs(self, runs: Sequence[tuple[str, str]]) -> None:
        """Draw the chosen metric for ``runs``: (run folder, name shown in the legend) pairs."""
        from cnn_studio.core.runs import read_metrics

        self.plot.clear()
        self.legend.clear()
        self.curves, self.thin_curves = {}, {}
        key = self.overlay_metric.currentData()
        error = key == ERROR_KEY
        self.plot.setLabel("left", self.tr("error (%)") if error else self.overlay_metric.currentText())
        self.plot.setTitle(self.tr("Train (thin) and held-out (bold) error") if error else self.tr("Runs compared"),
                           size="10pt")
        font = QFont()
        font.setPointSize(8)
        metrics = QFontMetrics(font)
        longest = 0
        for i, (path, name) in enumerate(runs):
            records = read_metrics(path, kind="epoch")
            longest = max(longest, len(records))
            colour = PALETTE[i % len(PALETTE)]
            shown = metrics.elidedText(name, Qt.TextElideMode.ElideRight, LEGEND_NAME_PX)
            if error:
                self.thin_curves[path] = self.plot.plot(*_series(records, "train_accuracy", error=True),
                                                        pen=pg.mkPen(colour, width=THIN))
                self.curves[path] = self.plot.plot(*_series(records, "heldout_accuracy", error=True),
                                                   pen=pg.mkPen(colour, width=BOLD), name=shown)
            else:
                self.curves[path] = self.plot.plot(*_series(records, key), pen=colour, symbol="o", symbolSize=5,
                                                   symbolBrush=colour, name=shown)
            self.legend.items[-1][1].setToolTip(name)
        axis = self.plot.getAxis("bottom")  # whole epochs: a short run does not show "epoch 1.5"
        axis.setTicks([[(float(e), str(e)) for e in range(1, longest + 1)]] if 0 < longest <= 20 else None)
        if error and runs:
            grey = (120, 120, 120)
            self.legend.addItem(pg.PlotDataItem(pen=pg.mkPen(grey, width=THIN)), self.tr("train"))
            self.legend.addItem(pg.PlotDataItem(pen=pg.mkPen(grey, width=BOLD)), self.tr("held-out"))


def _series(records: list[dict[str, Any]], key: str, error: bool = False) -> tuple[list[float], list[float]]:
    """Epochs and values of ``key`` (as error in percent when ``error``), skipping epochs without it."""
    points = [(float(r.get("epoch", n + 1)), float(r[key])) for n, r in enumerate(records) if r.get(key) is not None]
    return [x for x, _ in points], [100.0 * (1.0 - y) if error else y for _, y in points]
