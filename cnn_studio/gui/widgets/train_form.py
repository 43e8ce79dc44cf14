"""The hyperparameter form of the Train panel: edits a TrainConfig, validated as you type."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QLabel, QLineEdit, QSpinBox,
                               QWidget)

from cnn_studio.gui.widgets.common import set_names
from cnn_studio.gui.widgets.image_tools import english_plural

INVALID_STYLE = "background: #ffe0e0;"


class TrainForm(QWidget):
    """Hyperparameters; ``changed`` fires on every edit, ``error`` holds the first problem ('' if none).

    Every field starts at ``TrainConfig()``'s value: the config's defaults are the form's defaults.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        from cnn_studio.core import config as c

        super().__init__(parent)
        self.setObjectName("trainForm")
        self.error = ""
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)

        def spin(name: str, label: str, lo: int, hi: int, value: int, special: str = "") -> QSpinBox:
            w = set_names(QSpinBox(), name, label)
            w.setRange(lo, hi)
            w.setValue(value)
            if special:
                w.setSpecialValueText(special)
            w.valueChanged.connect(self._on_edit)
            form.addRow(label, w)
            return w

        def dspin(name: str, label: str, lo: float, hi: float, value: float, step: float) -> QDoubleSpinBox:
            w = set_names(QDoubleSpinBox(), name, label)
            w.setRange(lo, hi)
            w.setDecimals(3)
            w.setSingleStep(step)
            w.setValue(value)
            w.valueChanged.connect(self._on_edit)
            form.addRow(label, w)
            return w

        def combo(name: str, label: str, values: tuple[str, ...]) -> QComboBox:
            w = set_names(QComboBox(), name, label)
            w.addItems(list(values))
            w.currentIndexChanged.connect(self._on_edit)
            form.addRow(label, w)
            return w

        def line(name: str, label: str, text: str, tip: str) -> QLineEdit:
            w = set_names(QLineEdit(text), name, label)
            w.setToolTip(tip)
            w.textChanged.connect(self._on_edit)
            form.addRow(label, w)
            return w

        d = c.TrainConfig()  # the defaults of every field
        self.epochs = spin("epochs", self.tr("Epochs"), 1, 100000, d.epochs)
        self.batch_size = spin("batchSize", self.tr("Batch size"), 1, 65536, d.batch_size)
        self.optimizer = combo("optimizer", self.tr("Optimizer"), c.OPTIMIZERS)
        self.lr = line("learningRate", self.tr("Learning rate"), f"{d.optim.lr:g}",
                       self.tr("A positive number below 100, e.g. 0.1 or 1e-3."))
        self.momentum = dspin("momentum", self.tr("Momentum"), 0.0, 0.999, d.optim.momentum, 0.05)
        self.weight_decay = line("weightDecay", self.tr("Weight decay"), f"{d.optim.weight_decay:g}",
                                 self.tr("Zero or a small positive number, e.g. 5e-4."))
        self.schedule = combo("schedule", self.tr("LR schedule"), c.SCHEDULES)
        self.warmup = dspin("warmupEpochs", self.tr("Warm-up epochs"), 0.0, 1000.0, d.optim.warmup_epochs, 0.5)
        self.label_smoothing = dspin("labelSmoothing", self.tr("Label smoothing"), 0.0, 0.99,
                                     d.optim.label_smoothing, 0.05)
        self.translate = spin("augmentTranslate", self.tr("Augment: shift (px)"), 0, 64, d.data.augment_translate)
        self.flip = set_names(QCheckBox(self.tr("horizontal flip")), "augmentFlip", self.tr("Augment: horizontal flip"))
        self.flip.setChecked(d.data.augment_flip)
        self.flip.toggled.connect(self._on_edit)
        form.addRow(self.tr("Augment: flip"), self.flip)
        self.cutout = spin("cutout", self.tr("Augment: cutout (px)"), 0, 256, d.data.cutout)
        self.feature_cache = set_names(QCheckBox(self.tr("cache their features")), "featureCache",
                                       self.tr("Frozen layers: cache their features"))
        self.feature_cache.setToolTip(self.tr(
            "When the frozen layers come first (feature extraction, last stage, train from a layer), their output is "
            "computed once per image and every epoch trains only the rest, many times faster. Horizontal flips are "
            "kept; random shift and cutout are off on cached features: untick this to train with them."))
        self.feature_cache.setChecked(d.feature_cache)
        self.feature_cache.toggled.connect(self._on_edit)
        form.addRow(self.tr("Frozen layers"), self.feature_cache)
        self.image_size = spin("imageSize", self.tr("Image size"), 0, 1024, d.data.image_size or 0, self.tr("auto"))
        self.input_size = spin("inputSize", self.tr("Input size"), 0, 1024, d.data.input_size or 0, self.tr("auto"))
        self.validation = combo("validationSource", self.tr("Held-out set"), c.VALIDATION_SOURCES)
        self.device = combo("device", self.tr("Device"), c.DEVICES)
        self.precision = combo("precision", self.tr("Precision"), c.PRECISIONS)
        self.seed = spin("seed", self.tr("Seed"), 0, 2**31 - 1, d.seed)
        for widget, value in ((self.optimizer, d.optim.optimizer), (self.schedule, d.optim.schedule),
                              (self.validation, d.data.validation), (self.device, d.device),
                              (self.precision, d.precision)):
            widget.blockSignals(True)
            widget.setCurrentText(value)
            widget.blockSignals(False)
        self.message = QLabel()
        self.message.setObjectName("formMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        form.addRow(self.message)
        self.schedule_note = QLabel()
        self.schedule_note.setObjectName("scheduleWarning")
        self.schedule_note.setWordWrap(True)
        self.schedule_note.setStyleSheet("color: #8a5a00;")
        form.addRow(self.schedule_note)
        # True once the user changed the epochs by hand: a model switch then keeps them (filling
        # the form blocks signals, so only the user's edits set it).
        self.epochs_typed = False
        self.epochs.valueChanged.connect(self._on_epochs_typed)
        self._base: Any = None
        self._update_momentum()

    # --- validation ------------------------------------------------------------------------
    @staticmethod
    def _parse_float(widget: QLineEdit) -> float | None:
        try:
            value = float(widget.text().strip())
        except ValueError:
            return None
        return value if value == value and abs(value) != float("inf") else None

    def _update_momentum(self) -> None:
        """Momentum is an SGD setting: Adam and AdamW keep their own running averages instead."""
        sgd = self.optimizer.currentText() == "sgd"
        self.momentum.setEnabled(sgd)
        self.momentum.setToolTip("" if sgd else self.tr(
            "Momentum applies to SGD only; {opt} uses its own moving averages (betas) instead.").format(
            opt=self.optimizer.currentText()))

    def _on_epochs_typed(self) -> None:
        self.epochs_typed = True

    def schedule_warning_text(self) -> str:
        """The form's schedule warnings as translated sentences ('' when the schedule fits the run)."""
        from cnn_studio.core.training.optim import schedule_warnings

        cfg = self._build(self._base_config())
        texts = []
        for w in schedule_warnings(cfg.optim, cfg.epochs):
            where = (self.tr("after {n:g} epochs").format(n=w.drop_epoch) if w.drop_epoch >= 1
                     else self.tr("inside the first epoch"))
            if w.kind == "warmup_past_drop":
                texts.append(self.tr("The step schedule lowers the learning rate {where}, before the warm-up ends; "
                                     "shorten the warm-up or train for more epochs.").format(where=where))
            else:
                text = english_plural(self.tr("With %n epoch(s) the step schedule multiplies the learning rate by "
                                              "{factor:g} {where}, before the model has learnt much; train for more "
                                              "epochs or use the cosine schedule.", "", w.epochs), w.epochs)
                texts.append(text.format(factor=w.factor, where=where))
        return "\n".join(texts)

    def _on_edit(self) -> None:
        self._update_momentum()
        self.validate()
        self.changed.emit()

    def validate(self, base: Any = None) -> str:
        """Check every field; show and return the first problem ('' when valid)."""
        from cnn_studio.core.errors import ConfigError

        problem = ""
        for widget, what in ((self.lr, self.tr("Learning rate")), (self.weight_decay, self.tr("Weight decay"))):
            ok = self._parse_float(widget) is not None
            widget.setStyleSheet("" if ok else INVALID_STYLE)
            if not ok and not problem:
                problem = self.tr("{what} must be a number, e.g. 0.01 or 1e-3.").format(what=what)
        if not problem:
            try:
                self._build(base or self._base_config()).validate()
            except ConfigError as exc:
                problem = str(exc)
        self.error = problem
        self.message.setText(problem)
        self.schedule_note.setText("" if problem else self.schedule_warning_text())
        return problem

    def _base_config(self) -> Any:
        from cnn_studio.core.config import TrainConfig

        return self._base or TrainConfig()

    # --- config ----------------------------------------------------------------------------
    def _build(self, cfg: Any) -> Any:
        optim = replace(cfg.optim, optimizer=self.optimizer.currentText(), lr=self._parse_float(self.lr) or 0.0,
                        momentum=float(self.momentum.value()), weight_decay=self._parse_float(self.weight_decay) or 0.0,
                        schedule=self.schedule.currentText(), warmup_epochs=float(self.warmup.value()),
                        label_smoothing=float(self.label_smoothing.value()))
        data = replace(cfg.data, augment_translate=self.translate.value(), augment_flip=self.flip.isChecked(),
                       cutout=self.cutout.value(), image_size=self.image_size.value() or None,
                       input_size=self.input_size.value() or None, validation=self.validation.currentText())
        return replace(cfg, optim=optim, data=data, epochs=self.epochs.value(), batch_size=self.batch_size.value(),
                       device=self.device.currentText(), precision=self.precision.currentText(), seed=self.seed.value(),
                       feature_cache=self.feature_cache.isChecked())

    def apply_to(self, cfg: Any) -> Any:
        """Return ``cfg`` with this form's values; ConfigError if a field is invalid."""
        from cnn_studio.core.errors import ConfigError

        problem = self.validate(cfg)
        if problem:
            raise ConfigError(problem)
        return self._build(cfg)

    def load_from(self, cfg: Any, *, keep_typed_epochs: bool = False) -> None:
        """Show ``cfg``'s values (signals blocked while filling, then one ``changed``).

        Args:
            keep_typed_epochs: keep the epochs the user typed (a model switch filling in the
                family's recipe); otherwise ``cfg``'s epochs are shown and count as not typed.
        """
        if keep_typed_epochs and self.epochs_typed:
            cfg = replace(cfg, epochs=self.epochs.value())
        else:
            self.epochs_typed = False
        self._base = cfg
        widgets = [self.epochs, self.batch_size, self.optimizer, self.lr, self.momentum, self.weight_decay,
                   self.schedule, self.warmup, self.label_smoothing, self.translate, self.flip, self.cutout,
                   self.feature_cache, self.image_size, self.input_size, self.validation, self.device, self.precision, self.seed]
        for w in widgets:
            w.blockSignals(True)
        o, d = cfg.optim, cfg.data
        self.epochs.setValue(cfg.epochs)
        self.batch_size.setValue(cfg.batch_size)
        self.optimizer.setCurrentText(o.optimizer)
        self.lr.setText(f"{o.lr:g}")
        self.momentum.setValue(o.momentum)
        self.weight_decay.setText(f"{o.weight_decay:g}")
        self.schedule.setCurrentText(o.schedule)
        self.warmup.setValue(o.warmup_epochs)
        self.label_smoothing.setValue(o.label_smoothing)
        self.translate.setValue(d.augment_translate)
        self.flip.setChecked(d.augment_flip)
        self.cutout.setValue(d.cutout)
        self.feature_cache.setChecked(cfg.feature_cache)
        self.image_size.setValue(d.image_size or 0)
        self.input_size.setValue(d.input_size or 0)
        self.validation.setCurrentText(d.validation)
        self.device.setCurrentText(cfg.device)
        self.precision.setCurrentText(cfg.precision)
        self.seed.setValue(cfg.seed)
        for w in widgets:
            w.blockSignals(False)
        self._on_edit()
