"""The trainable-layers tree: a model's modules with tri-state checks that mirror their requires_grad flags."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QMenu, QTreeWidget, QTreeWidgetItem, \
    QVBoxLayout, QWidget

from cnn_studio.gui.widgets.common import format_count, set_names

PATH_ROLE = Qt.ItemDataRole.UserRole
KERAS_COLUMN = 1  # the course's Keras name (block5_conv1), next to the torchvision module name


class LayerTree(QWidget):
    """A model's module tree (name, Keras name, type, output shape, parameters) whose checks say which layers train.

    Leaves with parameters carry the real state (checked = trainable); a parent shows the tri-state of
    its checkable descendants and checking it checks them all. Modules without parameters get no
    checkbox. Editing a check writes ``requires_grad`` on the model at once and emits :attr:`edited`.

    Attributes:
        tree: the QTreeWidget.
        items: tree item per module path.
        totals: the 'Trainable · Frozen · preset' line.
        trainable_count: trainable parameters after the last totals update.
        frozen_count: frozen parameters after the last totals update.
    """

    edited = Signal()
    """The user changed a check; the model's requires_grad flags already follow it."""
    train_from_requested = Signal(str)
    """The user asked to train from a layer on (its module path): the 'Train from here' context action."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model: Any = None
        self.items: dict[str, QTreeWidgetItem] = {}
        self.trainable_count = 0
        self.frozen_count = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("<b>Layers</b> — checked layers train, unchecked layers are frozen")))
        self.tree = set_names(QTreeWidget(), "layerTree", self.tr("Layer tree"))
        self.tree.setColumnCount(5)
        self.tree.setHeaderLabels([self.tr("Module"), self.tr("Keras name"), self.tr("Type"), self.tr("Output shape"),
                                   self.tr("Parameters")])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3, 4):
            self.tree.header().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemChanged.connect(self._on_item_changed)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._show_menu)
        layout.addWidget(self.tree, 1)
        self.totals = QLabel()
        self.totals.setObjectName("paramTotals")
        layout.addWidget(self.totals)

    # --- building ------------------------------------------------------------------------
    def set_model(self, model: Any, root: Any) -> None:
        """Show ``model`` as the tree of ``root`` (its core.models.layers.LayerNode), every layer checked."""
        self.model = model
        self.tree.blockSignals(True)
        self.tree.clear()
        self.items = {}
        for child in root.children:
            self.tree.addTopLevelItem(self._make_item(child))
        self.tree.setColumnHidden(KERAS_COLUMN, not any(node.keras_name for node in root.walk()))
        self.tree.expandToDepth(0)
        self.tree.blockSignals(False)

    def _make_item(self, node: Any) -> QTreeWidgetItem:
        shape = node.output_shape
        if shape and len(shape) > 1 and shape[0] == 1:
            shape = shape[1:]  # drop the dry pass's batch dimension
        shape_text = "×".join(str(s) for s in shape) if shape else ""
        item = QTreeWidgetItem([node.name, node.keras_name or "", node.type, shape_text, format_count(node.total_params)])
        item.setData(0, PATH_ROLE, node.path)
        item.setToolTip(0, self.tr("{path} (Keras: {keras})").format(path=node.path, keras=node.keras_name)
                        if node.keras_name else node.path)
        self.items[node.path] = item
        for child in node.children:
            item.addChild(self._make_item(child))
        if node.total_params > 0:
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked)
        else:  # nothing to train: no checkbox
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
        return item

    def selected_path(self) -> str | None:
        """Return the module path of the selected row (None when nothing is selected)."""
        item = self.tree.currentItem()
        return item.data(0, PATH_ROLE) if item is not None else None

    def keras_name(self, path: str) -> str:
        """The Keras name shown for ``path`` ('' when it has none)."""
        item = self.items.get(path)
        return item.text(KERAS_COLUMN) if item is not None else ""

    def train_from_action(self, path: str) -> QAction:
        """The context action that asks to train from ``path`` on (named after its Keras name when it has one)."""
        keras = self.keras_name(path)
        text = (self.tr("Train from {keras} ({path}) on").format(keras=keras, path=path) if keras
                else self.tr("Train from {path} on").format(path=path))
        action = QAction(text, self.tree)
        action.setObjectName("trainFromLayerAction")
        action.triggered.connect(lambda _=False: self.train_from_requested.emit(path))
        return action

    def _show_menu(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        if item is None or not item.data(0, PATH_ROLE):
            return
        menu = QMenu(self.tree)
        menu.addAction(self.train_from_action(item.data(0, PATH_ROLE)))
        menu.exec(self.tree.viewport().mapToGlobal(pos))

    # --- checks <-> requires_grad ----------------------------------------------------------
    def sync_from_model(self, preset_label: str) -> None:
        """Set every check from the model's requires_grad flags and update the totals line."""
        self.tree.blockSignals(True)
        for path, item in self.items.items():
            if self._is_checkable_leaf(item):
                module = self.model.get_submodule(path)
                trainable = any(p.requires_grad for p in module.parameters())
                item.setCheckState(0, Qt.CheckState.Checked if trainable else Qt.CheckState.Unchecked)
        self._refresh_parent_states()
        self.tree.blockSignals(False)
        self.tree.viewport().update()
        self.update_totals(preset_label)

    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if column != 0 or self.model is None:
            return
        self.tree.blockSignals(True)
        state = item.checkState(0)
        if item.childCount() and state != Qt.CheckState.PartiallyChecked:
            self._set_descendants(item, state)
        self._write_requires_grad()
        self.tree.blockSignals(False)
        self.edited.emit()

    def _write_requires_grad(self) -> None:
        """Give the model the leaves' checks and every parent the tri-state of its children (signals blocked)."""
        for path, leaf in self.items.items():
            if self._is_checkable_leaf(leaf):
                trainable = leaf.checkState(0) == Qt.CheckState.Checked
                for p in self.model.get_submodule(path).parameters():
                    p.requires_grad_(trainable)
        self._refresh_parent_states()

    def set_frozen(self, paths: list[str] | tuple[str, ...]) -> None:
        """Uncheck the modules at ``paths`` (and everything below them) and freeze them in the model.

        Paths not in the tree are ignored. Emits :attr:`edited`, as a user edit would.
        """
        if self.model is None:
            return
        self.tree.blockSignals(True)
        for path in paths:
            if path in self.items:
                self.items[path].setCheckState(0, Qt.CheckState.Unchecked)
                self._set_descendants(self.items[path], Qt.CheckState.Unchecked)
        self._write_requires_grad()
        self.tree.blockSignals(False)
        self.edited.emit()

    @staticmethod
    def _is_checkable_leaf(item: QTreeWidgetItem) -> bool:
        return item.childCount() == 0 and bool(item.flags() & Qt.ItemFlag.ItemIsUserCheckable)

    def _refresh_parent_states(self) -> None:
        """Give every parent the tri-state of its checkable descendants (paramless modules ignored)."""

        def visit(item: QTreeWidgetItem) -> Qt.CheckState | None:
            if not item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                return None
            if item.childCount() == 0:
                return item.checkState(0)
            states = {s for s in (visit(item.child(i)) for i in range(item.childCount())) if s is not None}
            state = states.pop() if len(states) == 1 else Qt.CheckState.PartiallyChecked
            item.setCheckState(0, state)
            return state

        for i in range(self.tree.topLevelItemCount()):
            visit(self.tree.topLevelItem(i))

    def _set_descendants(self, item: QTreeWidgetItem, state: Qt.CheckState) -> None:
        for i in range(item.childCount()):
            child = item.child(i)
            if child.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                if child.childCount() == 0:
                    child.setCheckState(0, state)
                self._set_descendants(child, state)

    # --- results -------------------------------------------------------------------------
    def update_totals(self, preset_label: str) -> None:
        """Count trainable and frozen parameters and show them with ``preset_label``."""
        trainable = sum(p.numel() for p in self.model.parameters() if p.requires_grad)
        frozen = sum(p.numel() for p in self.model.parameters() if not p.requires_grad)
        self.totals.setText(self.tr("Trainable: <b>{t}</b> · Frozen: <b>{f}</b> · preset: {p}").format(
            t=format_count(trainable), f=format_count(frozen), p=preset_label))
        self.trainable_count, self.frozen_count = trainable, frozen

    def frozen_paths(self) -> list[str]:
        """Return the top-most module paths whose parameters are all frozen."""
        result: list[str] = []

        def visit(item: QTreeWidgetItem) -> None:
            if not item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                return
            state = item.checkState(0)
            if state == Qt.CheckState.Unchecked:
                result.append(item.data(0, PATH_ROLE))
            elif state == Qt.CheckState.PartiallyChecked:
                for i in range(item.childCount()):
                    visit(item.child(i))

        for i in range(self.tree.topLevelItemCount()):
            visit(self.tree.topLevelItem(i))
        return result
