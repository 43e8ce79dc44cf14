"""The Train view's four live plots: loss, accuracy, every parameter group's learning rate, throughput."""

from __future__ import annotations

from typing import Any, Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from cnn_studio.gui.widgets.plots import (PALETTE, SeriesBuffer, make_curve, make_plot, set_epoch_range,
                                          set_range_from_zero, use_log_y)

SMOOTHING = 0.8  # exponential smoothing of the per-step loss, between points at most ...
SMOOTHED_GAP = 0.1  # ... this many epochs apart; farther points (a fast epoch: one point) weigh more
#: the fixed curves of each plot; the lr plot adds one curve per parameter group ("lr:<group name>")
PLOT_CURVES = {"loss": ("step_loss", "train_loss", "heldout_loss"), "accuracy": ("train_accuracy", "heldout_accuracy"),
               "lr": ("lr",), "speed": ("images_per_second",)}


class TrainCurves(QWidget):
    """Growing buffers behind persistent curves; ``redraw`` pushes the dirty ones (one plot per call)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._smoothed: float | None = None
        self._smoothed_x = 0.0
        self._dirty: list[str] = []
        self.planned_epochs = 0  # the run's length (the x axes span it); 0: from the data
        self.series = {name: SeriesBuffer() for names in PLOT_CURVES.values() for name in names}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        # Loss on a log scale: an early outlier (e.g. a held-out loss of 700 in epoch 1) no longer
        # flattens the rest of the curve, and every point stays visible.
        self.loss_plot = make_plot(self.tr("Loss (log scale)"), self.tr("loss"), self.tr("epoch"),
                                   legend="bottom-left")  # the loss starts high on the left: that corner stays empty
        use_log_y(self.loss_plot)
        self.acc_plot = make_plot(self.tr("Accuracy"), self.tr("accuracy"), self.tr("epoch"), legend="bottom-right")
        self.lr_plot = make_plot(self.tr("Learning rate (each parameter group)"), self.tr("lr"), self.tr("epoch"))
        self.speed_plot = make_plot(self.tr("Throughput"), self.tr("images/s"), self.tr("epoch"), legend=None)
        self.acc_plot.setYRange(0, 1)
        self.plots = {"loss": self.loss_plot, "accuracy": self.acc_plot, "lr": self.lr_plot, "speed": self.speed_plot}
        self.curves = {
            "step_loss": make_curve(self.loss_plot, self.tr("train (per step, smoothed)"), (170, 200, 230)),
            "train_loss": make_curve(self.loss_plot, self.tr("train"), PALETTE[0], symbol="o"),
            "heldout_loss": make_curve(self.loss_plot, self.tr("held-out"), PALETTE[1], symbol="s"),
            "train_accuracy": make_curve(self.acc_plot, self.tr("train"), PALETTE[0], symbol="o"),
            "heldout_accuracy": make_curve(self.acc_plot, self.tr("held-out"), PALETTE[1], symbol="s"),
            "lr": make_curve(self.lr_plot, "", PALETTE[2]),  # no group names (older runs): no legend entry
            "images_per_second": make_curve(self.speed_plot, self.tr("images/s"), PALETTE[4]),
        }
        self.lr_plot.plotItem.legend.setVisible(False)  # empty until the first parameter group's curve
        for i, (key, plot) in enumerate(self.plots.items()):  # lossPlot, accuracyPlot, lrPlot, speedPlot
            plot.setObjectName(f"{key}Plot")
            grid.addWidget(plot, i // 2, i % 2)
        self.hint = QLabel(self.tr("Press Start (F5) to train; curves appear here."))
        self.hint.setObjectName("plotsHint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setStyleSheet("color: #666; font-size: 15px; background: rgba(255, 255, 255, 200); "
                                "padding: 10px; border-radius: 6px;")
        self.hint.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        grid.addWidget(self.hint, 0, 0, 2, 2, Qt.AlignmentFlag.AlignCenter)  # over the four plots

    # --- data --------------------------------------------------------------------------------
    def clear(self) -> None:
        """Drop every point (the per-group lr curves too) and hide the hint."""
        for name in [n for n in self.series if n.startswith("lr:")]:
            self.lr_plot.removeItem(self.curves.pop(name))
            del self.series[name]
        self.lr_plot.plotItem.legend.setVisible(False)
        for buffer in self.series.values():
            buffer.clear()
        self._smoothed = None
        self.hint.setVisible(False)
        self.mark_dirty(*PLOT_CURVES)

    def add_step(self, x: float, loss: float, lr: float | None, ips: float | None,
                 lrs: Iterable[Any] = ()) -> None:
        """One progress point: smoothed loss, learning rates (per group when ``lrs`` is given), throughput."""
        if self._smoothed is None:
            self._smoothed = loss
        else:  # the old value fades per tenth of an epoch, not per point: sparse points are not dragged back
            keep = SMOOTHING ** max(1.0, (x - self._smoothed_x) / SMOOTHED_GAP)
            self._smoothed = keep * self._smoothed + (1 - keep) * loss
        self._smoothed_x = x
        self.series["step_loss"].append(x, self._smoothed)
        groups = [(str(name), float(value)) for name, value in (lrs or ())]
        if groups:
            for name, value in groups:
                self._group_series(name).append(x, value)
        else:
            self.series["lr"].append(x, lr)
        self.series["images_per_second"].append(x, ips)
        self.mark_dirty("loss", "lr", "speed")

    def add_epoch(self, x: float, train_loss: Any, train_acc: Any, heldout_loss: Any, heldout_acc: Any) -> None:
        """One epoch's points."""
        self.series["train_loss"].append(x, train_loss)
        self.series["train_accuracy"].append(x, train_acc)
        self.series["heldout_loss"].append(x, heldout_loss)
        self.series["heldout_accuracy"].append(x, heldout_acc)
        self.mark_dirty("loss", "accuracy")

    def group_label(self, name: str) -> str:
        """The legend text of a parameter group (``head``, ``backbone``, ``backbone:<path>``)."""
        role, _, path = name.partition(":")
        words = {"head": self.tr("head"), "backbone": self.tr("backbone")}
        text = words.get(role, role)
        return self.tr("{group} ({path})").format(group=text, path=path) if path else text

    def _group_series(self, name: str) -> SeriesBuffer:
        key = f"lr:{name}"
        if key not in self.series:
            self.series[key] = SeriesBuffer()
            index = sum(k.startswith("lr:") for k in self.curves)
            # later groups dashed: two groups at the same rate (no pretrained backbone) both stay visible
            self.curves[key] = make_curve(self.lr_plot, self.group_label(name), PALETTE[(2 + index) % len(PALETTE)],
                                          dashed=index > 0)
            self.lr_plot.plotItem.legend.setVisible(True)
        return self.series[key]

    def lr_curve_names(self) -> list[str]:
        """The lr plot's curves that hold points (``lr`` or ``lr:<group>``)."""
        return [n for n in self.series if (n == "lr" or n.startswith("lr:")) and len(self.series[n])]

    # --- drawing -----------------------------------------------------------------------------
    def mark_dirty(self, *plots: str) -> None:
        """Queue plots for the next ``redraw``."""
        for plot in plots:
            if plot not in self._dirty:
                self._dirty.append(plot)

    def has_dirty(self) -> bool:
        """Whether some plot waits for a redraw."""
        return bool(self._dirty)

    def redraw(self, everything: bool = False) -> None:
        """Push the buffers into the curves: the first dirty plot, or all of them."""
        plots = list(self._dirty) if everything else self._dirty[:1]
        for plot in plots:
            self._dirty.remove(plot)
            names = [n for n in self.series if n.startswith("lr:")] + ["lr"] if plot == "lr" else PLOT_CURVES[plot]
            for name in names:
                buffer = self.series[name]
                self.curves[name].setData(buffer.x, buffer.y, connect="finite")
            if plot in ("lr", "speed"):
                import numpy as np

                ys = [self.series[n].y for n in names if len(self.series[n])]
                set_range_from_zero(self.plots[plot], np.concatenate(ys) if ys else np.empty(0))
            xs = [self.series[n].x for n in names if len(self.series[n])]
            set_epoch_range(self.plots[plot], max((float(x[-1]) for x in xs), default=0.0), self.planned_epochs)
