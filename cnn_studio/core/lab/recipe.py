"""What an experiment is: a named, versioned recipe of runs, a figure, a table and a verdict.

An :class:`Experiment` subclass lives in its own module (``degradation.py``, ``batchnorm.py``...)
and is registered in ``registry.py``. It says which runs to train for a budget (:class:`RunSpec`:
a full :class:`TrainConfig` each), how long that should take, and, from the finished runs
(:class:`RunOutcome`), draws the figure, builds the table and judges the lecture's claim
(:class:`Verdict`). Running the queue and writing the folder is the job of ``queue.py`` and
``experiment.py``; a recipe never trains anything itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from cnn_studio.core.config import DataConfig, TrainConfig
from cnn_studio.core.errors import ConfigError

# "smoke": seconds-long runs for tests and a first look; "quick": under ~10 minutes on a 2-core
# CPU for a ~6,000-image 32 px set, and still shows the effect; "paper": the paper's settings.
BUDGETS = ("smoke", "quick", "paper")


@dataclass(frozen=True)
class DataFacts:
    """What a recipe needs to know about the dataset before it plans runs.

    ``data`` is the data configuration every run uses (its ``validation`` is ``test`` when the
    dataset has a test split, so the held-out curves are test curves, as in the papers).
    """

    data: DataConfig
    train_images: int
    test_images: int
    image_size: int
    num_classes: int


@dataclass(frozen=True)
class RunSpec:
    """One run of an experiment.

    Attributes:
        name: unique within the experiment; the run's folder name (``plain56``).
        label: the legend's label (``plain-56``).
        config: the complete training configuration (its ``out_dir`` is set by the queue).
        group: the figure panel or family (``plain`` / ``resnet``).
        max_train_images: train on a stratified-enough subset (first N of a seeded shuffle).
        info: recipe-specific facts shown in tables (``{"batch_norm": False, "lr": 0.1}``).
    """

    name: str
    label: str
    config: TrainConfig
    group: str = ""
    max_train_images: int | None = None
    info: Mapping[str, Any] = field(default_factory=dict)

    @property
    def model(self) -> str:
        """The registry name of the run's model."""
        return self.config.model.name


@dataclass(frozen=True)
class RunOutcome:
    """A run as the experiment folder holds it once the queue is done with it.

    ``history`` holds the engine's epoch records (``train_accuracy``, ``heldout_accuracy``,
    ``seconds``...). A failed run (diverged, out of memory) keeps its status and message and is
    never drawn as a curve.
    """

    spec: RunSpec
    status: str  # completed | stopped | failed | pending
    run_dir: str
    history: tuple[Mapping[str, Any], ...] = ()
    message: str = ""
    seconds: float = 0.0
    test_accuracy: float | None = None

    @property
    def name(self) -> str:
        """The run's name."""
        return self.spec.name

    @property
    def ok(self) -> bool:
        """True when the run completed and has at least one epoch to show."""
        return self.status == "completed" and bool(self.history)

    def train_errors(self) -> list[float]:
        """Training error in % per epoch (running error over the epoch, augmented batches)."""
        return [100.0 * (1.0 - float(r["train_accuracy"])) for r in self.history]

    def test_errors(self) -> list[float]:
        """Held-out error in % per epoch (NaN where an epoch had no held-out evaluation)."""
        return [100.0 * (1.0 - float(r["heldout_accuracy"])) if r.get("heldout_accuracy") is not None
                else math.nan for r in self.history]

    def elapsed(self) -> list[float]:
        """Cumulative training seconds at the end of each epoch."""
        total, out = 0.0, []
        for r in self.history:
            total += float(r.get("seconds") or 0.0)
            out.append(total)
        return out

    def final_train_error(self) -> float | None:
        """Training error of the last epoch (%), None without epochs."""
        errors = self.train_errors()
        return errors[-1] if errors else None

    def final_test_error(self) -> float | None:
        """Held-out error of the last epoch (%), None without one."""
        errors = [e for e in self.test_errors() if not math.isnan(e)]
        return errors[-1] if errors else None

    def best_accuracy(self) -> float | None:
        """Best held-out accuracy over the epochs (0..1)."""
        values = [float(r["heldout_accuracy"]) for r in self.history if r.get("heldout_accuracy") is not None]
        return max(values) if values else None


@dataclass(frozen=True)
class Verdict:
    """The lecture's claim and whether these runs show it.

    ``shown`` is True (shown), False (these runs contradict it) or None (inconclusive: a run the
    claim needs failed or did not finish). ``summary`` gives the numbers in a sentence or two.
    """

    claim: str
    shown: bool | None
    summary: str
    numbers: Mapping[str, float | None] = field(default_factory=dict)

    @property
    def word(self) -> str:
        """``shown``, ``not shown`` or ``inconclusive``."""
        return {True: "shown", False: "not shown", None: "inconclusive"}[self.shown]

    def to_dict(self) -> dict[str, Any]:
        """Return plain JSON-able data."""
        return {"claim": self.claim, "shown": self.shown, "result": self.word, "summary": self.summary,
                "numbers": {k: _round(v) for k, v in self.numbers.items()}}


def _round(value: float | None, digits: int = 4) -> float | None:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return round(float(value), digits)


class Experiment:
    """Base class of a lab recipe; subclasses set the class attributes and override the hooks.

    Attributes:
        name: registry name (``degradation``).
        version: bumped whenever the runs or the analysis change, so old folders are recognised.
        title: display title.
        idea: the lecture's idea in two or three sentences.
        claim: the one-sentence claim the verdict tests.
        paper_figure: the figure it reproduces (``He et al. 2015, Fig. 1 and Fig. 6``).
        needs_test_split: the held-out curves are the test split's (paper style).
    """

    name: str = ""
    version: int = 1
    title: str = ""
    idea: str = ""
    claim: str = ""
    paper_figure: str = ""
    budgets: tuple[str, ...] = BUDGETS
    figure_size: tuple[float, float] = (11.0, 4.2)  # inches

    def runs(self, data: DataFacts, budget: str, device: str = "auto") -> list[RunSpec]:
        """Return the runs to train, in order."""
        raise NotImplementedError

    def verdict(self, outcomes: Sequence[RunOutcome], extra: Mapping[str, Any] | None = None) -> Verdict:
        """Judge the claim from the finished runs (``extra``: what :meth:`finish` returned)."""
        raise NotImplementedError

    def table(self, outcomes: Sequence[RunOutcome]) -> list[dict[str, Any]]:
        """Return one row per run for the report (plain JSON-able values)."""
        return [base_row(o) for o in outcomes]

    def draw(self, outcomes: Sequence[RunOutcome], figure: Any, extra: Mapping[str, Any] | None = None) -> None:
        """Draw the experiment's figure on a matplotlib ``Figure``."""
        raise NotImplementedError

    def finish(self, outcomes: Sequence[RunOutcome], folder: Path, dataset: Any) -> dict[str, Any]:
        """Extra work after the runs (e.g. reading filters).

        Returns:
            Extra data: ``notes`` (lines for the report), keys starting with ``_`` (private, e.g.
            arrays for :meth:`draw`), and JSON-able values that go into the result object.
        """
        return {}

    def check_budget(self, budget: str) -> None:
        """Raise ConfigError for a budget this experiment does not have."""
        if budget not in self.budgets:
            raise ConfigError(f"Experiment '{self.name}' has no budget '{budget}'; choose one of "
                              f"{', '.join(self.budgets)}.")

    def describe(self) -> dict[str, Any]:
        """Return the recipe's text and budgets as plain data (for ``lab list`` and the Lab view)."""
        return {"name": self.name, "version": self.version, "title": self.title, "idea": self.idea,
                "claim": self.claim, "paper_figure": self.paper_figure, "budgets": list(self.budgets)}


def base_row(o: RunOutcome) -> dict[str, Any]:
    """The columns every experiment's table has."""
    return {"run": o.spec.label, "model": o.spec.model, "status": o.status,
            "epochs": len(o.history), "train_error": _round(o.final_train_error(), 2),
            "test_error": _round(o.final_test_error(), 2), "seconds": round(o.seconds, 2)}
