"""What a user has open in one working session, as plain data (no Qt).

The desktop app keeps exactly one :class:`SessionState`; ``cnn_studio.gui.session.Session`` owns it
and relays every change as a Qt signal, so views read from and write to one place. A notebook or a
test can use the same dataclass without Qt.

The vocabulary of the training controller's states lives here too (:class:`TrainingState`), so the
controller, the window, the Train view and the menus share one list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Optional

from cnn_studio.core.config import TrainConfig

if TYPE_CHECKING:  # imported for the type names only: opening a session needs neither torch nor data
    from cnn_studio.core.data.dataset import ImageDataset
    from cnn_studio.core.inference import Predictor

__all__ = ["DEFAULT_SPLIT", "LANGUAGES", "SessionState", "TrainingState"]

#: (validation, test) fractions a dataset opens with before the user applies others: DataConfig's defaults
DEFAULT_SPLIT: tuple[float, float] = (TrainConfig().data.val_fraction, TrainConfig().data.test_fraction)
#: languages the interface can be shown in (the course's language and English)
LANGUAGES: tuple[str, ...] = ("en", "ko")


class TrainingState(str, Enum):
    """What the training controller is doing; the values are what ``state_changed`` carries."""

    IDLE = "idle"
    TRAINING = "training"
    PAUSED = "paused"
    STOPPING = "stopping"

    def __str__(self) -> str:
        return self.value

    @property
    def running(self) -> bool:
        """True while a run can be paused or stopped (training or paused)."""
        return self in (TrainingState.TRAINING, TrainingState.PAUSED)


@dataclass
class SessionState:
    """The one record of what is open: dataset, settings, chosen runs, model in use, language.

    Attributes:
        dataset: the opened (scanned and decoded) dataset, or None.
        split: the (validation, test) fractions ``dataset`` was split with.
        config: the training config the Dataset, Model and Train views show (model spec and freeze
            plan are ``config.model`` and ``config.freeze``); the last valid one while a field is invalid.
        config_error: why the views' current values are not a valid config ('' when they are).
        selected_runs: the run folders selected in the Runs view.
        active_run: the run whose results are shown ('' for none).
        checkpoint: the checkpoint Inspect and Predict use ('' for the bundled ImageNet model).
        predictor: a model already loaded by some view (its ``source`` names the checkpoint), shared so
            another view does not load it again; None when none is loaded.
        language: the interface language, one of :data:`LANGUAGES`.
    """

    dataset: Optional["ImageDataset"] = None
    split: tuple[float, float] = DEFAULT_SPLIT
    config: TrainConfig = field(default_factory=TrainConfig)
    config_error: str = ""
    selected_runs: tuple[str, ...] = ()
    active_run: str = ""
    checkpoint: str = ""
    predictor: Optional["Predictor"] = None
    language: str = "en"

    @property
    def dataset_root(self) -> str:
        """The opened dataset's folder ('' when none is open)."""
        return str(self.dataset.report.root) if self.dataset is not None else ""

    def matching_dataset(self, cfg: TrainConfig) -> Optional["ImageDataset"]:
        """Return the opened dataset if it is the one ``cfg`` trains on (else the engine opens its own).

        The opened dataset is reused only when its folder and working size are the config's and its
        splits are the ones the config asks for (a carved validation set would shrink train when the
        config holds out the test split or nothing).
        """
        ds = self.dataset
        if ds is None or str(ds.report.root) != cfg.data.root:
            return None
        if cfg.data.image_size not in (None, ds.image_size):
            return None
        if cfg.data.validation in ("test", "none") and ds.val_source == "carved":
            return None
        return ds
