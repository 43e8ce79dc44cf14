"""The model's builder options (BatchNorm on/off, shortcut A/B), built from ``ModelInfo.option_specs``."""

from __future__ import annotations

from typing import Any, Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGroupBox, QLabel, QWidget

from cnn_studio.gui.i18n import core_text
from cnn_studio.gui.widgets.common import set_names


class ModelOptions(QGroupBox):
    """One control per option a learner may change: a checkbox for on/off, a list for choices.

    The box hides itself for models without options. :meth:`values` returns only the options that
    differ from the model's defaults (what ``ModelConfig.options`` stores).
    """

    changed = Signal()
    """The user changed an option."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Model options"), parent)
        self.setObjectName("modelOptions")
        self._specs: tuple[Any, ...] = ()
        self.controls: dict[str, QWidget] = {}
        self._form = QFormLayout(self)
        self.setVisible(False)

    def set_info(self, info: Any) -> None:
        """Show the options of ``info`` (a ``ModelInfo``), each at its default."""
        while self._form.rowCount():
            self._form.removeRow(0)
        self.controls = {}
        self._specs = tuple(info.option_specs) if info is not None else ()
        for spec in self._specs:
            control = self._make_control(spec)
            self.controls[spec.name] = control
            self._form.addRow(QLabel(core_text(spec.title)), control)
        self.setVisible(bool(self._specs))

    def _make_control(self, spec: Any) -> QWidget:
        name, accessible = f"option_{spec.name}", self.tr("Model option {title}").format(title=core_text(spec.title))
        if spec.choices is None and isinstance(spec.default, bool):
            box = set_names(QCheckBox(self.tr("On")), name, accessible)
            box.setChecked(spec.default)
            box.toggled.connect(lambda _on: self.changed.emit())
            control: QWidget = box
        else:
            combo = set_names(QComboBox(), name, accessible)
            for choice in spec.choices or (spec.default,):
                combo.addItem(str(choice), choice)
            combo.setCurrentIndex(max(combo.findData(spec.default), 0))
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
            control = combo
        control.setToolTip(core_text(spec.help))
        return control

    def values(self) -> dict[str, Any]:
        """Return the options that differ from the model's defaults."""
        result: dict[str, Any] = {}
        for spec in self._specs:
            value = self._value(spec)
            if value != spec.default:
                result[spec.name] = value
        return result

    def _value(self, spec: Any) -> Any:
        control = self.controls[spec.name]
        if isinstance(control, QCheckBox):
            return control.isChecked()
        return control.currentData()

    def set_values(self, options: Mapping[str, Any]) -> None:
        """Show ``options`` (missing ones at their defaults; unknown ones ignored) without emitting :attr:`changed`."""
        for spec in self._specs:
            value = dict(options or {}).get(spec.name, spec.default)
            control = self.controls[spec.name]
            control.blockSignals(True)
            if isinstance(control, QCheckBox):
                control.setChecked(bool(value))
            else:
                index = next((i for i in range(control.count())
                              if str(control.itemData(i)).upper() == str(value).upper()), -1)
                control.setCurrentIndex(max(index, 0))
            control.blockSignals(False)

    def summary(self) -> str:
        """The changed options in words, e.g. 'BatchNorm: off' ('' when all are at their defaults)."""
        parts = []
        for spec in self._specs:
            value = self._value(spec)
            if value != spec.default:
                shown = (self.tr("on") if value else self.tr("off")) if isinstance(value, bool) else str(value)
                parts.append(self.tr("{title}: {value}").format(title=core_text(spec.title), value=shown))
        return ", ".join(parts)
