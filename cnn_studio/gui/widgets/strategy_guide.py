"""The lecture's four transfer-learning strategies as a 2x2 guide (dataset size x similarity to ImageNet)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QPushButton, QSizePolicy, QWidget

from cnn_studio.gui.i18n import core_text
from cnn_studio.gui.widgets.common import set_names


class StrategyGuide(QGroupBox):
    """Rows: small / large dataset; columns: similar / different to ImageNet. A click chooses a cell.

    The guide only shows and reports: :attr:`chosen` carries the ``TransferStrategy``; whoever owns
    the config applies it (``core.models.transfer.apply_strategy``) and calls :meth:`show_applied`
    or :meth:`show_refused`.
    """

    chosen = Signal(object)
    """A cell was clicked (its ``core.models.transfer.TransferStrategy``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Transfer-learning guide"), parent)
        self.setObjectName("strategyGuide")
        from cnn_studio.core.models.transfer import STRATEGIES

        grid = QGridLayout(self)
        grid.setContentsMargins(6, 6, 6, 6)
        grid.addWidget(QLabel(self.tr("Similar to ImageNet")), 0, 1)
        grid.addWidget(QLabel(self.tr("Different from ImageNet")), 0, 2)
        grid.addWidget(QLabel(self.tr("Small dataset")), 1, 0)
        grid.addWidget(QLabel(self.tr("Large dataset")), 2, 0)
        rows, cols = {"small": 1, "large": 2}, {"similar": 1, "different": 2}
        self.buttons: dict[str, QPushButton] = {}
        for strategy in STRATEGIES:
            button = set_names(QPushButton(core_text(strategy.title)), f"strategy_{strategy.id}",
                               self.tr("Transfer strategy: {title}").format(title=core_text(strategy.title)))
            button.setCheckable(True)
            button.setToolTip(core_text(strategy.advice))
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            button.clicked.connect(lambda _=False, s=strategy: self.chosen.emit(s))
            grid.addWidget(button, rows[strategy.dataset_size], cols[strategy.similarity])
            self.buttons[strategy.id] = button
        self.explanation = QLabel(self.tr("Choose the cell that describes your data: its recommendation is applied "
                                          "to the model, the freezing and the augmentation."))
        self.explanation.setObjectName("strategyExplanation")
        self.explanation.setWordWrap(True)
        grid.addWidget(self.explanation, 3, 0, 1, 3)

    def _check_only(self, strategy_id: str | None) -> None:
        for key, button in self.buttons.items():
            button.setChecked(key == strategy_id)

    def show_applied(self, strategy: Any, trainable_from: str | None = None) -> None:
        """Mark ``strategy`` as applied and say what it did and why."""
        self._check_only(strategy.id)
        start = (self.tr("Training starts at {layer}.").format(layer=trainable_from) if trainable_from else "")
        self.explanation.setText(self.tr("<b>{title}</b>: {advice} {start}<br><i>Why:</i> {reason} Backbone "
                                         "learning rate × {mult}.").format(
            title=core_text(strategy.title), advice=core_text(strategy.advice), start=start,
            reason=core_text(strategy.reason), mult=strategy.backbone_lr_mult))

    def show_refused(self, message: str) -> None:
        """Say why the strategy could not be applied (e.g. the model has no pretrained weights)."""
        self._check_only(None)
        self.explanation.setText(message)

    def clear(self) -> None:
        """Unmark the cells (the config was edited by hand or another model was chosen)."""
        self._check_only(None)
