"""The Model panel: pick a network, its options and starting weights, and which layers train.

The starting-weights box lives in weights_picker.py, the builder options in model_options.py, the
transfer-learning guide in strategy_guide.py and the trainable-layers tree in layer_tree.py; this
view composes them with the model picker, the freeze presets and the learning-rate options.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QSplitter, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from cnn_studio.core.config import FreezeConfig
from cnn_studio.core.models.freezing import BUTTON_PRESETS, PRESETS
from cnn_studio.gui.i18n import core_text
from cnn_studio.gui.widgets.common import format_count, set_names
from cnn_studio.gui.widgets.layer_tree import PATH_ROLE, LayerTree
from cnn_studio.gui.widgets.lr_options import LrOptions
from cnn_studio.gui.widgets.model_options import ModelOptions
from cnn_studio.gui.widgets.strategy_guide import StrategyGuide
from cnn_studio.gui.widgets.weights_picker import WeightsPicker

FAMILY_TITLES = {
    "basics": QT_TRANSLATE_NOOP("ModelView", "Basics"), "vgg": "VGG",
    "resnet_cifar": QT_TRANSLATE_NOOP("ModelView", "ResNet for CIFAR"),
    "plain_cifar": QT_TRANSLATE_NOOP("ModelView", "Plain nets (no shortcuts)"),
    "transfer": QT_TRANSLATE_NOOP("ModelView", "Transfer learning backbones"),
}


class ModelView(QWidget):
    """Model picker, pretrained weights choice and the trainable-layers tree."""

    model_changed = Signal(str)
    freeze_changed = Signal()
    #: any setting this view puts in the config changed (model, weights, freezing, BatchNorm, lr multipliers)
    settings_changed = Signal()
    download_requested = Signal(str)
    #: a cell of the transfer-learning guide was chosen (a core.models.transfer.TransferStrategy)
    strategy_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelView")
        self.model: Any = None
        self.info: Any = None
        self.num_classes = 10
        self._preset = "full"
        self._trainable_from: str | None = None
        self._custom = False
        self._extra_options: dict[str, Any] = {}  # builder options a loaded config sets that have no control
        self._image_size: int | None = None  # the opened dataset's decoded size (None: no dataset)
        self._input_override: int | None = None  # DataConfig.input_size, when the config fixes it
        self.input_size: int | None = None  # the input size training will use, as shown
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        picker = QScrollArea()  # the picker, options, weights and guide scroll in a short window
        picker.setWidgetResizable(True)
        picker.setFrameShape(QFrame.Shape.NoFrame)
        picker.setWidget(self._build_picker())
        picker.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # never clip the guide
        picker.setMinimumWidth(picker.widget().minimumSizeHint().width()
                               + picker.verticalScrollBar().sizeHint().width())
        splitter.addWidget(picker)
        splitter.addWidget(self._build_layers_panel())
        splitter.setSizes([380, 860])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)
        self._fill_models()
        self.freeze_changed.connect(self.settings_changed)
        self.options.changed.connect(self._on_options_changed)
        self.guide.chosen.connect(self.strategy_requested)
        self.weights.combo.currentIndexChanged.connect(lambda _i: self.settings_changed.emit())
        self.lr_options.changed.connect(self.settings_changed)

    # --- parts, kept reachable under their old names -----------------------------------------
    @property
    def _items(self) -> dict[str, QTreeWidgetItem]:
        return self.layer_tree.items

    @property
    def trainable_count(self) -> int:
        """Trainable parameters of the shown model."""
        return self.layer_tree.trainable_count

    @property
    def frozen_count(self) -> int:
        """Frozen parameters of the shown model."""
        return self.layer_tree.frozen_count

    # --- building ------------------------------------------------------------------------
    def _build_picker(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("<b>Model</b>")))
        self.picker = set_names(QTreeWidget(), "modelPicker", self.tr("Model picker"))
        self.picker.setHeaderHidden(True)
        self.picker.itemSelectionChanged.connect(self._on_pick)
        layout.addWidget(self.picker, 3)
        self.info_label = QLabel()
        self.info_label.setObjectName("modelInfo")
        self.info_label.setWordWrap(True)
        self.info_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.info_label.setMinimumHeight(90)
        layout.addWidget(self.info_label, 1)
        self.options = ModelOptions()
        layout.addWidget(self.options)

        self.weights = WeightsPicker()
        self.weights.download_requested.connect(self.download_requested)
        self.weights.status_changed.connect(self._update_freeze_note)
        self.pretrained = self.weights.combo
        self.weights_status = self.weights.status
        self.download_button = self.weights.download_button
        self.download_progress = self.weights.progress
        layout.addWidget(self.weights)
        self.guide = StrategyGuide()
        layout.addWidget(self.guide)
        return panel

    def _build_layers_panel(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        self.layer_tree = LayerTree()
        self.layer_tree.edited.connect(self._on_tree_edited)
        self.layer_tree.train_from_requested.connect(lambda path: self.apply_preset("from-layer", path))
        self.tree = self.layer_tree.tree
        self.totals = self.layer_tree.totals
        layout.addWidget(self.layer_tree, 1)
        self.freeze_note = QLabel(self.tr("Note: the starting weights are random, so freezing layers only limits "
                                          "what the network can learn. Freeze presets are meant for pretrained "
                                          "weights; use Full fine-tune to train from scratch."))
        self.freeze_note.setObjectName("freezeNote")
        self.freeze_note.setWordWrap(True)
        self.freeze_note.setStyleSheet("color: #8a5a00; background: #fff4d6; padding: 4px;")
        self.freeze_note.setVisible(False)
        layout.addWidget(self.freeze_note)

        presets = QHBoxLayout()
        self.preset_buttons: dict[str, QPushButton] = {}
        for key in BUTTON_PRESETS:
            preset = PRESETS[key]
            label = core_text(preset.label)  # core texts: translated in the "core" context
            button = set_names(QPushButton(label), f"preset_{key}", label)
            button.setToolTip(core_text(preset.explanation))
            button.clicked.connect(lambda _=False, k=key: self.apply_preset(k))
            presets.addWidget(button)
            self.preset_buttons[key] = button
        layout.addLayout(presets)
        self.lr_options = LrOptions(self.layer_tree.selected_path)
        self.bn_policy, self.backbone_mult = self.lr_options.bn_policy, self.lr_options.backbone_mult
        self.lr_table = self.lr_options.lr_table
        layout.addWidget(self.lr_options)
        return panel

    def _fill_models(self) -> None:
        from cnn_studio.core.models.registry import get_model_info, list_models

        self.picker.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        for name in list_models():
            info = get_model_info(name)
            group = groups.get(info.family)
            if group is None:
                group = QTreeWidgetItem([self.tr(FAMILY_TITLES.get(info.family, info.family))])
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.picker.addTopLevelItem(group)
                groups[info.family] = group
            item = QTreeWidgetItem([core_text(info.title) or info.name])
            item.setData(0, PATH_ROLE, info.name)
            item.setToolTip(0, core_text(info.description))
            group.addChild(item)
        self.picker.expandAll()

    # --- model selection -----------------------------------------------------------------
    def current_name(self) -> str:
        """Return the selected model's registry name ('' if none)."""
        return self.info.name if self.info is not None else ""

    def select_model(self, name: str) -> None:
        """Select a model by registry name and rebuild the layer tree."""
        for i in range(self.picker.topLevelItemCount()):
            group = self.picker.topLevelItem(i)
            for j in range(group.childCount()):
                if group.child(j).data(0, PATH_ROLE) == name:
                    self.picker.setCurrentItem(group.child(j))
                    return
        from cnn_studio.core.errors import ModelError

        raise ModelError(f"Unknown model '{name}'; pick one from the list.")

    def set_num_classes(self, n: int) -> None:
        """Rebuild the model's head for a dataset with ``n`` classes."""
        if n != self.num_classes and n > 0:
            self.num_classes = n
            if self.info is not None:
                self._rebuild()

    def _on_pick(self) -> None:
        item = self.picker.currentItem()
        name = item.data(0, PATH_ROLE) if item is not None else None
        if not name or (self.info is not None and name == self.info.name):
            return
        from cnn_studio.core.models.registry import get_model_info

        self.info = get_model_info(name)
        self.weights.set_model(self.info)
        self.options.set_info(self.info)
        self.guide.clear()
        self._extra_options = {}
        from cnn_studio.core.config import recommended_config

        # a preset chosen for the previous model does not carry over: start from this model's recommended one
        self._preset, self._trainable_from, self._custom = recommended_config(name).freeze.preset, None, False
        self._rebuild()
        self.weights.refresh_status()
        self.model_changed.emit(name)

    def model_options(self) -> dict[str, Any]:
        """The builder options of the current choice (``ModelConfig.options``: only those changed from defaults)."""
        return {**self._extra_options, **self.options.values()}

    def _on_options_changed(self) -> None:
        self.guide.clear()
        self._rebuild()
        self.settings_changed.emit()

    def set_data_size(self, image_size: int | None, input_size: int | None = None) -> None:
        """Show the layer shapes at the size training will use.

        Args:
            image_size: the opened dataset's decoded image size (None: no dataset open).
            input_size: ``DataConfig.input_size`` when the config fixes the model input, else None.
        """
        if (image_size, input_size) == (self._image_size, self._input_override):
            return
        self._image_size, self._input_override = image_size, input_size
        if self.info is not None and self._working_size() != self.input_size:
            self._rebuild()

    def _working_size(self) -> int:
        """The model input training will use (as ``core.training.setup.resolve_input_size``)."""
        from cnn_studio.core.models.registry import suggested_input_size

        if self._input_override:
            return int(self._input_override)
        if self._image_size:
            return suggested_input_size(self.info.name, self._image_size)
        return int(self.info.input_size)

    def _rebuild(self) -> None:
        from cnn_studio.core.models.layers import layer_tree
        from cnn_studio.core.models.registry import count_parameters, get_model

        self.model = get_model(self.info.name, num_classes=self.num_classes, **self.model_options())
        self.input_size = self._working_size()
        try:
            root = layer_tree(self.model, self.input_size)
        except Exception:  # noqa: BLE001 - a size the model refuses still shows the tree, without shapes
            root = layer_tree(self.model, None)
        self.layer_tree.set_model(self.model, root)
        self._update_info(count_parameters(self.model))
        self._custom = False
        self.apply_preset(self._preset, self._trainable_from, quiet=True)

    def _update_info(self, total: int) -> None:
        info = self.info
        if self._input_override or self._image_size:
            size = self.tr("Training input {size}×{size} px (designed for {design} px)").format(
                size=self.input_size, design=info.input_size)
        else:
            size = self.tr("Input {size}×{size} px; open a dataset to see the size training will use").format(
                size=self.input_size)
        options = self.options.summary()
        self.info_label.setText(self.tr("<b>{title}</b><br>{description}<br>{size} · pretrained weights: {pre}<br>"
                                        "<i>{n} parameters for {k} classes</i>").format(
            title=core_text(info.title), description=core_text(info.description), size=size,
            pre=self.tr("yes") if info.has_pretrained else self.tr("no"), n=format_count(total), k=self.num_classes)
            + (self.tr("<br>Options: {options}").format(options=options) if options else ""))

    # --- freezing ------------------------------------------------------------------------
    def apply_preset(self, preset: str, trainable_from: str | None = None, quiet: bool = False) -> None:
        """Apply a core freeze preset to the model and show the result as checks."""
        if not quiet:
            self.guide.clear()  # a hand-picked preset is no longer the guide's recommendation
        if self.model is None:
            self._preset = preset
            return
        from cnn_studio.core.models.freezing import apply_freeze

        if preset == "from-layer" and not trainable_from:
            trainable_from = self.layer_tree.selected_path()
            if not trainable_from:
                if quiet:
                    preset = "full"
                else:
                    from cnn_studio.core.errors import ModelError

                    raise ModelError(self.tr("Select a layer in the tree first, then press 'Train from selected layer'."))
        if preset == "custom":
            preset = "full"
        for p in self.model.parameters():
            p.requires_grad_(True)
        apply_freeze(self.model, FreezeConfig(preset=preset, trainable_from=trainable_from,
                                              bn_policy=self.bn_policy.currentData()), self.info)
        self._preset, self._trainable_from, self._custom = preset, trainable_from, False
        self.layer_tree.sync_from_model(core_text(PRESETS[preset].label) if preset in PRESETS else preset)
        self._update_freeze_note()
        self.freeze_changed.emit()

    def _on_tree_edited(self) -> None:
        self._custom = True
        self.guide.clear()
        self.layer_tree.update_totals(self.tr("custom"))
        self._update_freeze_note()
        self.freeze_changed.emit()

    def _update_freeze_note(self) -> None:
        """Warn when layers are frozen although the starting weights are random."""
        random_weights = self.weights.key() == "none"
        self.freeze_note.setVisible(random_weights and self.model is not None and self.frozen_count > 0)

    def frozen_paths(self) -> list[str]:
        """Return the top-most module paths whose parameters are all frozen."""
        return self.layer_tree.frozen_paths()

    def lr_multipliers(self) -> dict[str, float]:
        """Return the per-module multipliers typed in the table (bad numbers are skipped)."""
        return self.lr_options.multipliers()

    # --- pretrained weights ----------------------------------------------------------------
    def set_pretrained(self, value: Any) -> None:
        """Set the starting weights: a ``Pretrained``, or 'none', 'imagenet' or a file path."""
        from cnn_studio.core.config import Pretrained

        self.weights.set_value(Pretrained.parse(value).to_json())

    def pretrained_value(self) -> str:
        """Return ModelConfig.pretrained for the current choice."""
        return self.weights.value()

    def set_download_progress(self, fraction: float | None) -> None:
        """Show download progress (None hides the bar and refreshes the cached status)."""
        self.weights.set_download_progress(fraction)

    # --- config --------------------------------------------------------------------------
    def freeze_config(self) -> Any:
        """Return the FreezeConfig the tree shows."""
        common = dict(bn_policy=self.bn_policy.currentData(), backbone_lr_mult=float(self.backbone_mult.value()),
                      lr_multipliers=self.lr_multipliers())
        if self._custom:
            return FreezeConfig(preset="custom", frozen=tuple(self.frozen_paths()), **common)
        return FreezeConfig(preset=self._preset, trainable_from=self._trainable_from, **common)

    def apply_to(self, cfg: Any) -> Any:
        """Return ``cfg`` with this view's model, weights and freezing."""
        if self.info is None:
            return cfg
        model = replace(cfg.model, name=self.info.name, pretrained=self.pretrained_value(),
                        options=self.model_options())
        return replace(cfg, model=model, freeze=self.freeze_config())

    def load_from(self, cfg: Any) -> None:
        """Show the model, weights and freezing of ``cfg``."""
        f = cfg.freeze
        self.lr_options.load_from(f)
        preset = f.preset if f.preset != "custom" else "full"
        try:
            self.select_model(cfg.model.name)  # resets the preset to the model's recommended one ...
        except Exception:  # noqa: BLE001 - an unknown model in an old config keeps the current one
            return
        self._preset, self._trainable_from = preset, f.trainable_from  # ... which the config then overrides
        specs = {o.name for o in self.info.option_specs}
        options = dict(cfg.model.options or {})
        self._extra_options = {k: v for k, v in options.items() if k not in specs}
        self.options.set_values(options)
        self._rebuild()  # the loaded options change the network (e.g. no BatchNorm layers)
        self.set_pretrained(cfg.model.pretrained)
        if f.preset == "custom":
            self.apply_preset("full", quiet=True)  # the frozen paths are relative to a fully trainable model
            self.layer_tree.set_frozen(f.frozen)
        else:
            self.apply_preset(self._preset, self._trainable_from, quiet=True)
