"""Resolving a config into concrete things: device, precision, distributed context, held-out
split, normalisation, input size, and the model with its freezing.

Kept apart from the loop in ``engine.py`` so each piece is small and testable, and so the
distributed step (torchrun) only touches :class:`DistContext`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import torch

from cnn_studio.core.config import TrainConfig
from cnn_studio.core.errors import ConfigError, DatasetError
from cnn_studio.paths import is_frozen


@dataclass(frozen=True)
class DistContext:
    """Where this process sits in a (possibly) distributed run; read from torchrun's variables.

    ``world_size == 1`` is an ordinary single-process run; every method is then a no-op. A run
    started by torchrun is distributed even with one process (``elastic``), so one GPU runs the
    same code path (process group, DDP) as eight.
    """

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    elastic: bool = False  # started by torchrun (TORCHELASTIC_RUN_ID is set)

    @classmethod
    def from_env(cls) -> "DistContext":
        """Read ``RANK``, ``WORLD_SIZE`` and ``LOCAL_RANK`` (set by torchrun)."""
        def _int(name: str, default: int) -> int:
            try:
                return int(os.environ.get(name, default))
            except ValueError:
                raise ConfigError(f"The environment variable {name} must be a whole number.") from None
        return cls(rank=_int("RANK", 0), world_size=_int("WORLD_SIZE", 1), local_rank=_int("LOCAL_RANK", 0),
                   elastic="TORCHELASTIC_RUN_ID" in os.environ)

    @property
    def is_main(self) -> bool:
        """True on the process that writes the run folder and calls the callbacks."""
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        """True when several processes train together (or torchrun started this one)."""
        return self.world_size > 1 or self.elastic

    def reduce_sum(self, tensor: torch.Tensor) -> torch.Tensor:
        """Sum ``tensor`` over all ranks in place and return it (identity for one process)."""
        if self.distributed and torch.distributed.is_available() and torch.distributed.is_initialized():
            torch.distributed.all_reduce(tensor, op=torch.distributed.ReduceOp.SUM)
        return tensor

    def barrier(self) -> None:
        """Wait for every rank (no-op for one process)."""
        if self.distributed and torch.distributed.is_available() and torch.distributed.is_initialized():
            torch.distributed.barrier()


def resolve_device(name: str, dist: DistContext | None = None) -> torch.device:
    """Return the torch device for ``auto|cpu|cuda|mps`` (``cuda:LOCAL_RANK`` in a distributed run)."""
    local_rank = dist.local_rank if dist else 0
    if name == "auto":
        if torch.cuda.is_available():
            name = "cuda"
        elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            name = "mps"
        else:
            name = "cpu"
    if name == "cuda":
        if not torch.cuda.is_available():
            raise ConfigError("No CUDA GPU is available; choose device auto or cpu.")
        return torch.device("cuda", local_rank % max(1, torch.cuda.device_count()))
    if name == "mps":
        if getattr(torch.backends, "mps", None) is None or not torch.backends.mps.is_available():
            raise ConfigError("Apple's MPS device is not available; choose device auto or cpu.")
        return torch.device("mps")
    return torch.device("cpu")


def resolve_precision(precision: str, device: torch.device) -> tuple[torch.dtype | None, str]:
    """Return (autocast dtype or None, label). ``auto``: bf16 (or fp16) on CUDA, fp32 elsewhere."""
    if precision == "auto":
        if device.type != "cuda":
            return None, "fp32"
        precision = "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    if precision == "fp32":
        return None, "fp32"
    if precision == "fp16" and device.type != "cuda":
        raise ConfigError("fp16 mixed precision needs a CUDA GPU; choose precision auto, bf16 or fp32.")
    if precision == "bf16" and device.type == "mps":
        raise ConfigError("bf16 mixed precision is not supported on MPS; choose precision auto or fp32.")
    return (torch.bfloat16 if precision == "bf16" else torch.float16), precision


def check_trainable(dataset: Any) -> Any:
    """Return the training split; refuse a dataset with no training image or a single class.

    Raises:
        DatasetError: Nothing to train on, or only one class (it would "learn" 100% trivially).
    """
    train = dataset.splits.get("train")
    if train is None or len(train.labels) == 0:
        raise DatasetError("The dataset has no training images; check the folder's layout.")
    classes = list(dataset.classes)
    if len(classes) < 2:
        name = f" ('{classes[0]}')" if classes else ""
        raise DatasetError(f"The dataset has only one class{name}: a classifier needs at least two; "
                           "add another class folder.")
    return train


def resolve_heldout(validation: str, splits: dict[str, Any]) -> str:
    """Return the split evaluated each epoch (and picking best.pt): ``val``, ``test``, or ``""``.

    ``auto``: ``val`` (a val/ folder, or the split ``open_dataset`` carved from train by
    ``val_fraction``); only when there is none, ``test``, which the run then labels as its
    held-out set (``heldout_name``), so its test accuracy is known to be optimistic.
    """
    def has(name: str) -> bool:
        split = splits.get(name)
        return split is not None and len(split.labels) > 0

    if validation == "none":
        return ""
    if validation == "auto":
        return "val" if has("val") else ("test" if has("test") else "")
    if validation == "val" and not has("val"):
        raise DatasetError("The dataset has no validation images (no val folder, and too few training images "
                           "to set val_fraction of them aside); add a val folder, raise the validation fraction, "
                           "or choose validation auto, test or none.")
    if not has(validation):
        raise DatasetError(f"The dataset has no '{validation}' images; choose validation auto or none.")
    return validation


def resolve_normalization(cfg: TrainConfig, dataset: Any, info: Any) -> tuple[list[float], list[float]]:
    """Return (mean, std): the pretrained model's for pretrained starts (``auto``), else the data's."""
    mode = cfg.data.normalization
    use_model = info.mean is not None and (mode == "model" or (mode == "auto" and cfg.model.pretrained.is_pretrained))
    if use_model:
        return [float(v) for v in info.mean], [float(v) for v in info.std]
    return [float(v) for v in dataset.mean], [float(v) for v in dataset.std]


def resolve_input_size(cfg: TrainConfig, image_size: int) -> int:
    """Return the model's input size: the config's, else the model's suggestion for this image size."""
    from cnn_studio.core.models.registry import check_input_size, suggested_input_size

    size = cfg.data.input_size or suggested_input_size(cfg.model.name, image_size)
    check_input_size(cfg.model.name, size)
    return int(size)


@dataclass
class PreparedModel:
    """The model, its trainable parameter groups and what re-applies the BatchNorm policy."""

    model: torch.nn.Module  # the plain module (state_dict keys without wrappers)
    forward: torch.nn.Module  # what the loop calls: possibly compiled / DDP-wrapped
    groups: list[dict[str, Any]]
    plan: Any
    info: Any

    def train_mode(self) -> None:
        """``model.train()`` then the freezing BatchNorm policy (frozen BN stays in eval)."""
        from cnn_studio.core.models.freezing import set_bn_eval

        self.model.train()
        set_bn_eval(self.model, self.plan)


def prepare_model(cfg: TrainConfig, num_classes: int, device: torch.device, *, resuming: bool) -> PreparedModel:
    """Build the model (pretrained weights unless resuming), freeze it, move it to the device."""
    from dataclasses import replace

    from cnn_studio.core.models.freezing import apply_freeze, param_groups
    from cnn_studio.core.models.registry import get_model_info
    from cnn_studio.core.models.weights import build_model

    if cfg.compile and is_frozen():
        raise ConfigError("torch.compile is not available in the packaged app (it needs a C compiler at run "
                          "time); turn compile off, or run CNN Studio from a Python install.")
    info = get_model_info(cfg.model.name)
    model_cfg = replace(cfg.model, pretrained="none") if resuming else cfg.model
    model = build_model(model_cfg, num_classes)
    plan = apply_freeze(model, cfg.freeze, info)
    groups = param_groups(model, cfg.freeze, cfg.optim.lr, info, pretrained=cfg.model.pretrained.is_pretrained)
    if not any(p.requires_grad for g in groups for p in g["params"]):
        raise ConfigError("Every layer is frozen, so nothing would train; unfreeze at least the head.")
    model.to(device)
    if cfg.channels_last:
        model.to(memory_format=torch.channels_last)
    forward: torch.nn.Module = model
    if cfg.compile:
        forward = torch.compile(model)  # type: ignore[assignment]
    return PreparedModel(model=model, forward=forward, groups=groups, plan=plan, info=info)
