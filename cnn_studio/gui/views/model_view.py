"""The Model panel: pick a network, its starting weights, and which layers train.

The starting-weights box lives in weights_picker.py and the trainable-layers tree in layer_tree.py;
this view composes them with the model picker, the freeze presets and the learning-rate options.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QSplitter, QTableWidget, QTableWidgetItem, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
                               QWidget)

from cnn_studio.core.config import FreezeConfig
from cnn_studio.core.models.freezing import BUTTON_PRESETS, PRESETS
from cnn_studio.gui.i18n import core_text
from cnn_studio.gui.widgets.common import format_count, set_names
from cnn_studio.gui.widgets.layer_tree import PATH_ROLE, LayerTree
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

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelView")
        self.model: Any = None
        self.info: Any = None
        self.num_classes = 10
        self._preset = "full"
        self._trainable_from: str | None = None
        self._custom = False
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self._build_picker())
        splitter.addWidget(self._build_layers_panel())
        splitter.setSizes([380, 860])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)
        self._fill_models()
        self.freeze_changed.connect(self.settings_changed)
        self.weights.combo.currentIndexChanged.connect(lambda _i: self.settings_changed.emit())
        self.bn_policy.currentIndexChanged.connect(lambda _i: self.settings_changed.emit())
        self.backbone_mult.valueChanged.connect(lambda _v: self.settings_changed.emit())
        self.lr_table.itemChanged.connect(lambda _item: self.settings_changed.emit())
        for rows_changed in (self.lr_table.model().rowsInserted, self.lr_table.model().rowsRemoved):
            rows_changed.connect(lambda *_: self.settings_changed.emit())

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

        self.weights = WeightsPicker()
        self.weights.download_requested.connect(self.download_requested)
        self.weights.status_changed.connect(self._update_freeze_note)
        self.pretrained = self.weights.combo
        self.weights_status = self.weights.status
        self.download_button = self.weights.download_button
        self.download_progress = self.weights.progress
        layout.addWidget(self.weights)
        return panel

    def _build_layers_panel(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        self.layer_tree = LayerTree()
        self.layer_tree.edited.connect(self._on_tree_edited)
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
        layout.addLayout(self._build_lr_options())
        return panel

    def _build_lr_options(self) -> QHBoxLayout:
        options = QHBoxLayout()
        form = QFormLayout()
        self.bn_policy = set_names(QComboBox(), "bnPolicy", self.tr("BatchNorm policy"))
        self.bn_policy.addItem(self.tr("Freeze statistics in frozen layers"), "freeze")
        self.bn_policy.addItem(self.tr("Keep updating statistics"), "train")
        self.bn_policy.setToolTip(self.tr("Frozen BatchNorm layers run in eval mode so ImageNet statistics stay put."))
        self.backbone_mult = set_names(QDoubleSpinBox(), "backboneLrMult", self.tr("Backbone learning-rate multiplier"))
        self.backbone_mult.setRange(0.0, 10.0)
        self.backbone_mult.setDecimals(3)
        self.backbone_mult.setSingleStep(0.05)
        self.backbone_mult.setValue(FreezeConfig().backbone_lr_mult)
        self.backbone_mult.setToolTip(self.tr("Pretrained layers learn at this fraction of the head's rate."))
        form.addRow(self.tr("BatchNorm"), self.bn_policy)
        form.addRow(self.tr("Backbone lr ×"), self.backbone_mult)
        options.addLayout(form, 1)
        mult_box = QVBoxLayout()
        self.lr_table = set_names(QTableWidget(0, 2), "lrMultipliers", self.tr("Learning-rate multipliers per module"))
        self.lr_table.setHorizontalHeaderLabels([self.tr("Module"), self.tr("lr ×")])
        self.lr_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.lr_table.setMaximumHeight(96)
        mult_box.addWidget(self.lr_table)
        buttons = QHBoxLayout()
        add = set_names(QPushButton(self.tr("Add selected layer")), "addLrMultButton",
                        self.tr("Add a learning-rate multiplier for the selected layer"))
        add.clicked.connect(self._add_lr_multiplier)
        remove = set_names(QPushButton(self.tr("Remove")), "removeLrMultButton",
                           self.tr("Remove the selected multiplier"))
        remove.clicked.connect(lambda: self.lr_table.removeRow(self.lr_table.currentRow()))
        buttons.addWidget(add)
        buttons.addWidget(remove)
        mult_box.addLayout(buttons)
        options.addLayout(mult_box, 1)
        return options

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
        info = self.info
        self.info_label.setText(self.tr("<b>{title}</b><br>{description}<br>Input {size}×{size} px · pretrained "
                                        "weights: {pre}").format(title=core_text(info.title), description=core_text(info.description),
                                                                 size=info.input_size,
                                                                 pre=self.tr("yes") if info.has_pretrained else self.tr("no")))
        self.weights.set_model(info)
        from cnn_studio.core.config import recommended_config

        # a preset chosen for the previous model does not carry over: start from this model's recommended one
        self._preset, self._trainable_from, self._custom = recommended_config(name).freeze.preset, None, False
        self._rebuild()
        self.weights.refresh_status()
        self.model_changed.emit(name)

    def _rebuild(self) -> None:
        from cnn_studio.core.models.layers import layer_tree
        from cnn_studio.core.models.registry import count_parameters, get_model

        self.model = get_model(self.info.name, num_classes=self.num_classes)
        self.layer_tree.set_model(self.model, layer_tree(self.model, self.info.input_size))
        total = count_parameters(self.model)
        self.info_label.setText(self.info_label.text().split("<br><i>")[0]
                                + self.tr("<br><i>{n} parameters for {k} classes</i>").format(
                                    n=format_count(total),
                                    k=self.num_classes))
        self._custom = False
        self.apply_preset(self._preset, self._trainable_from, quiet=True)

    # --- freezing ------------------------------------------------------------------------
    def apply_preset(self, preset: str, trainable_from: str | None = None, quiet: bool = False) -> None:
        """Apply a core freeze preset to the model and show the result as checks."""
        if self.model is None:
            self._preset = preset
            return
        from cnn_studio.core.config import FreezeConfig
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

    def _add_lr_multiplier(self) -> None:
        path = self.layer_tree.selected_path()
        if path is None:
            return
        row = self.lr_table.rowCount()
        self.lr_table.insertRow(row)
        self.lr_table.setItem(row, 0, QTableWidgetItem(path))
        self.lr_table.setItem(row, 1, QTableWidgetItem("1.0"))

    def lr_multipliers(self) -> dict[str, float]:
        """Return the per-module multipliers typed in the table (bad numbers are skipped)."""
        result: dict[str, float] = {}
        for row in range(self.lr_table.rowCount()):
            path_item, value_item = self.lr_table.item(row, 0), self.lr_table.item(row, 1)
            try:
                value = float(value_item.text()) if value_item else None
            except ValueError:
                value = None
            if path_item and path_item.text() and value is not None and value >= 0:
                result[path_item.text()] = value
        return result

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
        from cnn_studio.core.config import FreezeConfig

        common = dict(bn_policy=self.bn_policy.currentData(), backbone_lr_mult=float(self.backbone_mult.value()),
                      lr_multipliers=self.lr_multipliers())
        if self._custom:
            return FreezeConfig(preset="custom", frozen=tuple(self.frozen_paths()), **common)
        return FreezeConfig(preset=self._preset, trainable_from=self._trainable_from, **common)

    def apply_to(self, cfg: Any) -> Any:
        """Return ``cfg`` with this view's model, weights and freezing."""
        if self.info is None:
            return cfg
        model = replace(cfg.model, name=self.info.name, pretrained=self.pretrained_value())
        return replace(cfg, model=model, freeze=self.freeze_config())

    def load_from(self, cfg: Any) -> None:
        """Show the model, weights and freezing of ``cfg``."""
        f = cfg.freeze
        self.bn_policy.setCurrentIndex(max(self.bn_policy.findData(f.bn_policy), 0))
        self.backbone_mult.setValue(f.backbone_lr_mult)
        self.lr_table.setRowCount(0)
        for path, value in dict(f.lr_multipliers).items():
            row = self.lr_table.rowCount()
            self.lr_table.insertRow(row)
            self.lr_table.setItem(row, 0, QTableWidgetItem(path))
            self.lr_table.setItem(row, 1, QTableWidgetItem(str(value)))
        preset = f.preset if f.preset != "custom" else "full"
        try:
            self.select_model(cfg.model.name)  # resets the preset to the model's recommended one ...
        except Exception:  # noqa: BLE001 - an unknown model in an old config keeps the current one
            return
        self._preset, self._trainable_from = preset, f.trainable_from  # ... which the config then overrides
        self.set_pretrained(cfg.model.pretrained)
        if f.preset == "custom":
            self.apply_preset("full", quiet=True)  # the frozen paths are relative to a fully trainable model
            self.layer_tree.set_frozen(f.frozen)
        else:
            self.apply_preset(self._preset, self._trainable_from, quiet=True)
