"""The binding between the views that edit a TrainConfig and the session that owns it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject

from cnn_studio.core.config import TrainConfig
from cnn_studio.core.errors import ConfigError, UserError
from cnn_studio.gui.session import Session
from cnn_studio.gui.views.dataset_view import DatasetView
from cnn_studio.gui.views.model_view import ModelView
from cnn_studio.gui.widgets.train_form import TrainForm


class ConfigBinding(QObject):
    """Writes what the Dataset, Model and Train views show into ``session.config``, and shows loaded configs.

    Each view contributes its part through ``apply_to(cfg)`` (dataset root and split; model, weights
    and freezing; hyperparameters) and shows a config through ``load_from(cfg)``. ``sync()`` runs on
    every edit (the window connects the views' change signals to it); ``session.config_loaded``
    makes the views show a whole config. The Model view's options (``ModelConfig.options``) travel
    with its part, so they survive save and load; after every sync the Model view learns the input
    size training will use (the opened dataset's size, or ``DataConfig.input_size``). A cell of the
    Model view's transfer-learning guide changes the whole config (freezing, lr factors,
    augmentation), so it is applied here and loaded into every view.
    """

    def __init__(self, session: Session, dataset_view: DatasetView, model_view: ModelView, form: TrainForm,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session, self._sections = session, (dataset_view, model_view, form)
        self._model_view = model_view
        session.config_loaded.connect(self.show)
        model_view.strategy_requested.connect(self.apply_strategy)

    def collect(self) -> TrainConfig:
        """Return the config the views show (ConfigError if a field is invalid)."""
        cfg = TrainConfig()
        for section in self._sections:
            cfg = section.apply_to(cfg)
        cfg.validate()
        return cfg

    def sync(self) -> None:
        """Record the views' config in the session (or why it is invalid)."""
        try:
            self._session.set_config(self.collect())
        except ConfigError as exc:
            self._session.set_config_error(str(exc))
        dataset = self._session.dataset
        self._model_view.set_data_size(int(dataset.image_size) if dataset is not None else None,
                                       self._session.config.data.input_size)

    def current(self) -> TrainConfig:
        """Return ``session.config`` brought up to date with the views; ConfigError when a field is invalid."""
        self.sync()
        if self._session.config_error:
            raise ConfigError(self._session.config_error)
        return self._session.config

    def show(self, cfg: TrainConfig) -> None:
        """Show ``cfg`` in every view (Dataset, then Model, then the form: the form has the last word)."""
        for section in self._sections:
            section.load_from(cfg)
        self.sync()

    def apply_strategy(self, strategy: Any) -> None:
        """Apply a transfer-learning strategy (``core.models.transfer``) to the current config and show it.

        The Model view's guide says what was done and why, or why it could not be applied (a model
        without ImageNet weights, or an invalid field elsewhere).
        """
        from cnn_studio.core.models.transfer import apply_strategy

        guide = self._model_view.guide
        try:
            cfg = apply_strategy(self.current(), strategy)
        except UserError as exc:
            guide.show_refused(str(exc))
            return
        self._session.load_config(cfg)
        guide.show_applied(strategy, cfg.freeze.trainable_from)
