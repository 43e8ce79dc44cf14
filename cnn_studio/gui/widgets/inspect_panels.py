"""The three pictures of the Inspect view: filters, activations (+ overview strip), Grad-CAM.

Each panel only draws numpy results it is given (computed in the background by ``InspectView``);
its controls emit ``changed`` when the user asks for something else.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QScrollArea, QSlider, QSpinBox,
    QVBoxLayout, QWidget,
)

from cnn_studio.gui.widgets.common import set_names
from cnn_studio.gui.widgets.image_tools import array_to_pixmap, english_plural, float_to_uint8

GRID_WIDTH = 600  # pixels a grid is drawn at (nearest-neighbour, so kernels stay crisp)


def _scroll(widget: QWidget, name: str, accessible: str) -> QScrollArea:
    area = set_names(QScrollArea(), name, accessible)
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return area


class FiltersPanel(QWidget):
    """Kernels of a convolution as colour or grey patches, with normalisation, channel and zoom."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.normalization = set_names(QComboBox(), "filtersNormalization", self.tr("Filter normalisation"))
        self.normalization.addItem(self.tr("Shared scale (compare filters)"), "shared")
        self.normalization.addItem(self.tr("Per filter (see every shape)"), "per_filter")
        self.input_channel = set_names(QSpinBox(), "filtersInputChannel", self.tr("Input channel shown"))
        self.input_channel.setRange(-1, 4096)
        self.input_channel.setSpecialValueText(self.tr("mean of inputs"))
        self.input_channel.setValue(-1)
        self.zoom = set_names(QSlider(Qt.Orientation.Horizontal), "filtersZoom", self.tr("Filter zoom"))
        self.zoom.setRange(2, 40)
        self.zoom.setValue(16)
        self.follow = set_names(QCheckBox(self.tr("Follow training (refresh every epoch)")),
                                "filtersFollowTraining", self.tr("Follow training"))
        for signal in (self.normalization.currentIndexChanged, self.input_channel.valueChanged,
                       self.zoom.valueChanged, self.follow.toggled):
            signal.connect(lambda *_: self.changed.emit())
        form = QFormLayout()
        form.addRow(self.tr("Normalisation"), self.normalization)
        form.addRow(self.tr("Input channel"), self.input_channel)
        form.addRow(self.tr("Zoom"), self.zoom)
        form.addRow(self.follow)
        self.caption = QLabel()
        self.caption.setObjectName("filtersCaption")
        self.caption.setWordWrap(True)
        self.image = QLabel()
        self.image.setObjectName("filtersImage")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.caption)
        layout.addWidget(_scroll(self.image, "filtersScroll", self.tr("Filter grid")), 1)

    def options(self) -> dict[str, Any]:
        """The drawing options: normalization, input_channel (None = mean), zoom."""
        channel = self.input_channel.value()
        return {"normalization": self.normalization.currentData(),
                "input_channel": None if channel < 0 else channel, "zoom": self.zoom.value()}

    def show_weight(self, weight: np.ndarray, title: str) -> None:
        """Draw the kernel (out, in, kh, kw) with the current options."""
        from cnn_studio.core.viz.filters import filter_grid

        opts = self.options()
        in_ch = weight.shape[1]
        self.input_channel.blockSignals(True)
        self.input_channel.setMaximum(in_ch - 1)
        self.input_channel.blockSignals(False)
        channel = opts["input_channel"] if opts["input_channel"] is None or opts["input_channel"] < in_ch else None
        grid = filter_grid(weight, input_channel=channel, normalization=opts["normalization"], zoom=opts["zoom"])
        kind = (self.tr("colour patches (R, G, B inputs)") if grid.ndim == 3
                else self.tr("input channel {0}").format(channel) if channel is not None
                else english_plural(self.tr("mean over %n input channel(s)", "", in_ch), in_ch))
        filters = english_plural(self.tr("%n filter(s)", "", weight.shape[0]), weight.shape[0])
        self.caption.setText(self.tr("{0}: {1} of {2}x{3}, {4}; grey = 0, bright = positive, dark = negative.")
                             .format(title, filters, weight.shape[2], weight.shape[3], kind))
        self.image.setPixmap(array_to_pixmap(grid))

    def show_message(self, text: str) -> None:
        """Clear the grid and say why."""
        self.image.clear()
        self.caption.setText(text)


class ActivationsPanel(QWidget):
    """The overview strip (input to head) and the chosen layer's feature maps, strongest first."""

    MAX_MAPS = 64

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.strip_host = QWidget()
        self.strip_host.setObjectName("activationsOverview")
        self.strip_layout = QHBoxLayout(self.strip_host)
        self.strip_layout.setContentsMargins(2, 2, 2, 2)
        strip_scroll = _scroll(self.strip_host, "activationsOverviewScroll", self.tr("Overview from input to head"))
        strip_scroll.setFixedHeight(150)
        self.caption = QLabel(self.tr("Pick an image and a layer."))
        self.caption.setObjectName("activationsCaption")
        self.caption.setWordWrap(True)
        self.image = QLabel()
        self.image.setObjectName("activationsImage")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Overview: one map per stage, from the input to the head"))
        title.setStyleSheet("font-weight: bold;")
        layout.addWidget(title)
        layout.addWidget(strip_scroll)
        layout.addWidget(self.caption)
        layout.addWidget(_scroll(self.image, "activationsScroll", self.tr("Feature maps")), 1)

    def show_overview(self, stages: Sequence[Any]) -> None:
        """Draw the ``StageMap`` list as a row of small captioned pictures (none: an empty strip)."""
        while self.strip_layout.count():
            item = self.strip_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()  # at once; deleteLater acts on the next event-loop pass
                item.widget().deleteLater()
        for stage in stages:
            box = QVBoxLayout()
            picture = QLabel()
            picture.setPixmap(array_to_pixmap(float_to_uint8(stage.image, 0.0, 1.0), width=88))
            picture.setToolTip(self.tr("{0}: output {1}, values {2:.3g} to {3:.3g}").format(
                stage.path, "x".join(map(str, stage.shape)), *stage.value_range))
            label = QLabel(f"{stage.path}\n{'x'.join(map(str, stage.shape))}")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setStyleSheet("font-size: 10px;")
            holder = QWidget()
            box.addWidget(picture, 0, Qt.AlignmentFlag.AlignCenter)
            box.addWidget(label)
            box.addStretch(1)  # the caption sits right under its picture
            box.setContentsMargins(0, 0, 0, 0)
            holder.setLayout(box)
            self.strip_layout.addWidget(holder)
        self.strip_layout.addStretch(1)

    def show_maps(self, fm: Any) -> None:
        """Draw a ``FeatureMaps`` grid (shared value scale, strongest channel first)."""
        from cnn_studio.core.viz.filters import tile_images

        lo, hi = fm.value_range
        maps = fm.maps[: self.MAX_MAPS]
        tiles = float_to_uint8(maps, lo, hi)
        if fm.spatial:
            side = maps.shape[1]
            scale = max(1, 48 // max(side, 1))
            tiles = tiles.repeat(scale, axis=1).repeat(scale, axis=2)
        else:
            tiles = tiles.repeat(16, axis=1).repeat(16, axis=2)
        grid = tile_images(tiles, padding=2, background=255)
        self.image.setPixmap(array_to_pixmap(grid, width=max(GRID_WIDTH, grid.shape[1])))
        strongest = ", ".join(self.tr("#{0} (mean {1:.2g}, {2:.2g}..{3:.2g})").format(c, m, a, b) for c, m, a, b in
                              zip(fm.channels[:4], fm.means[:4], fm.minimums[:4], fm.maximums[:4]))
        shown = english_plural(self.tr("{0} of %n channel(s)", "", len(fm.channels)), len(fm.channels)).format(len(maps)) \
            if len(fm.channels) > len(maps) else english_plural(self.tr("%n channel(s)", "", len(maps)), len(maps))
        self.caption.setText(self.tr("{0}: output {1}, values {2:.3g} to {3:.3g}; {4}, sorted by mean activation. "
                                     "Strongest: {5}").format(fm.path, "x".join(map(str, fm.shape)), lo, hi, shown, strongest))

    def show_message(self, text: str) -> None:
        """Clear the maps and say why."""
        self.image.clear()
        self.caption.setText(text)

    def clear(self, text: str) -> None:
        """Clear the overview strip and the maps, and say why (no model, unreadable image)."""
        self.show_overview([])
        self.show_message(text)

    def overview_count(self) -> int:
        """How many pictures the overview strip shows."""
        return sum(self.strip_layout.itemAt(i).widget() is not None for i in range(self.strip_layout.count()))


class GradcamPanel(QWidget):
    """The Grad-CAM overlay with class picker, layer choice and opacity."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.class_combo = set_names(QComboBox(), "gradcamClass", self.tr("Class to explain"))
        self.layer_combo = set_names(QComboBox(), "gradcamLayer", self.tr("Grad-CAM layer"))
        self.layer_combo.addItem(self.tr("Automatic (the last map of at least 7x7)"), "auto")
        self.layer_combo.addItem(self.tr("The layer selected in the tree"), "selected")
        self.opacity = set_names(QSlider(Qt.Orientation.Horizontal), "gradcamOpacity", self.tr("Heatmap opacity"))
        self.opacity.setRange(0, 100)
        self.opacity.setValue(50)
        self.class_combo.currentIndexChanged.connect(lambda *_: self.changed.emit())
        self.layer_combo.currentIndexChanged.connect(lambda *_: self.changed.emit())
        self.opacity.valueChanged.connect(self._redraw)
        form = QFormLayout()
        form.addRow(self.tr("Class"), self.class_combo)
        form.addRow(self.tr("Layer"), self.layer_combo)
        form.addRow(self.tr("Opacity"), self.opacity)
        self.caption = QLabel()
        self.caption.setObjectName("gradcamCaption")
        self.caption.setWordWrap(True)
        self.image = QLabel()
        self.image.setObjectName("gradcamImage")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.caption)
        layout.addWidget(self.image, 1)
        self._picture: np.ndarray | None = None
        self._cam: Any = None
        self._names: list[str] = []

    def set_classes(self, names: Sequence[str]) -> None:
        """Fill the class picker: "predicted" first, then every class."""
        self._names = list(names)
        self.class_combo.blockSignals(True)
        self.class_combo.clear()
        self.class_combo.addItem(self.tr("The predicted class"), None)
        for i, name in enumerate(names):
            self.class_combo.addItem(f"{i}: {name}", i)
        self.class_combo.blockSignals(False)

    def chosen_class(self) -> int | None:
        """The class index asked for, or None for the predicted class."""
        return self.class_combo.currentData()

    def use_selected_layer(self) -> bool:
        """True when the tree's selected layer should be used instead of the automatic one."""
        return self.layer_combo.currentData() == "selected"

    def show_cam(self, picture: np.ndarray, cam: Any) -> None:
        """Draw a ``GradCam`` over ``picture`` (H x W x 3 uint8)."""
        self._picture, self._cam = picture, cam
        name = self._names[cam.class_index] if cam.class_index < len(self._names) else str(cam.class_index)
        predicted = self._names[cam.predicted_index] if cam.predicted_index < len(self._names) else "?"
        text = self.tr("Evidence for '{0}' (probability {1:.1%}) at layer {2}; the model predicts '{3}'.").format(
            name, float(cam.probabilities[cam.class_index]), cam.layer, predicted)
        self.caption.setText(text + self.coarse_note(cam))
        self._redraw()

    def coarse_note(self, cam: Any) -> str:
        """A sentence (with a leading space) saying why ``cam`` is empty or blurry; '' when its map is fine."""
        from cnn_studio.core.viz.gradcam import MIN_CAM_SIZE, is_coarse

        if float(cam.coarse.max()) <= 0:
            return " " + self.tr("The map is empty: nothing at this layer speaks for this class.")
        if not is_coarse(cam):
            return ""
        h, w = cam.coarse.shape
        return " " + self.tr("This layer's map is only {h}x{w} at this input size (under {n}x{n}), so the heatmap "
                             "is coarse; pick an earlier layer or train at a larger input size.").format(
            h=h, w=w, n=MIN_CAM_SIZE)

    def show_message(self, text: str) -> None:
        """Clear the overlay and say why."""
        self._cam = None
        self.image.clear()
        self.caption.setText(text)

    def _redraw(self) -> None:
        if self._cam is None or self._picture is None:
            return
        from cnn_studio.core.viz.gradcam import overlay_heatmap

        blended = overlay_heatmap(self._picture, self._cam.heatmap, self.opacity.value() / 100)
        self.image.setPixmap(array_to_pixmap(blended, width=min(GRID_WIDTH, 448), smooth=True))
