"""The one configuration that drives a run, from the GUI, the CLI, a test or torchrun.

Frozen dataclasses with a JSON round-trip (``TrainConfig.to_json`` / ``TrainConfig.from_json``).
Every hyperparameter lives here with a comment saying why its default is what it is. Family
defaults (``recommended_config``) put the course's recipes in one place.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

from cnn_studio.core import config_schema as schema
from cnn_studio.core.errors import ConfigError

CONFIG_VERSION = 1

OPTIMIZERS = ("sgd", "adam", "adamw")
SCHEDULES = ("constant", "step", "cosine", "onecycle")
DEVICES = ("auto", "cpu", "cuda", "mps")
PRECISIONS = ("auto", "fp32", "bf16", "fp16")
VALIDATION_SOURCES = ("auto", "val", "test", "none")
FREEZE_PRESETS = ("full", "feature-extraction", "last-stage", "from-layer", "custom")
BN_POLICIES = ("freeze", "train")
NORMALIZATIONS = ("auto", "dataset", "model")
# The presets a command line can name alone (from-layer needs a layer, custom a list of them).
SIMPLE_FREEZE_PRESETS = ("full", "feature-extraction", "last-stage")

# Upper bounds: far above any real run, low enough that a typo (10**30 epochs) is caught at once.
MAX_EPOCHS = 100_000  # the GUI's epoch box goes as far
MAX_BATCH_SIZE = 65_536
MAX_SEED = 2**63 - 1  # torch.manual_seed takes a signed 64-bit integer
MAX_SPLIT_SEED = 2**32 - 1  # numpy's seed range
MAX_WORKERS = 256  # decoder processes; more than any machine's useful core count
MAX_MEMORY_BUDGET_MB = 16 * 1024 * 1024  # 16 TiB


@dataclass(frozen=True)
class DataConfig:
    """Where the images are and how they become batches."""

    root: str = ""
    # Working size of the decoded tensors (square). None: the dataset's most common size.
    image_size: int | None = None
    # Size the model sees; None: same as image_size, or the model's own minimum for backbones.
    # Resizing happens batched on the device, so the cache stays small.
    input_size: int | None = None
    # Single-folder layout: stratified, seeded split of ROOT/<class>/* into train/val/test; a
    # train/test layout without val/ carves val_fraction of train (validation auto or val).
    val_fraction: float = 0.1
    test_fraction: float = 0.2
    split_seed: int = 0
    # Held-out set evaluated each epoch (it picks best.pt): "auto" = the val/ folder, else a split
    # carved from train by val_fraction (stratified, split_seed), else, only if that is impossible,
    # test (labelled as such: its accuracy is then optimistic). "test" = always test (train/test
    # folders then train on all of train); "val" = a val folder or a carved split, else an error.
    validation: str = "auto"
    # "auto": the pretrained model's statistics when starting from pretrained weights, else the
    # dataset's (computed at scan time).
    normalization: str = "auto"
    # Augmentation of the ResNet paper: pad 4 and random crop, horizontal flip; cutout is optional.
    augment_translate: int = 4
    augment_flip: bool = True
    cutout: int = 0
    # Decoded sets larger than this fall back to a streaming DataLoader with worker processes.
    memory_budget_mb: int = 4096
    num_workers: int = 2
    cache_dir: str | None = None


PRETRAINED_KINDS = ("none", "imagenet", "file")


@dataclass(frozen=True, eq=False)
class Pretrained:
    """Where a run's starting weights come from: nothing, the model's ImageNet weights, or a file.

    The metadata of the ImageNet weights (classes, input size, mean/std, origin) is the model's
    ``ModelInfo.weights``. In JSON the value stays the string older configs use (``"none"``,
    ``"imagenet"`` or a path), so every config ever saved still loads; for the same reason it
    compares equal to that string.

    Attributes:
        kind: ``none``, ``imagenet`` or ``file``.
        path: the weights file or CNN Studio checkpoint (``kind == "file"`` only).
    """

    kind: str = "none"
    path: str | None = None

    @classmethod
    def parse(cls, value: "Pretrained | str | Mapping[str, Any] | None") -> "Pretrained":
        """Return the value for ``"none"``, ``"imagenet"``, a path, ``{"kind", "path"}`` or None."""
        if isinstance(value, Pretrained):
            return value
        if isinstance(value, Mapping):
            kind, path = value.get("kind", "none"), value.get("path")
            if kind not in PRETRAINED_KINDS or (kind == "file") != bool(path) or set(value) - {"kind", "path"}:
                raise ConfigError("Setting 'model.pretrained' must be \"none\", \"imagenet\" or a weights file path.")
            return cls(str(kind), str(path) if path else None)
        if value is not None and not isinstance(value, str):
            raise ConfigError("Setting 'model.pretrained' must be \"none\", \"imagenet\" or a weights file path.")
        text = (value or "").strip()
        if text.lower() in ("", "none"):
            return cls("none")
        if text.lower() == "imagenet":
            return cls("imagenet")
        return cls("file", text)

    def to_json(self) -> str:
        """Return the JSON form: ``"none"``, ``"imagenet"`` or the path."""
        return self.path if self.kind == "file" and self.path else self.kind

    @property
    def is_pretrained(self) -> bool:
        """True when the model starts from weights (ImageNet or a file)."""
        return self.kind != "none"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return self == Pretrained.parse(other)
        return isinstance(other, Pretrained) and (self.kind, self.path) == (other.kind, other.path)

    def __hash__(self) -> int:
        return hash((self.kind, self.path))

    def __str__(self) -> str:
        return self.to_json()


@dataclass(frozen=True)
class ModelConfig:
    """Which network, with which options and starting weights."""

    name: str = "resnet20"
    # Starting weights; a plain string ("none", "imagenet" or a path) is accepted and parsed.
    pretrained: Pretrained = Pretrained()
    # Builder options, e.g. {"batch_norm": false} for simple_cnn or {"shortcut": "B"}; only the
    # options changed from the model's defaults need to be given.
    options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pretrained", Pretrained.parse(self.pretrained))

    def run_label(self) -> str:
        """Return the model name with its options, for run folder names (``simple_cnn-batch_norm-off``)."""
        parts = [self.name]
        for key in sorted(self.options or {}):
            value = self.options[key]
            parts.append(f"{key}-{('on' if value else 'off') if isinstance(value, bool) else value}")
        return "-".join(parts)


def _check_model_options(model: ModelConfig) -> None:
    """ConfigError for options that are not an object, unknown, or of the wrong type."""
    _check(isinstance(model.options, Mapping), "Setting 'model.options' must be an object in the config.")
    if model.options:
        from cnn_studio.core.errors import ModelError
        from cnn_studio.core.models.registry import option_problem  # lazy: torch import

        try:
            problem = option_problem(model.name, model.options)
        except ModelError as exc:
            raise ConfigError(str(exc)) from None
        _check(problem is None, problem or "")


@dataclass(frozen=True)
class FreezeConfig:
    """Which parts train: a preset, or explicit dotted module paths."""

    preset: str = "full"
    # For preset "from-layer": this module and everything after it (in forward order) train.
    trainable_from: str | None = None
    # For preset "custom": the modules to freeze (dotted paths; a parent freezes its children).
    frozen: tuple[str, ...] = ()
    # "freeze": BatchNorm inside frozen parts runs in eval mode (its statistics stay put).
    bn_policy: str = "freeze"
    # Pretrained layers learn at a tenth of the head's rate by default (course advice).
    backbone_lr_mult: float = 0.1
    # Extra per-module multipliers {dotted path: factor}, applied after backbone_lr_mult.
    lr_multipliers: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class OptimConfig:
    """The optimiser and the learning-rate schedule."""

    optimizer: str = "sgd"
    lr: float = 0.1
    momentum: float = 0.9
    nesterov: bool = False
    weight_decay: float = 1e-4
    schedule: str = "cosine"
    # "step": multiply the rate by gamma at each milestone (fractions of the run, as in the
    # ResNet paper's 32k/48k of 64k iterations).
    milestones: tuple[float, ...] = (0.5, 0.75)
    gamma: float = 0.1
    # Linear warm-up over this many epochs (ResNet-110 needs it at lr 0.1).
    warmup_epochs: float = 0.0
    label_smoothing: float = 0.0


@dataclass(frozen=True)
class TrainConfig:
    """Everything a run needs; saved as ``config.json`` in the run folder."""

    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    freeze: FreezeConfig = field(default_factory=FreezeConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    epochs: int = 10
    batch_size: int = 128
    seed: int = 0
    device: str = "auto"
    # "auto": bf16 autocast on CUDA where supported (else fp16 with a grad scaler), fp32 on CPU.
    precision: str = "auto"
    channels_last: bool = False
    compile: bool = False
    # Distributed runs (torchrun): convert BatchNorm to SyncBatchNorm.
    sync_bn: bool = False
    # Frozen prefix (feature extraction, last stage, from a layer): compute its output once per
    # image and train the rest on those cached features (random translate/cutout then off).
    feature_cache: bool = True
    # last.pt is also written inside an epoch at most this often (seconds), so a kill, a crash or
    # a power cut loses about a minute of work; writing it costs a fraction of a second.
    checkpoint_every_s: float = 60.0
    # Run folder; None: a new folder under the runs directory.
    out_dir: str | None = None
    version: int = CONFIG_VERSION

    # --- serialisation -------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Return plain JSON-able data."""
        return _to_plain(self)

    def to_json(self, indent: int = 2) -> str:
        """Return the config as strict JSON text (NaN or infinity is refused by validation first)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, sort_keys=False, allow_nan=False)

    def save(self, path: str | Path) -> None:
        """Write the config as JSON, atomically (a StorageError names the folder when it cannot)."""
        from cnn_studio.core.atomic import write_text_atomic

        write_text_atomic(path, self.to_json() + "\n")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "TrainConfig":
        """Build a config from plain data, rejecting unknown keys and wrong types with a clear message."""
        if not isinstance(data, Mapping):
            raise ConfigError("The config must be a JSON object; check the file's contents.")
        cfg = _from_plain(cls, data, "config")
        cfg.validate()
        return cfg

    @classmethod
    def from_json(cls, text: str) -> "TrainConfig":
        """Parse JSON text into a config."""
        try:
            data = json.loads(text, parse_constant=schema.refuse_constant)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"The config is not valid JSON ({exc.msg} at line {exc.lineno}); fix or recreate it.") from None
        except RecursionError:
            raise ConfigError("The config is nested too deeply to be a CNN Studio config; fix or recreate it.") from None
        return cls.from_dict(data)

    @classmethod
    def load(cls, path: str | Path) -> "TrainConfig":
        """Read a config JSON file (UTF-8)."""
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise ConfigError(f"Cannot read the config file {path} ({exc.strerror or exc}); check the path.") from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ConfigError(f"The config file {path} is not UTF-8 text (bad byte at position {exc.start}); "
                              "save it as UTF-8 JSON.") from None
        return cls.from_json(text)

    def replace(self, **changes: Any) -> "TrainConfig":
        """Return a copy with top-level fields changed (``cfg.replace(epochs=3)``)."""
        return replace(self, **changes)

    # --- validation ----------------------------------------------------------------------
    def validate(self) -> None:
        """Raise ConfigError with one clear sentence for the first bad type or value."""
        for name, part in (("config", self), ("data", self.data), ("model", self.model), ("freeze", self.freeze),
                           ("optim", self.optim)):
            _check_types(part, name)
        _check(self.version <= CONFIG_VERSION, f"The config has version {self.version}, written by a newer CNN Studio "
                                               f"(this one reads version {CONFIG_VERSION}); update CNN Studio.")
        _check(self.version >= 1, f"Config version must be {CONFIG_VERSION}.")
        _check(1 <= self.epochs <= MAX_EPOCHS, f"Epochs must be at least 1 and at most {MAX_EPOCHS}.")
        _check(1 <= self.batch_size <= MAX_BATCH_SIZE, f"Batch size must be between 1 and {MAX_BATCH_SIZE}.")
        _check(0 <= self.seed <= MAX_SEED, f"Seed must be a whole number between 0 and {MAX_SEED}.")
        _check(0.1 <= self.checkpoint_every_s <= 86400,
               "The checkpoint interval must be between 0.1 seconds and one day (86400 seconds).")
        _check(self.device in DEVICES, f"Device must be one of {', '.join(DEVICES)}.")
        _check(self.precision in PRECISIONS, f"Precision must be one of {', '.join(PRECISIONS)}.")
        _validate_optim(self.optim)
        _validate_data(self.data)
        _validate_freeze(self.freeze)
        _check(bool(self.model.name.strip()), "Choose a model.")
        _check(all(isinstance(k, str) for k in self.model.options), "Model option names must be text.")
        _check_model_options(self.model)


def _validate_optim(o: OptimConfig) -> None:
    _check(o.optimizer in OPTIMIZERS, f"Optimizer must be one of {', '.join(OPTIMIZERS)}.")
    _check(o.schedule in SCHEDULES, f"Schedule must be one of {', '.join(SCHEDULES)}.")
    _check(0 < o.lr < 100, "Learning rate must be a positive number below 100.")
    _check(0 <= o.momentum < 1, "Momentum must be in [0, 1).")
    _check(0 <= o.weight_decay <= 1, "Weight decay must be between 0 and 1.")
    _check(0 <= o.label_smoothing < 1, "Label smoothing must be in [0, 1).")
    _check(0 <= o.warmup_epochs <= MAX_EPOCHS, f"Warm-up epochs must be between 0 and {MAX_EPOCHS}.")
    _check(all(0 < m < 1 for m in o.milestones), "Step milestones must be fractions of the run between 0 and 1.")
    _check(list(o.milestones) == sorted(o.milestones), "Step milestones must be in increasing order.")
    _check(0 < o.gamma <= 1, "The step schedule's gamma must be in (0, 1].")


def _validate_data(d: DataConfig) -> None:
    _check(d.validation in VALIDATION_SOURCES, f"Validation must be one of {', '.join(VALIDATION_SOURCES)}.")
    _check(d.normalization in NORMALIZATIONS, f"Normalization must be one of {', '.join(NORMALIZATIONS)}.")
    _check(0 <= d.val_fraction < 1 and 0 <= d.test_fraction < 1 and d.val_fraction + d.test_fraction < 1,
           "Validation and test fractions must be in [0, 1) and leave some images for training.")
    _check(0 <= d.split_seed <= MAX_SPLIT_SEED, f"The split seed must be between 0 and {MAX_SPLIT_SEED}.")
    _check(d.image_size is None or 8 <= d.image_size <= 1024, "Image size must be between 8 and 1024 pixels.")
    _check(d.input_size is None or 8 <= d.input_size <= 1024, "Input size must be between 8 and 1024 pixels.")
    _check(0 <= d.augment_translate <= 1024 and 0 <= d.cutout <= 1024,
           "Augmentation sizes must be between 0 and 1024 pixels.")
    _check(0 < d.memory_budget_mb <= MAX_MEMORY_BUDGET_MB,
           f"The memory budget must be between 1 and {MAX_MEMORY_BUDGET_MB} MB.")
    _check(0 <= d.num_workers <= MAX_WORKERS, f"The number of workers must be between 0 and {MAX_WORKERS}.")


def _validate_freeze(f: FreezeConfig) -> None:
    _check(f.preset in FREEZE_PRESETS, f"Freeze preset must be one of {', '.join(FREEZE_PRESETS)}.")
    _check(f.bn_policy in BN_POLICIES, f"BatchNorm policy must be one of {', '.join(BN_POLICIES)}.")
    _check(f.preset != "from-layer" or bool(f.trainable_from), "The from-layer preset needs a layer to train from.")
    _check(0 <= f.backbone_lr_mult <= 100, "The backbone learning-rate multiplier must be between 0 and 100.")
    _check(all(0 <= v <= 100 for v in f.lr_multipliers.values()),
           "Learning-rate multipliers must be between 0 and 100.")


_check = schema.check


def _to_plain(value: Any) -> Any:
    if isinstance(value, Pretrained):
        return value.to_json()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_plain(v) for v in value]
    return value


_NESTED = {"data": DataConfig, "model": ModelConfig, "freeze": FreezeConfig, "optim": OptimConfig}


def _from_plain(cls: type, data: Mapping[str, Any], where: str) -> Any:
    return schema.from_plain(cls, data, where, _NESTED if cls is TrainConfig else {})


def _check_types(obj: Any, where: str) -> None:
    schema.check_types(obj, where, _NESTED if where == "config" else {})


# --- family defaults ---------------------------------------------------------------------------
# Why these numbers: the CIFAR ResNet recipe is He et al. 2015 sec. 4.2 (SGD 0.1, momentum 0.9,
# wd 1e-4, batch 128, lr /10 at 50% and 75%); VGG with BatchNorm trains well at 0.05 with wd 5e-4;
# the simple CNN is the course's Adam 1e-3; transfer learning uses a small rate (1e-3) because the
# pretrained weights are already good, with AdamW and a cosine decay.
FAMILY_DEFAULTS: dict[str, dict[str, Any]] = {
    "basics": {"optim": {"optimizer": "adam", "lr": 1e-3, "weight_decay": 0.0, "schedule": "cosine"},
               "batch_size": 64, "epochs": 10},
    "vgg": {"optim": {"optimizer": "sgd", "lr": 0.05, "momentum": 0.9, "weight_decay": 5e-4,
                      "schedule": "cosine"}, "batch_size": 128, "epochs": 30},
    "resnet_cifar": {"optim": {"optimizer": "sgd", "lr": 0.1, "momentum": 0.9, "weight_decay": 1e-4,
                               "schedule": "step", "milestones": (0.5, 0.75)}, "batch_size": 128, "epochs": 30},
    "plain_cifar": {"optim": {"optimizer": "sgd", "lr": 0.1, "momentum": 0.9, "weight_decay": 1e-4,
                              "schedule": "step", "milestones": (0.5, 0.75)}, "batch_size": 128, "epochs": 30},
    "transfer": {"optim": {"optimizer": "adamw", "lr": 1e-3, "weight_decay": 1e-2, "schedule": "cosine",
                           "warmup_epochs": 0.5}, "batch_size": 64, "epochs": 5},
}


def family_defaults(family: str) -> dict[str, Any]:
    """Return the default overrides (plain data) for a model family."""
    return json.loads(json.dumps(FAMILY_DEFAULTS.get(family, {})))


def recommended_config(model_name: str, data_root: str = "", **top_level: Any) -> TrainConfig:
    """Return a config with the model family's recipe, e.g. the paper's for the CIFAR ResNets."""
    from cnn_studio.core.models.registry import get_model_info  # lazy: torch import

    info = get_model_info(model_name)
    defaults = family_defaults(info.family)
    optim = OptimConfig(**{k: tuple(v) if isinstance(v, list) else v for k, v in defaults.pop("optim", {}).items()})
    pretrained = "imagenet" if info.family == "transfer" and info.has_pretrained else "none"
    freeze = FreezeConfig(preset="last-stage") if pretrained != "none" else FreezeConfig()
    cfg = TrainConfig(
        data=DataConfig(root=data_root), model=ModelConfig(name=model_name, pretrained=pretrained),
        freeze=freeze, optim=optim, **defaults,
    )
    return replace(cfg, **top_level) if top_level else cfg
