"""The one owner of the window's state: a thin QObject around ``core.session.SessionState``.

Views never hold each other; they read the session, write to it through its setters, and listen to
its signals (connected by ``MainWindow``). Every setter stores the value in the plain
:class:`~cnn_studio.core.session.SessionState` and emits one signal; nothing else happens here.

Signals (each carries the new value):

- ``dataset_changed(ImageDataset | None)``: a dataset was opened (``split`` is set before).
- ``config_changed(TrainConfig)``: the views' settings changed into another valid config.
- ``config_error_changed(str)``: the views' values became invalid (the message) or valid again ('').
- ``config_loaded(TrainConfig)``: a whole config arrived (a file, the last session, defaults): views show it.
- ``selected_runs_changed(tuple[str, ...])``: the Runs view's selection changed.
- ``active_run_changed(str)``: the run whose results are shown; re-announced when set again.
- ``checkpoint_changed(str)``: the checkpoint Inspect and Predict use; re-announced when set again
  (a finished run rewrites its best.pt under the same name).
- ``predictor_changed(Predictor | None)``: a view loaded (or dropped) a model others may reuse.
- ``language_changed(str)``: the interface language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import QObject, Signal

from cnn_studio.core.config import TrainConfig
from cnn_studio.core.session import LANGUAGES, SessionState

if TYPE_CHECKING:
    from cnn_studio.core.data.dataset import ImageDataset
    from cnn_studio.core.inference import Predictor


class Session(QObject):
    """Holds the :class:`SessionState` of the window and announces every change."""

    dataset_changed = Signal(object)
    config_changed = Signal(object)
    config_error_changed = Signal(str)
    config_loaded = Signal(object)
    selected_runs_changed = Signal(object)
    active_run_changed = Signal(str)
    checkpoint_changed = Signal(str)
    predictor_changed = Signal(object)
    language_changed = Signal(str)

    def __init__(self, parent: QObject | None = None, state: SessionState | None = None) -> None:
        super().__init__(parent)
        self._state = state or SessionState()

    @property
    def state(self) -> SessionState:
        """The plain record (read it; change it only through the setters, which announce changes)."""
        return self._state

    # --- read ------------------------------------------------------------------------------
    @property
    def dataset(self) -> Optional["ImageDataset"]:
        """The opened dataset, or None."""
        return self._state.dataset

    @property
    def split(self) -> tuple[float, float]:
        """The (validation, test) fractions the opened dataset was split with."""
        return self._state.split

    @property
    def config(self) -> TrainConfig:
        """The last valid config the views showed."""
        return self._state.config

    @property
    def config_error(self) -> str:
        """Why the views' values are not a valid config ('' when they are)."""
        return self._state.config_error

    @property
    def selected_runs(self) -> tuple[str, ...]:
        """The run folders selected in the Runs view."""
        return self._state.selected_runs

    @property
    def active_run(self) -> str:
        """The run whose results are shown ('' for none)."""
        return self._state.active_run

    @property
    def checkpoint(self) -> str:
        """The checkpoint Inspect and Predict use ('' for the bundled ImageNet model)."""
        return self._state.checkpoint

    @property
    def predictor(self) -> Optional["Predictor"]:
        """A model some view loaded and others may reuse (check its ``source``), or None."""
        return self._state.predictor

    @property
    def language(self) -> str:
        """The interface language code."""
        return self._state.language

    @property
    def dataset_root(self) -> str:
        """The opened dataset's folder ('' when none is open)."""
        return self._state.dataset_root

    def matching_dataset(self, cfg: TrainConfig) -> Optional["ImageDataset"]:
        """The opened dataset if ``cfg`` trains on it with the same splits (see ``SessionState``)."""
        return self._state.matching_dataset(cfg)

    # --- write -----------------------------------------------------------------------------
    def set_dataset(self, dataset: Optional["ImageDataset"], split: tuple[float, float] | None = None) -> None:
        """Use ``dataset`` (opened with the ``split`` fractions) from now on."""
        if split is not None:
            self._state.split = (round(split[0], 4), round(split[1], 4))
        self._state.dataset = dataset
        self.dataset_changed.emit(dataset)

    def set_config(self, cfg: TrainConfig) -> None:
        """Record the views' (valid) config; clears any config error."""
        self.set_config_error("")
        if cfg != self._state.config:
            self._state.config = cfg
            self.config_changed.emit(cfg)

    def set_config_error(self, message: str) -> None:
        """Record why the views' values are invalid ('' when they are valid)."""
        if message != self._state.config_error:
            self._state.config_error = message
            self.config_error_changed.emit(message)

    def load_config(self, cfg: TrainConfig) -> None:
        """Record a whole config, then announce it so the views show it (they may write back a normalised one)."""
        self.set_config(cfg)
        self.config_loaded.emit(cfg)

    def set_selected_runs(self, paths: tuple[str, ...] | list[str]) -> None:
        """Record the Runs view's selection."""
        paths = tuple(paths)
        if paths != self._state.selected_runs:
            self._state.selected_runs = paths
            self.selected_runs_changed.emit(paths)

    def set_active_run(self, run_dir: str) -> None:
        """Show ``run_dir``'s results (announced even when it is the same run: its files may be new)."""
        self._state.active_run = str(run_dir)
        self.active_run_changed.emit(self._state.active_run)

    def set_checkpoint(self, path: str) -> None:
        """Use ``path`` in Inspect and Predict (announced even when unchanged: the file may be new)."""
        self._state.checkpoint = str(path or "")
        self.checkpoint_changed.emit(self._state.checkpoint)

    def set_predictor(self, predictor: Optional["Predictor"]) -> None:
        """Share a loaded model (None: forget it)."""
        if predictor is not self._state.predictor:
            self._state.predictor = predictor
            self.predictor_changed.emit(predictor)

    def set_language(self, language: str) -> None:
        """Switch the interface language (one of ``core.session.LANGUAGES``)."""
        if language not in LANGUAGES:
            from cnn_studio.core.errors import ConfigError

            raise ConfigError(f"Unknown language '{language}'; choose one of {', '.join(LANGUAGES)}.")
        if language != self._state.language:
            self._state.language = language
            self.language_changed.emit(language)
