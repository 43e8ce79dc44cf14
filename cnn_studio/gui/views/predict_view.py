"""Predict: drop images or folders, see the top-5 classes, Grad-CAM, a sortable table, CSV export.

The model is a checkpoint (opened here, or the current run's best, set by the main window) or,
out of the box, the bundled ImageNet EfficientNet-Lite0. Loading and classifying run on a private
thread pool (the view's ``JobRunner``); results arrive batch by batch, so 100 dropped images fill the table
progressively with a progress bar and the window stays responsive.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QProgressBar, QPushButton,
    QScrollArea, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from cnn_studio.core.data.decode import image_name_patterns
from cnn_studio.gui.jobs import JobContext, JobFailure, JobRunner
from cnn_studio.gui.widgets.common import EmptyState, set_names
from cnn_studio.gui.widgets.folder_eval_panel import FolderEvaluationPanel
from cnn_studio.gui.widgets.image_tools import display_names, english_plural, has_local_paths, local_paths
from cnn_studio.gui.widgets.model_caption import ModelCaptions
from cnn_studio.gui.widgets.prediction_card import PredictionCard
from cnn_studio.gui.widgets.prediction_table import FileItem, NumberItem

TOPK = 5
MAX_CARDS = 12  # more files than this (or any folder): the table, with a card for the selection
CARD_HEIGHT = 190       # the selected row's card above a labelled folder's confusion matrix
CARD_PANEL_WIDTH = 380  # the selected row's card beside the table never gets narrower than this


class PredictView(QWidget):
    """Drag-and-drop classification panel."""

    predictions_finished = Signal(int)  # number of files classified (including per-file errors)
    model_changed = Signal(str)         # a description of the model now used

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("predictView")
        self.setAcceptDrops(True)
        self._runner = JobRunner(self)
        self._predictor: Any = None
        self._pending_source: Any = None
        self._paths: list[str] = []
        self._names: dict[str, str] = {}  # path -> what the table and cards show (relative to the drop)
        self._results: dict[str, Any] = {}
        self._folder = ""                 # the one dropped folder ('' for files or several folders)
        self._labels: dict[str, int] = {}  # path -> true class index, from the folder's class sub-folders
        self._cards: dict[str, PredictionCard] = {}
        self._table_mode = False
        self.captions = ModelCaptions(self)
        self._build()
        self._show_empty()

    # --- public API (main window) ----------------------------------------------------------
    def set_checkpoint(self, path: str | os.PathLike | None) -> None:
        """Use this checkpoint (e.g. the current run's best.pt); None: the bundled ImageNet model."""
        self._load_model(str(path) if path else None)

    def set_predictor(self, predictor: Any) -> None:
        """Use an already loaded ``core.inference.Predictor``."""
        self._runner.cancel("load")
        self._use_predictor(predictor)

    def add_paths(self, paths: Sequence[str | os.PathLike]) -> None:
        """Classify image files and folders (what a drop on this view or the main window gives)."""
        from cnn_studio.core.inference import collect_image_paths

        inputs = [str(p) for p in paths]
        if not inputs:
            return
        files = collect_image_paths(inputs)
        self._table_mode = any(Path(p).is_dir() for p in inputs) or len(files) > MAX_CARDS
        self._paths = files
        self._names = display_names(files, [p for p in inputs if Path(p).is_dir()])
        self._folder = inputs[0] if len(inputs) == 1 and Path(inputs[0]).is_dir() else ""
        self._results = {}
        self._reset_results_area()
        if not files:
            self.status_label.setText(self.tr("No image files were found in what was dropped."))
            return
        self._classify()

    def results(self) -> list[Any]:
        """The predictions so far (``Prediction`` or ``PredictionError``), in file order."""
        return [self._results[p] for p in self._paths if p in self._results]

    def is_busy(self) -> bool:
        """True while a model loads or files are being classified."""
        return self._runner.is_busy()

    def shutdown(self) -> None:
        """Stop background work and wait for it (call before the window closes)."""
        self._runner.shutdown()

    # --- layout ----------------------------------------------------------------------------
    def _build_bar(self) -> QHBoxLayout:
        """The model label and the buttons above the results."""
        bar = QHBoxLayout()
        self.model_label = QLabel(self.tr("Model: the bundled ImageNet EfficientNet-Lite0"))
        self.model_label.setObjectName("predictModelLabel")
        self.open_checkpoint_button = set_names(QPushButton(self.tr("Open checkpoint…")),
                                                "predictOpenCheckpoint", self.tr("Open a checkpoint to predict with"))
        self.imagenet_button = set_names(QPushButton(self.tr("ImageNet model")), "predictUseImagenet",
                                         self.tr("Use the bundled ImageNet EfficientNet-Lite0"))
        self.open_images_button = set_names(QPushButton(self.tr("Open images…")), "predictOpenImages",
                                            self.tr("Choose image files to classify"))
        self.open_folder_button = set_names(QPushButton(self.tr("Open folder…")), "predictOpenFolder",
                                            self.tr("Choose a folder of images to classify"))
        self.export_button = set_names(QPushButton(self.tr("Export CSV…")), "predictExportCsv",
                                       self.tr("Save the predictions table as CSV"))
        self.export_button.setEnabled(False)
        self.open_checkpoint_button.clicked.connect(self._choose_checkpoint)
        self.imagenet_button.clicked.connect(lambda: self.set_checkpoint(None))
        self.open_images_button.clicked.connect(self._choose_images)
        self.open_folder_button.clicked.connect(self._choose_folder)
        self.export_button.clicked.connect(self._choose_csv)
        bar.addWidget(self.model_label, 1)
        for button in (self.open_checkpoint_button, self.imagenet_button, self.open_images_button,
                       self.open_folder_button, self.export_button):
            bar.addWidget(button)
        return bar

    def _build(self) -> None:
        bar = self._build_bar()
        status = QHBoxLayout()
        self.status_label = QLabel(self.tr("Drop images or a folder anywhere here."))
        self.status_label.setObjectName("predictStatus")
        self.progress = set_names(QProgressBar(), "predictProgress", self.tr("Classification progress"))
        self.progress.setMaximumWidth(260)
        self.progress.setVisible(False)
        status.addWidget(self.status_label, 1)
        status.addWidget(self.progress)

        self.empty = EmptyState(self.captions.empty_text(None, self._pending_source))
        self.table = set_names(QTableWidget(0, 3), "predictTable", self.tr("Predictions table"))
        self.table.setHorizontalHeaderLabels([self.tr("File"), self.tr("Prediction"), self.tr("Confidence")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.itemSelectionChanged.connect(self._show_selected_card)
        self.cards_host = QWidget()
        self.cards_layout = QVBoxLayout(self.cards_host)
        self.cards_layout.addStretch(1)
        self.cards_scroll = set_names(QScrollArea(), "predictCards", self.tr("Predictions per image"))
        self.cards_scroll.setWidgetResizable(True)
        self.cards_scroll.setWidget(self.cards_host)
        self.evaluation = FolderEvaluationPanel()  # a labelled folder: below the selected row's card
        self.evaluation.setVisible(False)
        self.side = QSplitter(Qt.Orientation.Vertical)
        self.side.addWidget(self.cards_scroll)
        self.side.addWidget(self.evaluation)
        self.side.setChildrenCollapsible(False)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.side)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)


        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(status)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.splitter, 1)

    def _show_empty(self) -> None:
        self.empty.setVisible(True)
        self.splitter.setVisible(False)

    def _reset_results_area(self) -> None:
        self.empty.setVisible(False)
        self.splitter.setVisible(True)
        self.evaluation.setVisible(False)
        self.table.setSortingEnabled(False)
        self.table.setRowCount(0)
        self.table.setVisible(self._table_mode)
        self.cards_scroll.setMinimumWidth(CARD_PANEL_WIDTH if self._table_mode else 0)
        if self._table_mode:  # the table gets the room the card does not need
            total = max(self.splitter.width(), self.width(), 2 * CARD_PANEL_WIDTH)
            card_width = max(CARD_PANEL_WIDTH, total * 2 // 5)
            self.splitter.setSizes([total - card_width, card_width])
        self.export_button.setEnabled(False)
        self._clear_cards()

    def _clear_cards(self) -> None:
        for card in self._cards.values():
            card.hide()  # at once: deleteLater only acts on the next event-loop pass
            card.deleteLater()
        self._cards = {}

    # --- model -----------------------------------------------------------------------------
    def _load_model(self, checkpoint: str | None) -> None:
        from cnn_studio.core.inference import Predictor

        name = self.captions.source_name(checkpoint) if checkpoint else self.tr("the bundled ImageNet EfficientNet-Lite0")
        self.model_label.setText(self.tr("Model: loading {model}…").format(model=name))
        self._predictor = None
        self._pending_source = checkpoint
        self.empty.setText(self.captions.empty_text(None, self._pending_source))

        def load(_job: JobContext) -> Any:
            return Predictor.from_checkpoint(checkpoint) if checkpoint else Predictor.imagenet()

        self._runner.submit(load, kind="load", on_done=self._use_predictor, on_failed=self._on_load_failed)

    def _use_predictor(self, predictor: Any) -> None:
        self._predictor = predictor
        text = self.captions.model_text(predictor)
        self.model_label.setText(text)
        self.empty.setText(self.captions.empty_text(predictor, self._pending_source))
        self.model_label.setToolTip(str(predictor.source))
        self.model_changed.emit(text)
        if self._paths:
            self._results = {}
            self._reset_results_area()
            self._classify()

    def _on_load_failed(self, failure: JobFailure) -> None:
        message = failure.message if failure.user_error else \
            self.tr("The model could not be loaded: {0}").format(failure.exception)
        self.model_label.setText(self.tr("Model: none"))
        self.status_label.setText(message)
        self.progress.setVisible(False)

    # --- classification --------------------------------------------------------------------
    def _classify(self) -> None:
        if self._predictor is None:
            if not self._runner.is_busy("load"):
                self._load_model(self._pending_source)
            self.status_label.setText(self.tr("Loading the model…"))
            return  # _use_predictor classifies when the model is ready
        from cnn_studio.core.folder_eval import folder_labels

        predictor, paths = self._predictor, list(self._paths)
        self._labels = folder_labels(self._folder, paths, predictor.class_names) if self._folder else {}
        self.progress.setRange(0, len(paths))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.status_label.setText(english_plural(self.tr("Classifying %n file(s)…", "", len(paths)), len(paths)))

        def classify(job: JobContext) -> int:
            batch_size = 16 if predictor.input_size >= 128 else 64
            for batch in predictor.predict_batches(paths, TOPK, batch_size=batch_size, cancel=job.cancel):
                job.partial(batch)
            return len(paths)

        self._runner.submit(classify, kind="predict", on_done=self._on_classified, on_failed=self._on_classify_failed,
                            on_partial=self._on_batch)

    def _on_batch(self, batch: list[Any]) -> None:
        for result in batch:
            self._results[result.path] = result
            if self._table_mode:
                self._add_row(result)
            else:
                self._add_card(result)
        self.progress.setValue(len(self._results))

    def _on_classified(self, count: int) -> None:
        from cnn_studio.core.inference import PredictionError

        errors = sum(isinstance(r, PredictionError) for r in self._results.values())
        self.progress.setVisible(False)
        self.table.setSortingEnabled(True)  # sorts by the header's indicator: file name, ascending at first
        self.export_button.setEnabled(bool(self._results))
        read = count - errors
        if errors:
            text = self.tr("%n file(s) classified, {0} could not be read.", "", read).format(errors)
        else:
            text = self.tr("%n file(s) classified.", "", read)
        self.status_label.setText(english_plural(text, read))
        if self._table_mode and self.table.rowCount():
            self.table.selectRow(0)
        if self._labels:
            self._show_evaluation()
        self.predictions_finished.emit(count)

    def _show_evaluation(self) -> None:
        """The dropped folder has class sub-folders: show its accuracy and confusion matrix."""
        self.evaluation.evaluate(self.results(), self._labels, self._predictor.class_names, Path(self._folder).name)
        total = max(self.side.height(), CARD_HEIGHT + 300)
        self.side.setSizes([CARD_HEIGHT, total - CARD_HEIGHT])

    def folder_evaluation(self) -> Any:
        """The ``FolderEvaluation`` of the last labelled folder shown (None when the drop had no class sub-folders)."""
        return self.evaluation.evaluation if self.evaluation.isVisibleTo(self) else None

    def _on_classify_failed(self, failure: JobFailure) -> None:
        self.progress.setVisible(False)
        self.status_label.setText(self.tr("Classification failed: {0}").format(failure.exception))

    def _add_row(self, result: Any) -> None:
        from cnn_studio.core.inference import Prediction

        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, FileItem(self._names.get(result.path, Path(result.path).name), result.path))
        if isinstance(result, Prediction):
            self.table.setItem(row, 1, QTableWidgetItem(result.label))
            self.table.setItem(row, 2, NumberItem(f"{result.prob:.1%}", result.prob))
        else:
            error = QTableWidgetItem(self.tr("error: {0}").format(result.error))
            error.setForeground(Qt.GlobalColor.darkRed)
            self.table.setItem(row, 1, error)
            self.table.setItem(row, 2, NumberItem("", -1.0))

    def _add_card(self, result: Any) -> PredictionCard:
        card = PredictionCard(result, self._request_gradcam, self.cards_host,
                              title=self._names.get(result.path))
        self._cards[result.path] = card
        self.cards_layout.insertWidget(self.cards_layout.count() - 1, card)
        return card

    def _show_selected_card(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or not self._table_mode:
            return
        path = self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        self._clear_cards()
        if path in self._results:
            self._add_card(self._results[path])

    # --- Grad-CAM --------------------------------------------------------------------------
    def _request_gradcam(self, card: PredictionCard) -> None:
        predictor, path = self._predictor, card.path
        if predictor is None:
            return

        def explain(_job: JobContext) -> tuple[str, Any, Any]:
            pixels = predictor.decode(path)
            return path, predictor.pixels_to_image(pixels), predictor.explain(pixels)

        def done(result: tuple[str, Any, Any]) -> None:
            target = self._cards.get(result[0])
            if target is not None:
                target.set_gradcam(result[1], result[2])

        self._runner.submit(explain, kind="gradcam:" + path, on_done=done,
                            on_failed=lambda failure: card.set_gradcam_error(str(failure.exception)))

    # --- files -----------------------------------------------------------------------------
    def export_csv(self, path: str | os.PathLike) -> None:
        """Write every result's top-k classes with probabilities to ``path`` (UTF-8 with BOM, for Excel).

        The format of ``cnn-studio predict --csv`` (``core.predictions_csv``): ``path`` relative to the
        dropped folder, ``true_class`` for a folder with class sub-folders, ``label_k``/``prob_k``, ``error``.
        """
        from cnn_studio.core.folder_eval import true_class_names
        from cnn_studio.core.predictions_csv import write_predictions_csv

        results = self.results()
        paths = [r.path for r in results]
        classes = self._predictor.class_names if self._predictor is not None else ()
        truth = true_class_names(paths, self._labels, classes) if self._labels else None
        write_predictions_csv(path, results, [self._names.get(p, p) for p in paths], TOPK, truth)

    def _choose_checkpoint(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open checkpoint"), "",
                                              self.tr("Checkpoints (*.pt *.pth);;All files (*)"))
        if path:
            self.set_checkpoint(path)

    def _choose_images(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Open images"), "",
                                                self.tr("Images ({0});;All files (*)").format(image_name_patterns()))
        if paths:
            self.add_paths(paths)

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Open a folder of images"))
        if folder:
            self.add_paths([folder])

    def _choose_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export predictions"), "predictions.csv",
                                              self.tr("CSV files (*.csv)"))
        if path:
            self.export_csv(path)
            self.status_label.setText(self.tr("Saved {0}.").format(path))

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override: a run renamed meanwhile shows its new name
        super().showEvent(event)
        if self._predictor is not None:
            self.model_label.setText(self.captions.model_text(self._predictor))

    # --- drag and drop ---------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if has_local_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802 - Qt override
        if has_local_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        paths = local_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.add_paths(paths)
