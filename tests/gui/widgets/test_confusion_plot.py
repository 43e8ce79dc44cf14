"""The confusion-matrix widget: class names never overlap (upright or elided), tooltips give them in full."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtGui import QFontMetrics

from cnn_studio.gui.widgets.confusion_plot import LEFT_LABEL_PX, ConfusionPlot

LONG = ["a very long class name number one, longer than any cell", "American bulldog",
        "short", "yet another long descriptive class", "the fifth class with a long name", "sixth"]


def _plot(qtbot, width: int, height: int) -> ConfusionPlot:
    plot = ConfusionPlot()
    qtbot.addWidget(plot)
    plot.resize(width, height)
    plot.show()
    qtbot.waitExposed(plot)
    return plot


def test_long_names_stand_upright_elided_and_are_named_in_tooltips(qtbot):
    plot = _plot(qtbot, 520, 480)
    matrix = np.arange(36).reshape(6, 6)
    plot.set_matrix(matrix, LONG)
    axis = plot.getAxis("bottom")
    metrics = QFontMetrics(axis.style.get("tickFont") or plot.font())
    # upright labels never overlap: each is one line of text in its cell, at most LEFT_LABEL_PX long
    qtbot.waitUntil(lambda: axis.upright and metrics.height() <= plot._cell_px(), timeout=3000)
    bottom, left = plot.tick_labels()
    assert all(metrics.horizontalAdvance(t) <= LEFT_LABEL_PX for t in bottom + left)
    for name, shown in zip(LONG, bottom):  # in full when it fits the room, else elided
        assert shown == name if metrics.horizontalAdvance(name) <= LEFT_LABEL_PX else shown.endswith("…")
    assert bottom[1] == "American bulldog" and bottom[0].endswith("…")
    assert LONG[0].startswith(bottom[0][:-1]) and left[0] == bottom[0]
    qtbot.waitUntil(lambda: axis.height() >= LEFT_LABEL_PX, timeout=3000)  # room for the upright names
    view = plot.getViewBox()
    centre = view.mapViewToScene(QPointF(1.5, 3.5))  # column 1 (predicted), row 3 (true)
    assert plot.tooltip_at(centre) == f"true {LONG[3]} → predicted {LONG[1]}: {matrix[3, 1]} images"
    below = QPointF(view.mapViewToScene(QPointF(0.5, 0)).x(), axis.sceneBoundingRect().center().y())
    assert plot.tooltip_at(below) == f"predicted: {LONG[0]}"
    left_axis = plot.getAxis("left").sceneBoundingRect()
    beside = QPointF(left_axis.center().x(), view.mapViewToScene(QPointF(0, 2.5)).y())
    assert plot.tooltip_at(beside) == "true: short"


def test_names_that_fit_lie_flat_in_full(qtbot):
    plot = _plot(qtbot, 700, 600)
    names = ["cat", "dog", "bird"]
    plot.set_matrix(np.eye(3), names)
    qtbot.waitUntil(lambda: plot.tick_labels()[0] == names, timeout=3000)
    assert not plot.getAxis("bottom").upright
