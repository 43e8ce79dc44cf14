"""A clickable confusion-matrix heatmap whose class names fit their cells (elided, full names in tooltips).

Used by the Results view (a run's test split) and the Predict view (a dropped labelled folder).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QCursor, QFont, QFontMetrics
from PySide6.QtWidgets import QToolTip, QWidget

MAX_TICKS = 30          # more classes than this: no counts and no tick labels (the tooltip names them)
LEFT_LABEL_PX = 110     # the true-class labels on the left axis never take more than this
MIN_LABEL_PX = 14       # below this a bottom label is dropped instead of elided to a lone "…"


def elide_labels(names: Sequence[str], width_px: float, font: QFont) -> list[str]:
    """Return ``names`` elided on the right to ``width_px`` pixels ('' when not even 'a…' fits)."""
    metrics = QFontMetrics(font)
    if width_px < MIN_LABEL_PX:
        return ["" for _ in names]
    return [metrics.elidedText(name, Qt.TextElideMode.ElideRight, int(width_px)) for name in names]


class ClassAxis(pg.AxisItem):
    """A bottom axis whose class names stand upright (turned 90°) when they are wider than their cells."""

    def __init__(self) -> None:
        super().__init__("bottom")
        self.upright = False

    def set_upright(self, upright: bool, longest_px: float = 0.0) -> None:
        """Turn the labels upright (reserving ``longest_px`` of height for them) or back to horizontal."""
        height = None
        if upright:
            label = self.label.boundingRect().height() * 0.8 if self.label.isVisible() else 0.0
            height = int(longest_px + max(0, self.style["tickLength"]) + self.style["tickTextOffset"][1] + label + 6)
        if upright != self.upright or height != self.fixedHeight:
            self.upright = upright
            self.setHeight(height)
            self.picture = None
            self.update()

    def drawPicture(self, p: Any, axisSpec: Any, tickSpecs: Any, textSpecs: Any) -> None:  # noqa: N802, N803
        if not self.upright:
            super().drawPicture(p, axisSpec, tickSpecs, textSpecs)
            return
        super().drawPicture(p, axisSpec, tickSpecs, [])  # the line and the ticks; pen and font for the text
        view = self.linkedView()
        if view is None or not self._tickLevels:
            return
        top = max(0, self.style["tickLength"]) + self.style["tickTextOffset"][1]
        height = QFontMetrics(p.font()).height()
        for value, text in self._tickLevels[0]:
            x = self.mapFromScene(view.mapViewToScene(QPointF(value, 0))).x()
            p.save()
            p.translate(x, top)
            p.rotate(-90)  # reads upwards, ending at its tick
            p.drawText(QRectF(-4 * LEFT_LABEL_PX, -height / 2, 4 * LEFT_LABEL_PX, height),
                       int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), text)
            p.restore()


class ConfusionPlot(pg.PlotWidget):
    """A heatmap with counts; emits (true index, predicted index) when a cell is clicked.

    Class names on the bottom axis stand upright when they are wider than their cells; names longer
    than ``LEFT_LABEL_PX`` (and names in cells too narrow for a line of text) are elided, so labels
    never overlap. Hovering a cell or an axis label shows the full names in a tooltip.
    """

    cell_clicked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, axisItems={"bottom": ClassAxis()})
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.getPlotItem().invertY(True)
        self.setAspectLocked(True)
        self.setLabel("left", self.tr("true class"))
        self.setLabel("bottom", self.tr("predicted class"))
        self._image = pg.ImageItem()
        self.addItem(self._image)
        self._texts: list[pg.TextItem] = []
        self._n = 0
        self._classes: list[str] = []
        self._matrix = np.zeros((0, 0))
        self._selection = pg.PlotCurveItem(pen=pg.mkPen((230, 40, 40), width=3))  # outline of the clicked cell
        self._selection.setZValue(10)
        self.addItem(self._selection)
        self.scene().sigMouseClicked.connect(self._on_click)
        self.scene().sigMouseMoved.connect(self._on_hover)
        self.getViewBox().sigTransformChanged.connect(lambda *_: self._update_ticks())

    def set_matrix(self, matrix: np.ndarray, classes: Sequence[str]) -> None:
        """Show a confusion matrix (rows: true, columns: predicted)."""
        self.set_selected_cell(None)
        for t in self._texts:
            self.removeItem(t)
        self._texts = []
        self._classes = [str(c) for c in classes]
        self._n = n = len(classes)
        matrix = np.asarray(matrix, dtype=float).reshape(n, n)
        self._matrix = matrix
        rows = matrix.sum(axis=1, keepdims=True)
        normalised = np.divide(matrix, rows, out=np.zeros_like(matrix), where=rows > 0)
        # ImageItem is indexed [x, y]: transpose so that x = predicted, y = true.
        self._image.setImage(normalised.T, levels=(0.0, 1.0))
        self._image.setLookupTable(pg.colormap.get("viridis").getLookupTable(nPts=256))
        self._image.setRect(0, 0, n, n)
        if n <= MAX_TICKS:
            for i in range(n):
                for j in range(n):
                    colour = "k" if normalised[i, j] > 0.6 else "w"
                    text = pg.TextItem(str(int(matrix[i, j])), color=colour, anchor=(0.5, 0.5))
                    text.setPos(j + 0.5, i + 0.5)
                    self.addItem(text)
                    self._texts.append(text)
        self.setRange(xRange=(0, n), yRange=(0, n), padding=0.02)
        self._update_ticks()

    def tick_labels(self) -> tuple[list[str], list[str]]:
        """The labels drawn now on the bottom (predicted) and left (true) axes, in class order."""
        def texts(axis: str) -> list[str]:
            ticks = self.getAxis(axis)._tickLevels  # noqa: SLF001 - what setTicks stored
            return [label for _pos, label in ticks[0]] if ticks else []
        return texts("bottom"), texts("left")

    def _cell_px(self) -> float:
        """Width of one cell in pixels on screen (0 before the plot is laid out)."""
        if not self._n:
            return 0.0
        view = self.getViewBox()
        x0 = view.mapViewToScene(QPointF(0, 0)).x()
        x1 = view.mapViewToScene(QPointF(1, 0)).x()
        return abs(x1 - x0)

    def _update_ticks(self) -> None:
        if not hasattr(self, "_classes") or self.plotItem is None:  # during construction or after close()
            return
        if not self._n or self._n > MAX_TICKS:
            self.getAxis("bottom").setTicks([[]])
            self.getAxis("left").setTicks([[]])
            return
        axis = self.getAxis("bottom")
        font = axis.style.get("tickFont") or self.font()
        metrics = QFontMetrics(font)
        widest = max(metrics.horizontalAdvance(c) for c in self._classes)
        cell = self._cell_px()
        if cell and widest + 6 > cell and cell >= metrics.height():  # too wide to lie, room to stand
            bottom = elide_labels(self._classes, LEFT_LABEL_PX, font)
            axis.set_upright(True, min(widest, LEFT_LABEL_PX))
        else:
            bottom = elide_labels(self._classes, cell - 4 if cell else LEFT_LABEL_PX, font)
            axis.set_upright(False)
        left = elide_labels(self._classes, LEFT_LABEL_PX, font)
        self.getAxis("bottom").setTicks([[(k + 0.5, t) for k, t in enumerate(bottom)]])
        self.getAxis("left").setTicks([[(k + 0.5, t) for k, t in enumerate(left)]])

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._update_ticks()

    def set_selected_cell(self, cell: tuple[int, int] | None) -> None:
        """Outline the cell (true index, predicted index); None removes the outline."""
        if cell is None:
            self._selection.setData([], [])
            return
        row, col = cell
        self._selection.setData([col, col + 1, col + 1, col, col], [row, row, row + 1, row + 1, row])

    def selected_cell_outline(self) -> tuple[np.ndarray, np.ndarray]:
        """The outline's x and y corners (empty when no cell is selected)."""
        x, y = self._selection.getData()
        return (np.asarray([] if x is None else x), np.asarray([] if y is None else y))

    def tooltip_at(self, scene_pos: QPointF) -> str:
        """The full class names (and the count) under a scene position: a cell or an axis label."""
        if not self._n:
            return ""
        point = self.getPlotItem().vb.mapSceneToView(scene_pos)
        col, row = int(np.floor(point.x())), int(np.floor(point.y()))
        in_col, in_row = 0 <= col < self._n, 0 <= row < self._n
        if self.getAxis("bottom").sceneBoundingRect().contains(scene_pos) and in_col:
            return self.tr("predicted: {name}").format(name=self._classes[col])
        if self.getAxis("left").sceneBoundingRect().contains(scene_pos) and in_row:
            return self.tr("true: {name}").format(name=self._classes[row])
        if in_col and in_row and self.getViewBox().sceneBoundingRect().contains(scene_pos):
            return self.tr("true {t} → predicted {p}: {n} images").format(
                t=self._classes[row], p=self._classes[col], n=int(self._matrix[row, col]))
        return ""

    def _on_hover(self, scene_pos: QPointF) -> None:
        text = self.tooltip_at(scene_pos)
        if text:
            QToolTip.showText(QCursor.pos(), text, self)
        else:
            QToolTip.hideText()

    def _on_click(self, event: Any) -> None:
        if self._n == 0:
            return
        point = self.getPlotItem().vb.mapSceneToView(event.scenePos())
        col, row = int(np.floor(point.x())), int(np.floor(point.y()))
        if 0 <= row < self._n and 0 <= col < self._n:
            self.cell_clicked.emit(row, col)
