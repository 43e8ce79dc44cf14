"""Optimisers and per-step learning-rate schedules built from :class:`OptimConfig`.

Every schedule is a :class:`torch.optim.lr_scheduler.LambdaLR` stepped once per batch, with a
factor that is a pure function of the global step. That makes the state a single integer (so
resume is exact), lets parameter groups keep their own base rates (backbone multipliers), and
keeps one code path for all schedules:

- ``constant``: factor 1.
- ``step``: multiply by ``gamma`` at each milestone; milestones are fractions of the run, as in
  the ResNet paper (lr / 10 at 50% and 75% of training).
- ``cosine``: half a cosine from 1 to 0 over the run (after any warm-up).
- ``onecycle``: Smith's 1cycle: from 1/25 up to 1 over the first 30% (cosine), then down to
  1/(25 * 10^4) by the end. Its own ramp replaces ``warmup_epochs``.

An optional linear warm-up (``warmup_epochs``) scales the factor from ~0 to 1 at the start.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import torch

from cnn_studio.core.config import OptimConfig

ONECYCLE_PCT_START = 0.3  # Smith (2018) and torch's OneCycleLR default
ONECYCLE_DIV = 25.0  # initial rate = max / 25
ONECYCLE_FINAL_DIV = 1e4  # final rate = initial / 1e4


def build_optimizer(params: Iterable[Any], cfg: OptimConfig) -> torch.optim.Optimizer:
    """Return the optimiser for ``params`` (tensors or param-group dicts with their own ``lr``)."""
    params = list(params)
    if cfg.optimizer == "sgd":
        return torch.optim.SGD(params, lr=cfg.lr, momentum=cfg.momentum, weight_decay=cfg.weight_decay,
                               nesterov=cfg.nesterov and cfg.momentum > 0)
    if cfg.optimizer == "adam":
        return torch.optim.Adam(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    if cfg.optimizer == "adamw":
        return torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    raise ValueError(f"unknown optimizer {cfg.optimizer!r}")


def lr_factor_fn(cfg: OptimConfig, steps_per_epoch: int, epochs: int) -> Callable[[int], float]:
    """Return ``factor(step)``: the multiplier of the base rate before optimiser step ``step``."""
    total = max(1, steps_per_epoch * epochs)
    warmup = 0 if cfg.schedule == "onecycle" else min(total, int(round(cfg.warmup_epochs * steps_per_epoch)))
    milestones = sorted(int(round(m * total)) for m in cfg.milestones)

    def schedule(step: int) -> float:
        if cfg.schedule == "constant":
            return 1.0
        if cfg.schedule == "step":
            return cfg.gamma ** sum(1 for m in milestones if step >= m)
        if cfg.schedule == "cosine":
            span = max(1, total - warmup)
            progress = min(1.0, max(0.0, (step - warmup) / span))
            return 0.5 * (1.0 + math.cos(math.pi * progress))
        if cfg.schedule == "onecycle":
            up = max(1, int(ONECYCLE_PCT_START * total))
            low, final = 1.0 / ONECYCLE_DIV, 1.0 / (ONECYCLE_DIV * ONECYCLE_FINAL_DIV)
            if step < up:
                return _cos_interp(low, 1.0, step / up)
            return _cos_interp(1.0, final, min(1.0, (step - up) / max(1, total - up)))
        raise ValueError(f"unknown schedule {cfg.schedule!r}")

    def factor(step: int) -> float:
        value = schedule(step)
        if warmup > 0 and step < warmup:
            value *= (step + 1) / (warmup + 1)
        return value

    return factor


def _cos_interp(start: float, end: float, t: float) -> float:
    return end + (start - end) * 0.5 * (1.0 + math.cos(math.pi * t))


def build_scheduler(optimizer: torch.optim.Optimizer, cfg: OptimConfig, steps_per_epoch: int,
                    epochs: int) -> torch.optim.lr_scheduler.LambdaLR:
    """Return a per-step scheduler (call ``scheduler.step()`` after every ``optimizer.step()``)."""
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lr_factor_fn(cfg, steps_per_epoch, epochs))


def current_lr(optimizer: torch.optim.Optimizer) -> float:
    """Return the learning rate of the first parameter group (the head's, with multipliers)."""
    return float(optimizer.param_groups[0]["lr"]) if optimizer.param_groups else 0.0


def group_lrs(optimizer: torch.optim.Optimizer) -> tuple[tuple[str, float], ...]:
    """Return every parameter group's ``(name, lr)`` (name from ``param_groups``, else ``group <i>``)."""
    return tuple((str(g.get("name") or f"group {i}"), float(g["lr"])) for i, g in enumerate(optimizer.param_groups))


#: Epochs a step schedule should train at its initial rate before the first drop: the drop is
#: meant for the plateau after the fast early learning, and one or two epochs are not a plateau.
MIN_EPOCHS_BEFORE_DROP = 2.0


@dataclass(frozen=True)
class ScheduleWarning:
    """A learning-rate schedule that does not fit the run's length (plain data: CLI and GUI word it).

    ``kind`` is ``"drop_in_first_epoch"`` (a milestone falls before the first epoch ends),
    ``"early_drop"`` (the first drop comes after fewer than ``MIN_EPOCHS_BEFORE_DROP`` epochs)
    or ``"warmup_past_drop"`` (the warm-up has not ended when the rate first drops).
    """

    kind: str
    epochs: int
    drop_epoch: float  # where (in epochs) the rate is first divided
    factor: float  # what it is multiplied by there (gamma)

    @property
    def message(self) -> str:
        """The English sentence (the CLI prints it; the GUI words it itself, translated)."""
        where = f"after {self.drop_epoch:g} epochs" if self.drop_epoch >= 1 else "inside the first epoch"
        if self.kind == "warmup_past_drop":
            return (f"The step schedule drops the learning rate {where}, before the warm-up ends; shorten the "
                    f"warm-up or train for more epochs.")
        epochs = f"{self.epochs} epoch" + ("" if self.epochs == 1 else "s")
        return (f"With {epochs} the step schedule multiplies the learning rate by {self.factor:g} "
                f"{where}, before the model has learnt much; train for more epochs or use the cosine schedule.")


def schedule_warnings(cfg: OptimConfig, epochs: int) -> list[ScheduleWarning]:
    """Return what is wrong with ``cfg``'s schedule for a run of ``epochs`` epochs (empty: it fits)."""
    if cfg.schedule != "step" or not cfg.milestones or epochs < 1:
        return []
    drop = min(cfg.milestones) * epochs
    found = []
    if drop < 1.0:
        found.append(ScheduleWarning("drop_in_first_epoch", epochs, drop, cfg.gamma))
    elif drop < MIN_EPOCHS_BEFORE_DROP:
        found.append(ScheduleWarning("early_drop", epochs, drop, cfg.gamma))
    if cfg.warmup_epochs > 0 and cfg.warmup_epochs > drop:
        found.append(ScheduleWarning("warmup_past_drop", epochs, drop, cfg.gamma))
    return found
