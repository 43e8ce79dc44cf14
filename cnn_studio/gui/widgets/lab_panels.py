"""The Lab view's parts: the live overlay of a queue's runs and the verdict with the experiment's figure."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtWidgets import QComboBox, QLabel, QSizePolicy, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from cnn_studio.gui.i18n import core_text
from cnn_studio.gui.widgets.common import set_names, text_label
from cnn_studio.gui.widgets.plots import PALETTE, SeriesBuffer, make_curve, make_plot

DIR_ROLE = Qt.ItemDataRole.UserRole


def format_duration(seconds: float) -> tuple[int, int, int]:
    """Split ``seconds`` into (hours, minutes, seconds), rounded to the second."""
    total = int(round(max(0.0, seconds)))
    return total // 3600, total % 3600 // 60, total % 60


def result_word(widget: QWidget, word: str) -> str:
    """A verdict's or an experiment's state word (``shown``, ``stopped``...) in the user's language."""
    words = {"shown": widget.tr("shown"), "not shown": widget.tr("not shown"),
             "inconclusive": widget.tr("inconclusive"), "completed": widget.tr("completed"),
             "stopped": widget.tr("stopped"), "unfinished": widget.tr("unfinished")}
    return words.get(word, word)


class BudgetBox(QComboBox):
    """An experiment's budgets, quick first, each with what it means."""

    ORDER = ("quick", "paper", "smoke")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        set_names(self, "labBudget", self.tr("Budget"))

    def set_budgets(self, budgets: Sequence[str]) -> None:
        """Offer ``budgets`` (an experiment's), keeping the current choice when it is offered."""
        texts = {"quick": self.tr("quick: minutes on a laptop, shows the effect"),
                 "paper": self.tr("paper: the paper's settings"),
                 "smoke": self.tr("smoke: seconds, a first look")}
        current = self.currentData()
        self.blockSignals(True)
        self.clear()
        for budget in [b for b in self.ORDER if b in budgets] + [b for b in budgets if b not in self.ORDER]:
            self.addItem(texts.get(budget, budget), budget)
        self.setCurrentIndex(max(self.findData(current), 0))
        self.blockSignals(False)
        self.currentIndexChanged.emit(self.currentIndex())


class PlanEstimate(QLabel):
    """The plan of an experiment in one sentence: time estimate, runs, images."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("labEstimate")
        self.setWordWrap(True)

    def show_plan(self, plan: Any) -> None:
        """Show a ``core.lab.experiment.LabPlan``."""
        h, m, s = format_duration(plan.estimate_seconds)
        if h:
            time_text = self.tr("about {h} h {m} min").format(h=h, m=m)
        elif m:
            time_text = self.tr("about {m} min").format(m=max(1, m + (s >= 30)))
        else:
            time_text = self.tr("about {s} s").format(s=s)
        d = plan.data
        self.setText(self.tr("{time} for {n} runs on {train} training and {held} held-out images ({size} px, "
                             "{classes} classes) on this computer.").format(
            time=time_text, n=len(plan.specs), train=d.train_images, held=d.test_images, size=d.image_size,
            classes=d.num_classes))


class FinishedExperiments(QTreeWidget):
    """The experiments of the lab folder (``core.lab.experiment.list_experiment_dirs``), newest first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        set_names(self, "labFinished", self.tr("Finished experiments"))
        self.setHeaderLabels([self.tr("Experiment"), self.tr("Budget"), self.tr("Result")])
        self.setRootIsDecorated(False)
        self.entries: list[dict[str, Any]] = []

    def refresh(self, selected_dir: str = "") -> None:
        """Scan the lab folder again; select ``selected_dir`` when it is listed (no selection signal)."""
        from cnn_studio.core.lab.experiment import list_experiment_dirs

        self.entries = list_experiment_dirs()
        self.blockSignals(True)
        self.clear()
        for entry in self.entries:
            word = (entry.get("verdict") or {}).get("result") or entry.get("status", "")
            item = QTreeWidgetItem([Path(entry["experiment_dir"]).name, str(entry.get("budget", "")),
                                    result_word(self, word)])
            item.setData(0, DIR_ROLE, entry["experiment_dir"])
            item.setToolTip(0, entry["experiment_dir"])
            self.addTopLevelItem(item)
            if entry["experiment_dir"] == selected_dir:
                self.setCurrentItem(item)
        for column in range(self.columnCount()):
            self.resizeColumnToContents(column)
        self.blockSignals(False)

    def folders(self) -> list[str]:
        """The listed experiment folders, in order."""
        return [e["experiment_dir"] for e in self.entries]

    def selected_entry(self) -> dict[str, Any] | None:
        """The selected experiment's listing entry (None when nothing is selected)."""
        item = self.currentItem()
        folder = item.data(0, DIR_ROLE) if item is not None else None
        return next((e for e in self.entries if e["experiment_dir"] == folder), None) if folder else None


class LabCurves(QWidget):
    """Training error (thin) and held-out error (bold) in % per epoch, one colour per run (the papers' style)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.plot = make_plot(self.tr("Error per run: training (thin), held-out (bold)"),
                              self.tr("error (%)"), self.tr("epoch"), legend="top-right")
        self.plot.setObjectName("labCurves")
        layout.addWidget(self.plot)
        self.plot.setYRange(0.0, 100.0)
        self._legend_visible(False)
        self.series: dict[str, tuple[SeriesBuffer, SeriesBuffer, Any, Any]] = {}

    def clear(self) -> None:
        """Remove every run's curves."""
        self.plot.clear()
        legend = self.plot.plotItem.legend
        if legend is not None:
            legend.clear()
        self._legend_visible(False)
        self.plot.setYRange(0.0, 100.0)
        self.series = {}

    def _legend_visible(self, visible: bool) -> None:
        legend = self.plot.plotItem.legend
        if legend is not None:
            legend.setVisible(visible)

    def _ensure(self, name: str, label: str) -> tuple[SeriesBuffer, SeriesBuffer, Any, Any]:
        if name not in self.series:
            import pyqtgraph as pg

            colour = PALETTE[len(self.series) % len(PALETTE)]
            train = make_curve(self.plot, None, colour)  # one legend entry per run: its bold held-out curve
            held = make_curve(self.plot, label, colour, symbol="o")
            held.setPen(pg.mkPen(colour, width=2.5))
            self.series[name] = (SeriesBuffer(64), SeriesBuffer(64), train, held)
            self._legend_visible(True)
            self.plot.enableAutoRange(axis="y")
        return self.series[name]

    def add_epoch(self, name: str, label: str, epoch: int, train_accuracy: float,
                  heldout_accuracy: float | None) -> None:
        """Add one epoch of run ``name`` (accuracies 0..1; None: no held-out evaluation)."""
        train_buf, held_buf, train, held = self._ensure(name, label)
        train_buf.append(epoch, 100.0 * (1.0 - train_accuracy))
        held_buf.append(epoch, None if heldout_accuracy is None else 100.0 * (1.0 - heldout_accuracy))
        train.setData(train_buf.x, train_buf.y)
        held.setData(held_buf.x, held_buf.y)

    def add_history(self, name: str, label: str, history: Sequence[Mapping[str, Any]]) -> None:
        """Draw the epochs a run finished before (a continued experiment)."""
        for record in history:
            self.add_epoch(name, label, int(record["epoch"]), float(record["train_accuracy"]),
                           record.get("heldout_accuracy"))

    def points(self, name: str) -> int:
        """Epochs drawn for run ``name``."""
        return len(self.series[name][0]) if name in self.series else 0


class LabResult(QWidget):
    """The lecture's claim, whether the runs show it (with the numbers), and the experiment's figure."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.verdict = text_label("labVerdict")
        layout.addWidget(self.verdict)
        self.figure = QLabel()
        self.figure.setObjectName("labFigure")
        self.figure.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.figure.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.figure.setMinimumHeight(160)
        layout.addWidget(self.figure, 1)
        self._pixmap = QPixmap()
        self.clear()

    def show_result(self, status: str, verdict: Mapping[str, Any] | None, figure: str | None) -> None:
        """Show a result (``result.json``'s status, verdict and figure path; missing parts are said so)."""
        colours = {"shown": "#1a7f37", "not shown": "#b42318", "inconclusive": "#8a5a00"}
        if verdict:
            word = str(verdict.get("result", ""))
            status_line = "" if status == "completed" else self.tr("The experiment was stopped before all its "
                                                                    "runs finished. ")
            self.verdict.setText(self.tr("<b>Claim:</b> {claim}<br><b>Result: <span style='color:{colour}'>{word}"
                                         "</span></b> {status}{summary}").format(
                claim=core_text(str(verdict.get("claim", ""))), colour=colours.get(word, "#333"), word=result_word(self, word),
                status=status_line, summary=verdict.get("summary", "")))
        else:
            self.verdict.setText(self.tr("This experiment has no verdict yet: continue it to finish its runs."))
        self._pixmap = QPixmap(figure) if figure else QPixmap()
        self.figure.setText("" if not self._pixmap.isNull() else self.tr("No figure yet."))
        self._fit()

    def clear(self) -> None:
        """Show the hint of an experiment not yet run."""
        self.verdict.setText(self.tr("The verdict (the lecture's claim, and whether these runs show it) and the "
                                     "experiment's figure appear here when the queue has finished."))
        self._pixmap = QPixmap()
        self.figure.clear()

    @property
    def has_figure(self) -> bool:
        """True when a figure is shown."""
        return not self._pixmap.isNull()

    def _fit(self) -> None:
        if not self._pixmap.isNull():
            self.figure.setPixmap(self._pixmap.scaled(self.figure.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                                      Qt.TransformationMode.SmoothTransformation))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit()
