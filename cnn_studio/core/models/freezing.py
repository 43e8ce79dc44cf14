"""Freezing and per-group learning rates: the course's transfer-learning advice as code.

``apply_freeze`` turns a ``FreezeConfig`` (a preset, or explicit dotted paths) into
``requires_grad`` flags and returns a ``FreezePlan`` that says what is frozen. Frozen parameters
are left out of the optimiser by ``param_groups``. With ``bn_policy="freeze"`` BatchNorm layers
inside frozen parts run in eval mode (their running statistics stay as loaded): call
``set_bn_eval(model, plan)`` after every ``model.train()``. As in Lightning's BaseFinetuning, the
policy is explicit and visible in ``FreezePlan.describe()``.

"Forward order" (for ``from-layer`` and ``last-stage``) is the modules' registration order, which
for every network in the zoo is the order the forward pass runs them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from torch import nn

from cnn_studio.core.errors import ModelError
from cnn_studio.core.models.keras_names import keras_names, resolve_layer


@dataclass(frozen=True)
class FreezePreset:
    """A one-click freezing choice and when to use it (the one definition of these texts).

    Attributes:
        id: the ``FreezeConfig.preset`` value.
        title: the long name (plan descriptions, the CLI).
        label: the short name for a button.
        explanation: when to use it, in one or two sentences (tooltips, ``models --json``).
    """

    id: str
    title: str
    label: str
    explanation: str


PRESETS: dict[str, FreezePreset] = {p.id: p for p in (
    FreezePreset("full", "Full fine-tune (train everything)", "Full fine-tune",
                 "Use with a large dataset (thousands of images per class) or images unlike ImageNet "
                 "(X-rays, spectrograms); also the only choice for a network trained from scratch."),
    FreezePreset("feature-extraction", "Feature extraction (train only the head)", "Feature extraction",
                 "Use with a small dataset (tens to hundreds of images per class) similar to ImageNet "
                 "photos: the pretrained features are kept as they are and only the new classifier learns."),
    FreezePreset("last-stage", "Fine-tune the last stage + head", "Fine-tune last stage",
                 "Use with a medium dataset similar to ImageNet: the last, most task-specific stage "
                 "adapts to your classes while the general early features stay fixed."),
    FreezePreset("from-layer", "Fine-tune from a chosen layer onward", "Train from selected layer",
                 "Use with a medium dataset that differs somewhat from ImageNet: choose how deep to "
                 "adapt (the course's 'everything from block5_conv1 on is trainable'); earlier layers stay fixed."),
    FreezePreset("custom", "Custom (pick layers to freeze)", "Custom",
                 "Use to experiment: tick exactly the layers to freeze in the layer tree, e.g. to see "
                 "how much each stage contributes."),
)}
# The presets offered as buttons, in the order a learner meets them (custom = ticking the tree).
BUTTON_PRESETS = ("feature-extraction", "last-stage", "from-layer", "full")


@dataclass(frozen=True)
class FreezePlan:
    """What ``apply_freeze`` froze.

    Attributes:
        preset: the preset applied.
        frozen_paths: the largest fully frozen modules (a parent stands for its children).
        frozen_bn_paths: BatchNorm modules that ``set_bn_eval`` keeps in eval mode (empty with
            ``bn_policy="train"``).
        bn_policy: ``freeze`` or ``train``.
        frozen_params, trainable_params: parameter counts.
        trainable_from: for ``from-layer``: the module path training starts at (a Keras name
            in the config is resolved to its path).
        trainable_from_keras: the Keras name of that module, when it has one.
    """

    preset: str
    frozen_paths: tuple[str, ...]
    frozen_bn_paths: tuple[str, ...]
    bn_policy: str
    frozen_params: int
    trainable_params: int
    trainable_from: str | None = None
    trainable_from_keras: str | None = None

    def describe(self) -> str:
        """One sentence for the user: what is frozen and what BatchNorm does there."""
        title = PRESETS[self.preset].title if self.preset in PRESETS else self.preset
        if self.trainable_from:
            keras = f" ({self.trainable_from_keras})" if self.trainable_from_keras else ""
            title = f"{title} {self.trainable_from}{keras}"
        total = self.frozen_params + self.trainable_params
        text = f"{title}: {self.trainable_params:,} of {total:,} parameters train"
        if self.frozen_params == 0:
            return text + "; nothing is frozen."
        if self.bn_policy == "freeze":
            return text + f"; BatchNorm in frozen layers ({len(self.frozen_bn_paths)}) runs in eval mode, its statistics fixed."
        return text + "; BatchNorm in frozen layers still updates its running statistics."


def _module_paths(model: nn.Module) -> list[str]:
    return [path for path, _ in model.named_modules()]


def _check_path(paths: list[str], path: str, what: str) -> None:
    if path not in paths or path == "":
        raise ModelError(f"The model has no layer '{path}' {what}; pick a path from the layer tree "
                         "(e.g. 'cnn-studio models NAME').")


def _is_under(path: str, parents: set[str] | tuple[str, ...]) -> bool:
    return any(path == p or path.startswith(p + ".") for p in parents)


def _parent(path: str) -> str:
    return path.rpartition(".")[0]


def _inside_frozen(path: str, frozen_modules: set[str]) -> bool:
    """True if the module or any ancestor (the model included) is fully frozen."""
    while True:
        if path in frozen_modules:
            return True
        if path == "":
            return False
        path = _parent(path)


def _trainable_from(model: nn.Module, start: str) -> set[str]:
    """Parameter names that belong to ``start`` or to any module registered after it."""
    order = {path: i for i, path in enumerate(_module_paths(model))}
    first = order[start]
    keep = set()
    for pname, _ in model.named_parameters():
        owner = pname.rpartition(".")[0]
        if order[owner] >= first:
            keep.add(pname)
    return keep


def apply_freeze(model: nn.Module, freeze: Any, info: Any) -> FreezePlan:
    """Set ``requires_grad`` by the freeze config and return the plan.

    Args:
        model: the network (all parameters are first made trainable again, so calls can repeat).
        freeze: a ``FreezeConfig`` (``preset``, ``trainable_from`` (a module path or a Keras name
            such as ``block5_conv1``), ``frozen``, ``bn_policy``).
        info: the model's ``ModelInfo`` (head and stages).

    Raises:
        ModelError: an unknown preset or a path that is not in the model.
    """
    paths = _module_paths(model)
    names = [n for n, _ in model.named_parameters()]
    preset = freeze.preset
    if preset == "full":
        train = set(names)
    elif preset == "feature-extraction":
        train = {n for n in names if _is_under(n.rpartition(".")[0], (info.head,))}
    elif preset == "last-stage":
        start = info.stages[-1] if info.stages else info.head
        _check_path(paths, start, "for the last stage")
        train = _trainable_from(model, start)
    elif preset == "from-layer":
        if not freeze.trainable_from:
            raise ModelError("The from-layer preset needs a layer to train from; choose one in the layer tree.")
        start = resolve_layer(model, freeze.trainable_from)
        train = _trainable_from(model, start)
    elif preset == "custom":
        for path in freeze.frozen:
            _check_path(paths, path, "to freeze")
        frozen_set = tuple(freeze.frozen)
        train = {n for n in names if not _is_under(n.rpartition(".")[0], frozen_set)}
    else:
        raise ModelError(f"Unknown freeze preset '{preset}'; choose one of {', '.join(PRESETS)}.")
    for name, p in model.named_parameters():
        p.requires_grad_(name in train)
    plan = _plan(model, preset, freeze.bn_policy)
    if preset == "from-layer":
        plan = replace(plan, trainable_from=start, trainable_from_keras=keras_names(model).get(start))
    return plan


def _plan(model: nn.Module, preset: str, bn_policy: str) -> FreezePlan:
    frozen_modules: set[str] = set()
    for path, module in model.named_modules():
        params = list(module.parameters())
        if params and not any(p.requires_grad for p in params):
            frozen_modules.add(path)
    top = tuple(p for p in _module_paths(model)
                if p in frozen_modules and (p == "" or _parent(p) not in frozen_modules))
    bn: tuple[str, ...] = ()
    if bn_policy == "freeze":
        bn = tuple(path for path, m in model.named_modules()
                   if isinstance(m, nn.modules.batchnorm._BatchNorm) and _inside_frozen(path, frozen_modules))
    frozen = sum(p.numel() for p in model.parameters() if not p.requires_grad)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return FreezePlan(preset, top, bn, bn_policy, frozen, trainable)


def set_bn_eval(model: nn.Module, plan: FreezePlan) -> None:
    """Put BatchNorm layers of frozen parts in eval mode; call after every ``model.train()``."""
    for path in plan.frozen_bn_paths:
        model.get_submodule(path).eval()


def param_groups(model: nn.Module, freeze: Any, base_lr: float, info: Any, *,
                 pretrained: bool | None = None) -> list[dict[str, Any]]:
    """Return optimiser parameter groups: frozen parameters left out, head at ``base_lr``.

    The backbone (everything but the head) learns at ``base_lr * freeze.backbone_lr_mult`` when
    it starts from pretrained weights (the course's 1/10 rule), else at ``base_lr``. Then
    ``freeze.lr_multipliers`` ({dotted path: factor}, most specific path wins) multiply further.
    The group structure depends only on the model and the config, so a resumed run's optimizer
    state fits. Each group has ``params``, ``lr``, ``lr_mult`` and ``name``.

    Args:
        pretrained: whether the backbone is pretrained; None reads the flag ``build_model`` sets
            on the model (and falls back to ``info.has_pretrained``).
    """
    if pretrained is None:
        pretrained = getattr(model, "_cnn_studio_pretrained", None)
        if pretrained is None:
            pretrained = bool(info.has_pretrained)
    backbone_mult = float(freeze.backbone_lr_mult) if pretrained else 1.0
    extra = dict(freeze.lr_multipliers or {})
    paths = _module_paths(model)
    for path in extra:
        _check_path(paths, path, "for a learning-rate multiplier")
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        owner = name.rpartition(".")[0]
        role = "head" if _is_under(owner, (info.head,)) else "backbone"
        mult = 1.0 if role == "head" else backbone_mult
        matches = [path for path in extra if _is_under(owner, (path,))]
        key_path = max(matches, key=len) if matches else ""
        if key_path:
            mult *= float(extra[key_path])
        key = (role, key_path)
        if key not in groups:
            groups[key] = {"params": [], "lr": base_lr * mult, "lr_mult": mult,
                           "name": f"{role}:{key_path}" if key_path else role}
        groups[key]["params"].append(p)
    order = sorted(groups, key=lambda k: (k[0] != "backbone", k[1]))
    return [groups[k] for k in order]
