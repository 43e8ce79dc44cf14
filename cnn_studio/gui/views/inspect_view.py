"""Inspect: filters, feature maps and Grad-CAM of a model, for a chosen layer and image.

The model is a checkpoint (``set_model_source(path)``), an already loaded ``Predictor``, or the
bundled ImageNet EfficientNet-Lite0. Loading, the layer tree, activations and Grad-CAM run as
background jobs on the view's ``JobRunner``; results come back by signal to the GUI
thread and a result that is no longer wanted (the user picked another layer or image meanwhile) is
dropped. "Follow training" redraws the filters from ``WeightsSnapshot`` events (copies the worker
makes at each epoch end), never from the live model being trained.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog, QHBoxLayout, QLabel, QPushButton, QSplitter, QTabWidget, QTreeWidget,
    QTreeWidgetItem, QVBoxLayout, QWidget,
)

from cnn_studio.gui.jobs import JobContext, JobFailure, JobRunner
from cnn_studio.core.data.decode import image_name_patterns
from cnn_studio.gui.widgets.common import ThumbnailGrid, set_names
from cnn_studio.gui.widgets.image_tools import english_plural, has_local_paths, local_paths
from cnn_studio.gui.widgets.inspect_panels import ActivationsPanel, FiltersPanel, GradcamPanel

DATASET_THUMBNAILS = 48


class InspectView(QWidget):
    """Look inside a network: model/layer tree, image picker, filters, activations, Grad-CAM."""

    snapshot_layers_changed = Signal(object)  # set of conv paths the filter view wants each epoch
    activations_shown = Signal(str)            # layer path, after a feature-map grid was drawn
    gradcam_shown = Signal(int)                # class index, after an overlay was drawn

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspectView")
        self.setAcceptDrops(True)
        self._runner = JobRunner(self)
        self.predictor: Any = None
        self._image_source: tuple[str, Any] | None = None  # ("path", str) or ("pixels", uint8 3xSxS)
        self._image_caption = ""
        self._snapshot: Any = None
        self._conv_paths: set[str] = set()
        self._conv_order: dict[str, int] = {}
        self.last_timings: dict[str, float] = {}
        self._build()

    # --- public API (main window) ----------------------------------------------------------
    def set_model_source(self, source: Any) -> None:
        """Inspect a checkpoint (path), a loaded ``Predictor``, or None for the ImageNet model."""
        from cnn_studio.core.inference import Predictor

        if isinstance(source, Predictor):
            self._runner.cancel("load")
            self._use_predictor(source)
            return
        checkpoint = str(source) if source else None
        self.no_model_hint.setVisible(False)
        self.model_label.setText(self.tr("Model: loading {0}…").format(
            Path(checkpoint).name if checkpoint else self.tr("the ImageNet EfficientNet-Lite0")))

        def load(_job: JobContext) -> Any:
            predictor = Predictor.from_checkpoint(checkpoint) if checkpoint else Predictor.imagenet()
            return predictor, self._tree_of(predictor)

        self._runner.submit(load, kind="load", on_done=lambda r: self._use_predictor(*r),
                            on_failed=self._on_failed("load"))

    def set_dataset(self, dataset: Any) -> None:
        """Offer images of an ``ImageDataset`` (test split first) as thumbnails to pick from."""
        self.dataset_grid.clear()
        self.dataset_grid.setVisible(dataset is not None)
        if dataset is None:
            return
        splits = getattr(dataset, "splits", {})
        split = splits.get("test") or splits.get("val") or splits.get("train")
        if split is None:
            return
        classes = list(getattr(dataset, "classes", []))
        count = min(DATASET_THUMBNAILS, len(split.paths))
        step = max(1, len(split.paths) // max(count, 1))
        for i in range(0, step * count, step):
            label = int(split.labels[i])
            caption = classes[label] if label < len(classes) else str(label)
            if split.images is not None:
                pixels = split.images[i].numpy()
                self.dataset_grid.add_image(pixels, caption, ("pixels", pixels, split.paths[i]), split.paths[i])
            else:
                self.dataset_grid.add_image(split.paths[i], caption, ("path", split.paths[i], split.paths[i]))

    def on_weights_snapshot(self, event: Any) -> None:
        """Keep the latest ``WeightsSnapshot``; redraw the filters from it when following training."""
        self._snapshot = event
        if self.filters.follow.isChecked():
            self._draw_filters()

    def wanted_snapshot_layers(self) -> set[str]:
        """The conv layers whose weights the filter view wants in each epoch's snapshot."""
        path = self.selected_layer()
        shown = self.filter_layer(path)
        wanted = {shown} if shown else set()
        first = min(self._conv_paths, key=self._conv_order.get) if self._conv_paths else None
        return wanted | ({first} if first else set())

    def filter_layer(self, path: str | None = None) -> str | None:
        """The conv whose filters are shown for ``path`` (default: the selected layer).

        A convolution is itself; a module that contains convolutions (a stage, a block, the whole
        model) gives its first one; anything else (pooling, linear) gives None.
        """
        path = self.selected_layer() if path is None else path
        if path is None or not self._conv_order:
            return None
        if path in self._conv_paths:
            return path
        inside = [p for p in self._conv_order if not path or p.startswith(path + ".")]
        return min(inside, key=self._conv_order.get) if inside else None

    def inspect_image(self, path: str, checkpoint: str = "", loaded: Any = None) -> None:
        """Inspect an image with ``checkpoint``'s model (kept if already in use; ``loaded`` reused if it is that model).

        Args:
            path: the image file.
            checkpoint: the model to use ('' keeps the current one).
            loaded: a ``Predictor`` another view already loaded (used when its ``source`` is ``checkpoint``).
        """
        current = getattr(self.predictor, "source", None)
        if checkpoint and current != checkpoint:
            self.set_model_source(loaded if loaded is not None and loaded.source == checkpoint else checkpoint)
        self.set_image_path(path)

    def set_image_path(self, path: str | os.PathLike) -> None:
        """Inspect this image file."""
        self._set_image(("path", str(path)), Path(path).name)

    def set_image_pixels(self, pixels: np.ndarray, caption: str = "") -> None:
        """Inspect these decoded pixels (uint8 3 x S x S)."""
        self._set_image(("pixels", np.asarray(pixels)), caption)

    def select_layer(self, path: str) -> bool:
        """Select the tree item of ``path``; False if the model has no such layer."""
        found = self.tree.findItems(path.split(".")[-1] if path else "", Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly)
        for item in found:
            if item.data(0, Qt.ItemDataRole.UserRole) == path:
                self.tree.setCurrentItem(item)
                return True
        return False

    def selected_layer(self) -> str | None:
        """The dotted path of the selected layer ('' is the whole model), or None."""
        item = self.tree.currentItem()
        return None if item is None else item.data(0, Qt.ItemDataRole.UserRole)

    def is_busy(self) -> bool:
        """True while a background job has not delivered its result."""
        return self._runner.is_busy()

    def shutdown(self) -> None:
        """Stop background work and wait for it (call before the window closes)."""
        self._runner.shutdown()

    # --- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.model_label = QLabel(self.tr("Model: none yet."))
        self.model_label.setObjectName("inspectModelLabel")
        self.model_label.setWordWrap(True)
        open_ckpt = set_names(QPushButton(self.tr("Open checkpoint…")), "inspectOpenCheckpoint",
                              self.tr("Open a checkpoint to inspect"))
        imagenet = set_names(QPushButton(self.tr("ImageNet model")), "inspectUseImagenet",
                             self.tr("Inspect the bundled ImageNet EfficientNet-Lite0"))
        open_ckpt.clicked.connect(self._choose_checkpoint)
        imagenet.clicked.connect(lambda: self.set_model_source(None))
        self.tree = set_names(QTreeWidget(), "inspectLayerTree", self.tr("Model layers"))
        self.tree.setHeaderLabels([self.tr("Layer"), self.tr("Type"), self.tr("Output")])
        self.tree.setColumnWidth(0, 150)
        self.tree.setColumnWidth(1, 120)
        self.tree.currentItemChanged.connect(lambda *_: self._on_layer_changed())
        open_image = set_names(QPushButton(self.tr("Open image…")), "inspectOpenImage",
                               self.tr("Choose an image file to inspect"))
        open_image.clicked.connect(self._choose_image)
        self.image_label = QLabel(self.tr("Image: none (open one, pick one below, or drop one here)"))
        self.image_label.setObjectName("inspectImageLabel")
        self.image_label.setWordWrap(True)
        self.dataset_grid = set_names(ThumbnailGrid(40), "inspectDatasetImages", self.tr("Dataset images"))
        self.dataset_grid.item_activated.connect(self._on_dataset_image)
        self.dataset_grid.setVisible(False)  # shown once the main window passes a dataset
        self.timing_label = QLabel()
        self.timing_label.setObjectName("inspectTiming")
        self.timing_label.setStyleSheet("color: #777;")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        buttons = QHBoxLayout()
        buttons.addWidget(open_ckpt)
        buttons.addWidget(imagenet)
        left_layout.addWidget(self.model_label)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.tree, 3)
        left_layout.addWidget(self.image_label)
        left_layout.addWidget(open_image)
        left_layout.addWidget(self.dataset_grid, 2)
        left_layout.addWidget(self.timing_label)

        self.filters = FiltersPanel()
        self.activations = ActivationsPanel()
        self.gradcam = GradcamPanel()
        self.filters.changed.connect(self._draw_filters)
        self.gradcam.changed.connect(self._request_gradcam)
        self.tabs = set_names(QTabWidget(), "inspectTabs", self.tr("Inspect pictures"))
        self.tabs.addTab(self.activations, self.tr("Activations"))
        self.tabs.addTab(self.filters, self.tr("Filters"))
        self.tabs.addTab(self.gradcam, self.tr("Grad-CAM"))
        self.no_model_hint = QWidget()
        self.no_model_hint.setObjectName("inspectNoModelHint")
        hint_layout = QHBoxLayout(self.no_model_hint)
        hint_layout.setContentsMargins(0, 0, 0, 0)
        self.no_model_text = QLabel(self.tr(
            "No model yet: train a run, pick one in Runs, or Open checkpoint… — or use the bundled ImageNet model."))
        self.no_model_text.setObjectName("inspectNoModelText")
        self.no_model_text.setWordWrap(True)
        self.no_model_text.setStyleSheet("color: #555; font-size: 14px;")
        self.use_imagenet_button = set_names(QPushButton(self.tr("Use the ImageNet model")),
                                             "inspectNoModelUseImagenet",
                                             self.tr("Inspect with the bundled ImageNet EfficientNet-Lite0"))
        self.use_imagenet_button.clicked.connect(lambda: self.set_model_source(None))
        hint_layout.addWidget(self.no_model_text, 1)
        hint_layout.addWidget(self.use_imagenet_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.no_model_hint)
        right_layout.addWidget(self.tabs, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([420, 860])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    # --- model -----------------------------------------------------------------------------
    @staticmethod
    def _tree_of(predictor: Any) -> Any:
        from cnn_studio.core.models.layers import layer_tree

        with predictor.lock:
            return layer_tree(predictor.model, predictor.input_size)

    def _use_predictor(self, predictor: Any, tree: Any = None) -> None:
        from cnn_studio.core.viz.filters import conv_layer_paths

        self.predictor = predictor
        if tree is None:
            tree = self._tree_of(predictor)
        title = (self.tr("the ImageNet EfficientNet-Lite0") if predictor.source == "ImageNet"
                 else Path(predictor.source).name or predictor.model_name)
        count = len(predictor.class_names)
        self.model_label.setText(self.tr("Model: {0} ({1}, {2}, input {3} px)").format(
            title, predictor.model_name, english_plural(self.tr("%n class(es)", "", count), count),
            predictor.input_size))
        self.no_model_hint.setVisible(False)
        order = conv_layer_paths(predictor.model)
        self._conv_order = {p: i for i, p in enumerate(order)}
        self._conv_paths = set(order)
        self.gradcam.set_classes(predictor.class_names)
        self.tree.blockSignals(True)
        self.tree.clear()
        root = self._add_node(self.tree.invisibleRootItem(), tree)
        root.setExpanded(True)
        self.tree.blockSignals(False)
        first_stage = predictor.stages[0] if predictor.stages else (order[0] if order else "")
        if not self.select_layer(first_stage):
            self.tree.setCurrentItem(root)
        if not self.gradcam.use_selected_layer():  # (the layer change above already asked for it otherwise)
            self._request_gradcam()
        self.snapshot_layers_changed.emit(self.wanted_snapshot_layers())

    def _add_node(self, parent: QTreeWidgetItem, node: Any) -> QTreeWidgetItem:
        shape = "x".join(map(str, node.output_shape[1:])) if node.output_shape else ""
        item = QTreeWidgetItem(parent, [node.name, node.type, shape])
        item.setData(0, Qt.ItemDataRole.UserRole, node.path)
        item.setToolTip(0, node.path or node.type)
        for child in node.children:
            self._add_node(item, child)
        return item

    # --- user choices ----------------------------------------------------------------------
    def _set_image(self, source: tuple[str, Any], caption: str) -> None:
        self._image_source = source
        self._image_caption = caption
        self.image_label.setText(self.tr("Image: {0}").format(caption))
        if self.predictor is None and not self._runner.is_busy("load"):
            hint = self.no_model_text.text()
            self.activations.clear(hint)
            self.gradcam.show_message(hint)
        self._request_activations()
        self._request_gradcam()

    def _on_dataset_image(self, data: Any) -> None:
        kind, value, path = data
        self._set_image((kind, value), Path(path).name)

    def _on_layer_changed(self) -> None:
        self._draw_filters()
        self._request_activations()
        if self.gradcam.use_selected_layer():
            self._request_gradcam()
        self.snapshot_layers_changed.emit(self.wanted_snapshot_layers())

    # --- filters (cheap: drawn in the GUI thread from a copy of the weights) ------------------
    def _draw_filters(self) -> None:
        path = self.selected_layer()
        snapshot = self._snapshot if self.filters.follow.isChecked() else None
        if snapshot is not None and snapshot.weights:
            shown = self.filter_layer(path)
            key = shown if shown in snapshot.weights else next(iter(snapshot.weights))
            self.filters.show_weight(np.asarray(snapshot.weights[key]),
                                     self.tr("{0} at epoch {1}").format(key, snapshot.epoch))
            return
        if self.predictor is None or path is None:
            self.filters.show_message(self.tr("Load a model to see its filters."))
            return
        conv = self.filter_layer(path)
        if conv is None:
            self.filters.show_message(self.tr("'{0}' is not a convolution and contains none; pick a Conv2d layer "
                                              "in the tree to see its filters.").format(path or self.tr("the model")))
            return
        from cnn_studio.core.viz.filters import layer_weight

        with self.predictor.lock:
            weight = layer_weight(self.predictor.model, conv)
        title = conv if conv == path else self.tr("{0} (the first convolution in {1})").format(
            conv, path or self.tr("the model"))
        self.filters.show_weight(weight, title)

    # --- activations and Grad-CAM (background) ---------------------------------------------
    def _pixels(self, predictor: Any, source: tuple[str, Any]) -> np.ndarray:
        return predictor.decode(source[1]) if source[0] == "path" else np.asarray(source[1])

    def _request_activations(self) -> None:
        predictor, source, layer = self.predictor, self._image_source, self.selected_layer()
        if predictor is None or source is None or layer is None:
            return
        self.activations.caption.setText(self.tr("Computing {0}…").format(layer or self.tr("the model output")))

        def compute(_job: JobContext) -> tuple[Any, Any, float]:
            from cnn_studio.core.viz.activations import capture_activations, stage_overview, summarize_activation

            start = time.perf_counter()
            pixels = self._pixels(predictor, source)
            with predictor.lock:
                x = predictor.normalize(pixels[None])
                captured, _ = capture_activations(predictor.model, x, [layer, *predictor.stages])
                strip = stage_overview(predictor.model, x, predictor.stages, captured=captured,
                                       image=predictor.pixels_to_image(pixels))
            maps = summarize_activation(layer, captured[layer]) if layer in captured else None
            return maps, strip, time.perf_counter() - start

        self._runner.submit(compute, kind="activations", on_done=self._show_activations,
                            on_failed=self._on_failed("activations"))

    def _show_activations(self, result: tuple[Any, Any, float]) -> None:
        maps, strip, seconds = result
        self.activations.show_overview(strip)
        if maps is None:
            self.activations.show_message(self.tr("This layer is not used by the forward pass."))
        else:
            self.activations.show_maps(maps)
            self.activations_shown.emit(maps.path)
        self._note_time("activations", seconds)

    def _request_gradcam(self) -> None:
        predictor, source = self.predictor, self._image_source
        if predictor is None or source is None:
            return
        layer = self.selected_layer() if self.gradcam.use_selected_layer() else None
        class_index = self.gradcam.chosen_class()
        self.gradcam.caption.setText(self.tr("Computing Grad-CAM…"))

        def compute(_job: JobContext) -> tuple[np.ndarray, Any, float]:
            start = time.perf_counter()
            pixels = self._pixels(predictor, source)
            cam = predictor.explain(pixels, class_index=class_index, layer=layer or None)
            return predictor.pixels_to_image(pixels), cam, time.perf_counter() - start

        self._runner.submit(compute, kind="gradcam", on_done=self._show_gradcam, on_failed=self._on_failed("gradcam"))

    def _show_gradcam(self, result: tuple[np.ndarray, Any, float]) -> None:
        picture, cam, seconds = result
        self.gradcam.show_cam(picture, cam)
        self._note_time("Grad-CAM", seconds)
        self.gradcam_shown.emit(cam.class_index)

    def _note_time(self, what: str, seconds: float) -> None:
        self.last_timings[what] = seconds
        self.timing_label.setText("  ".join(self.tr("{0}: {1:.0f} ms").format(k, v * 1000)
                                            for k, v in self.last_timings.items()))

    def _on_failed(self, kind: str):
        def failed(failure: JobFailure) -> None:
            exc = failure.exception
            text = str(exc) if failure.user_error or isinstance(exc, (KeyError, ValueError)) else \
                self.tr("{0} failed: {1}").format(kind, exc)
            if kind == "load":
                self.model_label.setText(text)
                self.no_model_hint.setVisible(self.predictor is None)
            elif kind == "activations":  # never leave the previous image's maps under this error
                self.activations.clear(text)
            else:
                self.gradcam.show_message(text)
        return failed

    # --- files -----------------------------------------------------------------------------
    def _choose_checkpoint(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open checkpoint"), "",
                                              self.tr("Checkpoints (*.pt *.pth);;All files (*)"))
        if path:
            self.set_model_source(path)

    def _choose_image(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open image"), "",
                                              self.tr("Images ({0})").format(image_name_patterns()))
        if path:
            self.set_image_path(path)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt override
        if has_local_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt override
        files = [p for p in local_paths(event.mimeData()) if Path(p).is_file()]
        if files:
            event.acceptProposedAction()
            self.set_image_path(files[0])
