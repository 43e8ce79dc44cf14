"""The confusion-matrix widget: long class names are elided to their cell, tooltips give them in full."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtGui import QFontMetrics

from cnn_studio.gui.widgets.confusion_plot import ConfusionPlot

LONG = ["a very long class name number one", "another extremely long class name", "short",
        "yet another long descriptive class", "the fifth class with a long name", "sixth"]


def test_long_names_are_elided_to_the_cell_and_named_in_tooltips(qtbot):
    plot = ConfusionPlot()
    qtbot.addWidget(plot)
    plot.resize(520, 480)
    plot.show()
    qtbot.waitExposed(plot)
    matrix = np.arange(36).reshape(6, 6)
    plot.set_matrix(matrix, LONG)
    metrics = QFontMetrics(plot.getAxis("bottom").style.get("tickFont") or plot.font())

    def fits() -> bool:  # neighbours never overlap (once the layout has settled)
        return all(metrics.horizontalAdvance(t) <= plot._cell_px() for t in plot.tick_labels()[0])

    qtbot.waitUntil(fits, timeout=3000)
    bottom, left = plot.tick_labels()
    assert len(bottom) == 6 and "short" in bottom and "sixth" in bottom
    assert 30 < plot._cell_px() < 100
    assert bottom[0].endswith("…") and LONG[0].startswith(bottom[0][:-1])
    assert left[0] != LONG[0] and left[2] == "short"
    view = plot.getViewBox()
    centre = view.mapViewToScene(QPointF(1.5, 3.5))  # column 1 (predicted), row 3 (true)
    assert plot.tooltip_at(centre) == f"true {LONG[3]} → predicted {LONG[1]}: {matrix[3, 1]} images"
    axis = plot.getAxis("bottom").sceneBoundingRect()
    below = QPointF(view.mapViewToScene(QPointF(0.5, 0)).x(), axis.center().y())
    assert plot.tooltip_at(below) == f"predicted: {LONG[0]}"
    # a wider plot gives the labels more room
    plot.resize(1400, 1300)
    qtbot.wait(50)
    wider, _ = plot.tick_labels()
    assert sum(map(len, wider)) > sum(map(len, bottom))
