"""The zoo's data types and the ``register_model`` decorator (as torchvision's ``_api.py``).

Every builder module registers its networks next to their builders::

    @register_model(ModelInfo(name="simple_cnn", family="basics", ..., num_params=620_586))
    def simple_cnn(*, num_classes: int, batch_norm: bool = True) -> SimpleCNN: ...

``registry.py`` imports the builder modules (which fills ``REGISTRY``) and offers the public API
(``list_models``, ``get_model_info``, ``get_model``). This module imports neither torch nor a
builder, so builders can import it without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TypeVar

FAMILIES = ("basics", "vgg", "resnet_cifar", "plain_cifar", "transfer")
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


@dataclass(frozen=True)
class ModelOption:
    """One builder option a learner may change (shown in the Model view, validated in configs).

    Attributes:
        name: keyword of the builder (``batch_norm``).
        default: the builder's default; its type is the option's type.
        choices: the allowed values, or None for any value of the default's type.
        title: short display name.
        help: one sentence on what changing it shows.
    """

    name: str
    default: Any
    title: str
    help: str
    choices: tuple[Any, ...] | None = None


BATCH_NORM_OPTION = ModelOption("batch_norm", True, "BatchNorm",
                                "BatchNorm after every convolution; turn it off to see how much it speeds up "
                                "and stabilises training.")
SHORTCUT_OPTION = ModelOption("shortcut", "A", "Shortcut",
                              "A: parameter-free identity with zero-padded channels (the paper's choice for "
                              "CIFAR); B: 1x1 convolution projections where the shape changes.", ("A", "B"))


@dataclass(frozen=True)
class PretrainedWeights:
    """A set of pretrained weights and what a model needs to use them (torchvision's ``Weights``).

    Attributes:
        name: the weights' name (``IMAGENET1K_V1``).
        dataset: what they were trained on.
        num_classes: outputs of the head they come with.
        input_size: the square input size they were trained at.
        mean, std: the preprocessing normalisation (RGB in 0..1 units).
        origin: where they come from, in words (a package, or the download URL's host).
        bundled: True when they ship with CNN Studio (always offline).
        file: returns the local file (bundled file, or where the download lands in torch's hub
            cache); may raise ModelError when a bundled package is missing.
        url: returns the download URL, or None for bundled weights.
    """

    name: str
    dataset: str
    num_classes: int
    input_size: int
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    origin: str
    bundled: bool
    file: Callable[[], Path] = field(compare=False, repr=False)
    url: Callable[[], str | None] = field(default=lambda: None, compare=False, repr=False)

    def to_json_dict(self) -> dict[str, Any]:
        """Return plain JSON-able data (without the file and URL look-ups)."""
        return {"name": self.name, "dataset": self.dataset, "num_classes": self.num_classes,
                "input_size": self.input_size, "mean": list(self.mean), "std": list(self.std),
                "origin": self.origin, "bundled": self.bundled}


@dataclass(frozen=True)
class ModelInfo:
    """What the app knows about a network before building it.

    Attributes:
        name: registry name (``resnet20``).
        family: ``basics``, ``vgg``, ``resnet_cifar``, ``plain_cifar`` or ``transfer``.
        title: short display name.
        description: one paragraph for the model picker (no figures that are fields here).
        input_size: the square input size the network was designed for.
        min_input_size: the smallest input the network accepts.
        head: dotted path of the classifier replaced for a new number of classes.
        stages: dotted paths of the modules that start each stage, from input to head; the
            ``last-stage`` preset trains ``stages[-1]`` and everything after it.
        num_params: parameters with the default head (10 classes for the CIFAR networks, the
            1000 ImageNet classes for the backbones); a test checks it against the built model.
        weights: the pretrained weights, or None when the network has none.
        option_specs: the builder options a learner may change.
    """

    name: str
    family: str
    title: str
    description: str
    input_size: int
    min_input_size: int
    head: str
    stages: tuple[str, ...]
    num_params: int
    weights: PretrainedWeights | None = None
    option_specs: tuple[ModelOption, ...] = ()

    @property
    def has_pretrained(self) -> bool:
        """True when pretrained weights exist."""
        return self.weights is not None

    @property
    def mean(self) -> tuple[float, float, float] | None:
        """The pretrained weights' normalisation mean (None without weights)."""
        return self.weights.mean if self.weights else None

    @property
    def std(self) -> tuple[float, float, float] | None:
        """The pretrained weights' normalisation std (None without weights)."""
        return self.weights.std if self.weights else None

    @property
    def options(self) -> dict[str, Any]:
        """The builder options and their defaults (``{"batch_norm": True}``)."""
        return {o.name: o.default for o in self.option_specs}

    @property
    def params_with_classes(self) -> int:
        """The class count ``num_params`` was counted with."""
        return 1000 if self.family == "transfer" else 10

    def to_json_dict(self) -> dict[str, Any]:
        """Return plain JSON-able data."""
        return {"name": self.name, "family": self.family, "title": self.title,
                "description": self.description, "input_size": self.input_size,
                "min_input_size": self.min_input_size, "has_pretrained": self.has_pretrained,
                "mean": list(self.mean) if self.mean else None, "std": list(self.std) if self.std else None,
                "head": self.head, "stages": list(self.stages), "num_params": self.num_params,
                "weights": self.weights.to_json_dict() if self.weights else None,
                "options": self.options,
                "option_specs": [{"name": o.name, "default": o.default, "title": o.title, "help": o.help,
                                  "choices": list(o.choices) if o.choices else None} for o in self.option_specs]}


REGISTRY: dict[str, tuple[ModelInfo, Callable[..., Any]]] = {}
F = TypeVar("F", bound=Callable[..., Any])


def register_model(info: ModelInfo) -> Callable[[F], F]:
    """Register ``info`` with the decorated builder (``builder(*, num_classes, **options)``).

    Raises:
        ValueError: an unknown family or a name registered twice (programming errors).
    """
    if info.family not in FAMILIES:
        raise ValueError(f"unknown family {info.family}")
    if info.name in REGISTRY:
        raise ValueError(f"model {info.name} registered twice")

    def decorate(builder: F) -> F:
        REGISTRY[info.name] = (info, builder)
        return builder

    return decorate

