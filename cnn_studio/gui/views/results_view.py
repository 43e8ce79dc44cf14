"""The Results panel: test accuracy, per-class accuracy, a clickable confusion matrix, hardest examples.

The images behind a clicked cell can show their Grad-CAM (the run's best checkpoint, computed in a
background ``JobRunner`` job, see ``cell_gradcam``); double-clicking one sends it to Inspect.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidgetItem, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from cnn_studio.gui.jobs import JobContext, JobFailure, JobRunner
from cnn_studio.gui.widgets.cell_gradcam import CellCam, CellGradcamBar, checkpoint_of_run, compute_cell_cams
from cnn_studio.gui.widgets.common import EmptyState, ThumbnailGrid, set_names
from cnn_studio.gui.widgets.confusion_plot import ConfusionPlot, elide_labels
from cnn_studio.gui.widgets.plots import PALETTE

MAX_CELL_IMAGES = 200


class ResultsView(QWidget):
    """Shows ``test_results.json`` of a run."""

    show_message = Signal(str)
    inspect_requested = Signal(str, str)  # image path, checkpoint ('' when the run has none)
    cell_gradcam_shown = Signal(int)      # how many of the cell's thumbnails carry a heatmap
    predictor_loaded = Signal(object)     # the Predictor a Grad-CAM job loaded (None once it is dropped)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resultsView")
        self.results: dict[str, Any] | None = None
        self.run_dir = ""
        self._runner = JobRunner(self)
        self._predictor: Any = None          # Predictor of _predictor_checkpoint, loaded by a job
        self._predictor_checkpoint = ""
        self._shown: list[dict[str, Any]] = []  # the records behind the cell grid, in row order
        self._plain_icons: list[Any] = []
        self._cams: dict[int, CellCam] = {}
        self._stack = QStackedWidget(self)
        self.empty = EmptyState(self.tr("No results yet.\n\nTrain a model (Train view), or select a finished run "
                                        "in the Runs view, to see its test accuracy and confusion matrix here."))
        self._stack.addWidget(self.empty)
        self._stack.addWidget(self._build())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self._stack)

    def _build(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.header = QLabel()
        self.header.setObjectName("resultsHeader")
        self.header.setWordWrap(True)
        layout.addWidget(self.header)
        left = QSplitter(Qt.Orientation.Vertical)
        self.confusion = set_names(ConfusionPlot(), "confusionMatrix", self.tr("Confusion matrix; click a cell"))
        self.confusion.setTitle(self.tr("Confusion matrix (click a cell)"), size="10pt")
        self.confusion.cell_clicked.connect(self.select_cell)
        self.per_class = set_names(pg.PlotWidget(), "perClassAccuracy", self.tr("Per-class accuracy"))
        self.per_class.setTitle(self.tr("Per-class test accuracy"), size="10pt")
        self.per_class.setMenuEnabled(False)
        self.per_class.setMouseEnabled(x=False, y=False)
        self.per_class.setYRange(0, 1)
        self.per_class.getViewBox().sigTransformChanged.connect(lambda *_: self._update_per_class_ticks())
        left.addWidget(self.confusion)
        left.addWidget(self.per_class)
        left.setSizes([480, 220])
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        self.cell_label = QLabel(self.tr("Click a cell of the confusion matrix to see the images behind it."))
        self.cell_label.setObjectName("cellLabel")
        self.cell_label.setWordWrap(True)
        self.cell_gradcam = CellGradcamBar()
        self.cell_gradcam.recompute_requested.connect(self._request_cams)
        self.cell_gradcam.redraw_requested.connect(self._draw_cams)
        self.cell_grid = set_names(ThumbnailGrid(72), "cellImages", self.tr("Images behind the selected cell"))
        self.cell_grid.itemDoubleClicked.connect(self._on_cell_image_double_clicked)
        self.hard_label = QLabel(self.tr("<b>Hardest examples</b> — the most confidently wrong test images"))
        self.hard_grid = set_names(ThumbnailGrid(72), "hardestExamples", self.tr("Hardest examples"))
        for w, stretch in ((self.cell_label, 0), (self.cell_gradcam, 0), (self.cell_grid, 1), (self.hard_label, 0), (self.hard_grid, 1)):
            rl.addWidget(w, stretch)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([620, 640])
        layout.addWidget(split, 1)
        return page

    def clear(self) -> None:
        """Back to the empty state."""
        self.results = None
        self._forget_cell()
        self._stack.setCurrentIndex(0)

    def load_run(self, run_dir: str) -> bool:
        """Show the test results of a run folder; return False (empty state) when it has none."""
        from cnn_studio.core.runs import read_test_results

        self.run_dir = str(run_dir)
        if checkpoint_of_run(self.run_dir) != self._predictor_checkpoint:
            self._runner.cancel("cell_gradcam")
            if self._predictor is not None:
                self.predictor_loaded.emit(None)
            self._predictor, self._predictor_checkpoint = None, ""
        results = read_test_results(run_dir)
        if not results or not results.get("confusion_matrix"):
            self.clear()
            self.empty.setText(self.tr("The run {name} has no test results (it was stopped early, or the dataset "
                                       "has no test split).").format(name=Path(run_dir).name))
            return False
        from cnn_studio.core.runs import run_display_name

        self.show_results(results, run_display_name(run_dir))
        return True

    def show_results(self, results: dict[str, Any], title: str = "") -> None:
        """Show a ``test_results.json`` dictionary."""
        self.results = results
        classes = list(results["classes"])
        matrix = np.asarray(results["confusion_matrix"], dtype=float)
        self.header.setText(self.tr("<span style='font-size:15pt'><b>Test accuracy {acc:.2%}</b></span> &nbsp; "
                                    "{count} test images · loss {loss:.4f} · {wrong} misclassified &nbsp; <i>{title}</i>")
                            .format(acc=results.get("accuracy", float("nan")), count=results.get("count", 0),
                                    loss=results.get("loss", float("nan")),
                                    wrong=results.get("misclassified_total", 0), title=title))
        self.confusion.set_matrix(matrix, classes)
        self.per_class.clear()
        per = results.get("per_class_accuracy", {})
        values = np.array([np.nan if per.get(c) is None else per.get(c) for c in classes], dtype=float)
        self.per_class.addItem(pg.BarGraphItem(x=np.arange(len(classes)), height=np.nan_to_num(values), width=0.7,
                                               brush=pg.mkBrush(*PALETTE[0]), pen=pg.mkPen(None)))
        self.per_class.setYRange(0, 1)
        self._update_per_class_ticks()
        self.hard_grid.clear()
        for m in results.get("misclassified", [])[:60]:
            self._add_thumb(self.hard_grid, m)
        self._forget_cell()
        self.cell_label.setText(self.tr("Click a cell of the confusion matrix to see the images behind it."))
        self._stack.setCurrentIndex(1)

    def _update_per_class_ticks(self) -> None:
        """Label every n-th bar with its class name, elided to the room between labels."""
        classes = list(self.results["classes"]) if self.results else []
        if not classes:
            return
        step = max(1, len(classes) // 20)
        view = self.per_class.getViewBox()
        unit = abs(view.mapViewToScene(QPointF(1, 0)).x() - view.mapViewToScene(QPointF(0, 0)).x())
        font = self.per_class.getAxis("bottom").style.get("tickFont") or self.per_class.font()
        shown = [classes[i] for i in range(0, len(classes), step)]
        texts = elide_labels(shown, unit * step - 4 if unit else 80, font)
        self.per_class.getAxis("bottom").setTicks([[(i * step, t) for i, t in enumerate(texts)]])

    def _add_thumb(self, grid: ThumbnailGrid, m: dict[str, Any]) -> None:
        caption = f"{m['predicted'][:14]}\n{m['confidence']:.0%}"  # two lines: the percentage is never elided
        tip = self.tr("{path}\ntrue: {t}, predicted: {p} ({c:.1%})").format(path=m["path"], t=m["true"],
                                                                          p=m["predicted"], c=m["confidence"])
        if grid is self.cell_grid:
            tip += self.tr("\nDouble-click to open it in the Inspect view.")
        grid.add_image(m["path"], caption, data=m["path"], tooltip=tip)

    def cell_images(self, true_index: int, predicted_index: int) -> list[dict[str, Any]]:
        """Return the images of one confusion cell, most confident first."""
        if self.results is None:
            return []
        source = self.results.get("predictions") or self.results.get("misclassified", [])
        items = [m for m in source if m["true_index"] == true_index and m["predicted_index"] == predicted_index]
        return sorted(items, key=lambda m: -m["confidence"])

    def select_cell(self, true_index: int, predicted_index: int) -> None:
        """Show the images behind a cell (true vs predicted, confidence), sorted by confidence."""
        if self.results is None:
            return
        classes = self.results["classes"]
        count = int(np.asarray(self.results["confusion_matrix"])[true_index, predicted_index])
        items = self.cell_images(true_index, predicted_index)
        self._forget_cell()
        self.confusion.set_selected_cell((true_index, predicted_index))
        self._shown = items[:MAX_CELL_IMAGES]
        for m in self._shown:
            self._add_thumb(self.cell_grid, m)
        self._plain_icons = [self.cell_grid.item(row).icon() for row in range(self.cell_grid.count())]
        note = ""
        if true_index == predicted_index and not self.results.get("predictions"):
            note = self.tr(" Correct predictions are not stored per image; only mistakes are listed.")
        self.cell_label.setText(self.tr("<b>true {t} → predicted {p}</b>: {n} images, {k} shown, most confident "
                                        "first.{note}").format(t=classes[true_index], p=classes[predicted_index],
                                                               n=count, k=min(len(items), MAX_CELL_IMAGES), note=note))
        if self.cell_gradcam.enabled():
            self._request_cams()

    # --- Grad-CAM of the cell's images (background) ----------------------------------------
    def checkpoint(self) -> str | None:
        """The checkpoint the cell heatmaps are computed with (the run's best.pt), or None."""
        return checkpoint_of_run(self.run_dir)

    def loaded_predictor(self) -> Any:
        """The ``Predictor`` the heatmaps were computed with (None until a Grad-CAM job loaded it)."""
        return self._predictor if self._predictor_checkpoint == self.checkpoint() else None

    def cell_cams(self) -> dict[int, CellCam]:
        """The heatmaps computed so far for the shown cell, by thumbnail row."""
        return dict(self._cams)

    def is_busy(self) -> bool:
        """True while a background job has not delivered its result."""
        return self._runner.is_busy()

    def active_threads(self) -> int:
        """Pool threads running a job of this view right now."""
        return self._runner.active_threads()

    def shutdown(self) -> None:
        """Cancel the Grad-CAM job and wait for it (call before the window closes)."""
        self._runner.shutdown()

    def _forget_cell(self) -> None:
        self._runner.cancel("cell_gradcam")
        self.cell_grid.clear()
        self._shown, self._plain_icons, self._cams = [], [], {}
        self.cell_gradcam.status.clear()

    def _request_cams(self) -> None:
        if not self._shown or not self.cell_gradcam.enabled():
            return
        checkpoint = self.checkpoint()
        if checkpoint is None:
            self.cell_gradcam.status.setText(self.tr("No checkpoint in this run: Grad-CAM needs best.pt or last.pt."))
            return
        self._cams = {}
        self._draw_cams()
        items = [dict(m) for m in self._shown]
        explain_true = self.cell_gradcam.explain_true_class()
        predictor = self._predictor if self._predictor_checkpoint == checkpoint else None
        self.cell_gradcam.status.setText(self.tr("Computing Grad-CAM for {n} images…").format(n=len(items)))

        def job(context: JobContext) -> dict[str, Any]:
            return compute_cell_cams(checkpoint, items, explain_true, predictor, context.partial, context.cancel)

        self._runner.submit(job, kind="cell_gradcam", on_done=self._on_cams_done, on_failed=self._on_cams_failed,
                            on_partial=lambda payload: self._on_cams(checkpoint, payload))

    def _on_cams(self, checkpoint: str, payload: dict[str, Any]) -> None:
        if payload["predictor"] is not self._predictor:
            self._predictor, self._predictor_checkpoint = payload["predictor"], checkpoint
            self.predictor_loaded.emit(self._predictor)
        self._predictor_checkpoint = checkpoint
        for cam in payload["cams"]:
            self._cams[cam.row] = cam
            self._draw_row(cam.row)
        if payload["cams"]:
            self.cell_gradcam.status.setText(self.tr("Grad-CAM: {k} of {n} images…").format(
                k=len(self._cams), n=len(self._shown)))

    def _on_cams_done(self, result: dict[str, Any]) -> None:
        failed = result.get("failed", [])
        text = self.tr("Grad-CAM of {k} images ({what}).").format(
            k=len(self._cams), what=self.tr("true class") if self.cell_gradcam.explain_true_class()
            else self.tr("predicted class"))
        if failed:
            text += " " + self.tr("{n} could not be read (e.g. {path}).").format(n=len(failed),
                                                                           path=Path(failed[0][0]).name)
        self.cell_gradcam.status.setText(text)
        self.cell_gradcam_shown.emit(len(self._cams))

    def _on_cams_failed(self, failure: JobFailure) -> None:
        text = failure.message if failure.user_error else self.tr("Grad-CAM failed: {0}").format(failure.exception)
        self.cell_gradcam.status.setText(text)
        self.show_message.emit(text)

    def _draw_cams(self) -> None:
        for row in range(self.cell_grid.count()):
            self._draw_row(row)

    def _draw_row(self, row: int) -> None:
        from cnn_studio.core.viz.gradcam import overlay_heatmap

        cam = self._cams.get(row)
        if self.cell_gradcam.enabled() and cam is not None:
            self.cell_grid.set_picture(row, overlay_heatmap(cam.picture, cam.heatmap,
                                                            self.cell_gradcam.opacity_fraction()))
        elif row < len(self._plain_icons) and self.cell_grid.item(row) is not None:
            self.cell_grid.item(row).setIcon(self._plain_icons[row])

    def _on_cell_image_double_clicked(self, item: QListWidgetItem) -> None:
        path = item.data(Qt.ItemDataRole.UserRole)
        if path:
            self.inspect_requested.emit(str(path), self.checkpoint() or "")
