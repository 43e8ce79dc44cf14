"""The binding between the views that edit a TrainConfig and the session that owns it."""

from __future__ import annotations

from PySide6.QtCore import QObject

from cnn_studio.core.config import TrainConfig
from cnn_studio.core.errors import ConfigError
from cnn_studio.gui.session import Session
from cnn_studio.gui.views.dataset_view import DatasetView
from cnn_studio.gui.views.model_view import ModelView
from cnn_studio.gui.widgets.train_form import TrainForm


class ConfigBinding(QObject):
    """Writes what the Dataset, Model and Train views show into ``session.config``, and shows loaded configs.

    Each view contributes its part through ``apply_to(cfg)`` (dataset root and split; model, weights
    and freezing; hyperparameters) and shows a config through ``load_from(cfg)``. ``sync()`` runs on
    every edit (the window connects the views' change signals to it); ``session.config_loaded``
    makes the views show a whole config.
    """

    def __init__(self, session: Session, dataset_view: DatasetView, model_view: ModelView, form: TrainForm,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session, self._sections = session, (dataset_view, model_view, form)
        session.config_loaded.connect(self.show)

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
