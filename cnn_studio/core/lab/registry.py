"""The lab's experiments by name, like the model zoo: ``list_experiments`` / ``get_experiment``.

Adding an experiment is one module with an :class:`~cnn_studio.core.lab.recipe.Experiment`
subclass and one line in ``_BUILTIN`` below.
"""

from __future__ import annotations

from cnn_studio.core.errors import ConfigError
from cnn_studio.core.lab.recipe import Experiment

_REGISTRY: dict[str, Experiment] = {}


def register_experiment(experiment: Experiment) -> Experiment:
    """Add an experiment (its ``name`` must be new); returns it."""
    if not experiment.name or experiment.name in _REGISTRY:
        raise ValueError(f"experiment name {experiment.name!r} is empty or taken")
    _REGISTRY[experiment.name] = experiment
    return experiment


def _load_builtin() -> None:
    if _REGISTRY:
        return
    from cnn_studio.core.lab import batchnorm, degradation, filters, transfer

    for experiment in (degradation.Degradation(), batchnorm.BatchNormExperiment(),
                       transfer.TransferStrategies(), filters.FirstLayerFilters()):
        register_experiment(experiment)


def list_experiments() -> list[str]:
    """The experiments' names, in the course's order."""
    _load_builtin()
    return list(_REGISTRY)


def get_experiment(name: str) -> Experiment:
    """Return the experiment ``name``; ConfigError (one sentence) for an unknown one."""
    _load_builtin()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ConfigError(f"Unknown experiment '{name}'; run 'cnn-studio lab list' to see the experiments.") from None
