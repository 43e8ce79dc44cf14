"""The Model view's learning-rate options: BatchNorm policy, backbone multiplier, per-module multipliers."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QHeaderView, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from cnn_studio.core.config import FreezeConfig
from cnn_studio.gui.widgets.common import set_names


class LrOptions(QWidget):
    """BatchNorm policy, the backbone's learning-rate factor and a table of per-module factors.

    Args:
        selected_path: returns the layer tree's selected module path (for 'Add selected layer').
    """

    changed = Signal()
    """Any of the options changed (rows added or removed included)."""

    def __init__(self, selected_path: Callable[[], str | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._selected_path = selected_path
        options = QHBoxLayout(self)
        options.setContentsMargins(0, 0, 0, 0)
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
        options.addLayout(self._build_table(), 1)
        self.bn_policy.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.backbone_mult.valueChanged.connect(lambda _v: self.changed.emit())
        self.lr_table.itemChanged.connect(lambda _item: self.changed.emit())
        for rows_changed in (self.lr_table.model().rowsInserted, self.lr_table.model().rowsRemoved):
            rows_changed.connect(lambda *_: self.changed.emit())

    def _build_table(self) -> QVBoxLayout:
        mult_box = QVBoxLayout()
        self.lr_table = set_names(QTableWidget(0, 2), "lrMultipliers", self.tr("Learning-rate multipliers per module"))
        self.lr_table.setHorizontalHeaderLabels([self.tr("Module"), self.tr("lr ×")])
        self.lr_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.lr_table.setMaximumHeight(96)
        mult_box.addWidget(self.lr_table)
        buttons = QHBoxLayout()
        add = set_names(QPushButton(self.tr("Add selected layer")), "addLrMultButton",
                        self.tr("Add a learning-rate multiplier for the selected layer"))
        add.clicked.connect(self.add_selected)
        remove = set_names(QPushButton(self.tr("Remove")), "removeLrMultButton",
                           self.tr("Remove the selected multiplier"))
        remove.clicked.connect(lambda: self.lr_table.removeRow(self.lr_table.currentRow()))
        buttons.addWidget(add)
        buttons.addWidget(remove)
        mult_box.addLayout(buttons)
        return mult_box

    def add_selected(self) -> None:
        """Add a row (factor 1.0) for the layer selected in the tree."""
        path = self._selected_path()
        if path:
            self._add_row(path, 1.0)

    def _add_row(self, path: str, value: float) -> None:
        row = self.lr_table.rowCount()
        self.lr_table.insertRow(row)
        self.lr_table.setItem(row, 0, QTableWidgetItem(path))
        self.lr_table.setItem(row, 1, QTableWidgetItem(str(value)))

    def multipliers(self) -> dict[str, float]:
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

    def load_from(self, freeze: Any) -> None:
        """Show the BatchNorm policy and multipliers of a ``FreezeConfig``."""
        self.bn_policy.setCurrentIndex(max(self.bn_policy.findData(freeze.bn_policy), 0))
        self.backbone_mult.setValue(freeze.backbone_lr_mult)
        self.lr_table.setRowCount(0)
        for path, value in dict(freeze.lr_multipliers).items():
            self._add_row(path, value)
