"""Growing numpy buffers behind persistent pyqtgraph curves (setData on a timer, never re-created)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication

PALETTE = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
           (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207)]


class SeriesBuffer:
    """Append-only x/y buffer with amortised growth."""

    def __init__(self, capacity: int = 256) -> None:
        self._x = np.empty(capacity, dtype=np.float64)
        self._y = np.empty(capacity, dtype=np.float64)
        self._n = 0

    def append(self, x: float, y: float) -> None:
        """Add one point."""
        if self._n == len(self._x):
            self._x = np.resize(self._x, 2 * self._n)
            self._y = np.resize(self._y, 2 * self._n)
        self._x[self._n] = x
        self._y[self._n] = np.nan if y is None else y
        self._n += 1

    def clear(self) -> None:
        """Drop every point."""
        self._n = 0

    def __len__(self) -> int:
        return self._n

    @property
    def x(self) -> np.ndarray:
        """Return the x values (a view)."""
        return self._x[: self._n]

    @property
    def y(self) -> np.ndarray:
        """Return the y values (a view)."""
        return self._y[: self._n]


def make_plot(title: str, left: str, bottom: str | None = None, legend: str | None = "top-right") -> pg.PlotWidget:
    """Return a PlotWidget for live curves (x label ``bottom``, default "epoch"; ``legend``: a LEGEND_CORNERS key or None)."""
    plot = pg.PlotWidget()
    plot.setTitle(title, size="10pt")
    plot.setLabel("left", left)
    plot.setLabel("bottom", bottom if bottom is not None else QCoreApplication.translate("plots", "epoch"))
    # No grid: alpha-blended grid lines made each repaint ~4x slower (7.6 ms vs 2.0 ms per plot).
    plot.setMenuEnabled(False)
    # No SI prefixes: accuracies stay 0..1 and epochs 0..0.8, not "x0.001" with 0..800.
    plot.getAxis("left").enableAutoSIPrefix(False)
    plot.getAxis("bottom").enableAutoSIPrefix(False)
    plot.setClipToView(True)
    plot.setDownsampling(auto=True, mode="peak")
    if legend:
        add_corner_legend(plot, legend)
    plot.setMinimumHeight(140)
    return plot


#: legend corners as pyqtgraph offsets (positive: from the left/top, negative: from the right/bottom)
LEGEND_CORNERS = {"top-right": (-6, 6), "bottom-right": (-6, -6), "top-left": (6, 6), "bottom-left": (6, -6)}


def add_corner_legend(plot: pg.PlotWidget, corner: str = "top-right", columns: int = 1) -> pg.LegendItem:
    """Add a small, semi-transparent legend in ``corner`` so the data behind it stays visible."""
    legend = plot.addLegend(offset=LEGEND_CORNERS[corner], labelTextSize="8pt", colCount=columns,
                            brush=pg.mkBrush(255, 255, 255, 150), pen=pg.mkPen(200, 200, 200, 180))
    return legend


def set_range_from_zero(plot: pg.PlotWidget, values: np.ndarray) -> None:
    """Show ``values`` (e.g. a learning rate or a throughput) from 0 to a little above their largest value.

    A constant curve then sits at a sensible height instead of pyqtgraph's -0.4..0.6 around it.
    """
    finite = values[np.isfinite(values)] if len(values) else values
    top = float(finite.max()) if len(finite) else 0.0
    if top > 0:
        plot.setYRange(0.0, top * 1.15, padding=0)
    else:
        plot.enableAutoRange(axis="y")


def set_epoch_range(plot: pg.PlotWidget, last_x: float, planned: float = 0) -> None:
    """Show epochs 0 .. the run's length (``planned``), or 0 .. a little past ``last_x`` when unknown.

    One point at epoch 1 then sits inside 0..epochs instead of pyqtgraph's -2..4 around it.
    """
    end = max(float(planned or 0), float(last_x or 0))
    if end <= 0:
        end = 1.0
    plot.setXRange(0.0, end, padding=0.03)


def make_curve(plot: pg.PlotWidget, name: str, colour: tuple[int, int, int], symbol: str | None = None,
               dashed: bool = False) -> pg.PlotDataItem:
    """Add a persistent curve (pen width 1) to ``plot``."""
    from PySide6.QtCore import Qt

    pen = pg.mkPen(colour, width=1, style=Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)
    kwargs = {"symbol": symbol, "symbolSize": 6, "symbolBrush": colour, "symbolPen": None} if symbol else {}
    item = plot.plot([], [], pen=pen, name=name or None, **kwargs)  # no name: no legend entry
    item.setClipToView(True)
    item.setDownsampling(auto=True, method="peak")
    return item


def log_ticks(low: float, high: float) -> list[tuple[float, str]]:
    """Readable ticks for a log10 axis between ``low`` and ``high`` (positive data values).

    Returns (log10(value), label) pairs: 1-2-5 steps per decade, or 1..9 when the range is narrow,
    so a learner sees plain numbers like 0.5, 1, 2 instead of one or two labels.
    """
    if not (np.isfinite(low) and np.isfinite(high)) or low <= 0 or high <= 0:
        return []
    low, high = min(low, high), max(low, high)
    first, last = int(np.floor(np.log10(low))), int(np.ceil(np.log10(high)))
    inside: list[float] = []
    for mantissas in ((1,), (1, 2, 5), tuple(range(1, 10))):
        values = [m * 10.0 ** k for k in range(first, last + 1) for m in mantissas]
        inside = [v for v in values if low <= v <= high]
        if len(inside) >= 4:
            break
    if len(inside) < 4:  # a narrow range (e.g. 0.85 .. 1.8): evenly spaced round numbers instead
        raw = (high - low) / 5
        magnitude = 10.0 ** np.floor(np.log10(raw))
        step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
        inside = [round(v, 10) for v in np.arange(np.ceil(low / step) * step, high + step / 2, step) if v > 0]
    return [(float(np.log10(v)), f"{v:g}") for v in inside]


def use_log_y(plot: pg.PlotWidget) -> None:
    """Put ``plot``'s y axis on a log scale labelled with plain numbers (0.5, 1, 2, ...) for the visible range."""
    plot.setLogMode(x=False, y=True)
    axis = plot.getAxis("left")

    def relabel(_view: object = None, y_range: tuple[float, float] | None = None) -> None:
        low, high = y_range if y_range is not None else plot.getViewBox().viewRange()[1]
        ticks = log_ticks(10.0 ** low, 10.0 ** high) if high - low < 30 else []
        axis.setTicks([ticks] if ticks else None)

    plot.getViewBox().sigYRangeChanged.connect(relabel)
    relabel()
