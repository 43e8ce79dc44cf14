"""Where a model can be cut for cached-feature training: its forward as a verified chain of steps.

A model's forward is written here as a list of :class:`Step` (a module path, or a pure function
such as ``flatten``) whose composition must equal ``model(x)``. Containers whose forward is just
"children in order" (``nn.Sequential`` and subclasses that keep its forward, ``nn.ModuleList``
run in order by the parent) are expanded, so the cut can fall between blocks; blocks with their
own forward (ResNet's BasicBlock, MBConv) stay whole: the cut is always at a block boundary.
:func:`verify_chain` runs the model and the chain on a probe batch and refuses the chain when
they differ, so an unknown or edited model falls back to the full forward instead of training
on wrong features.

:func:`plan_boundary` then picks the first step the cache cannot cover: one holding a trainable
parameter, a BatchNorm that updates its statistics (``bn_policy="train"``), or a dropout. The
steps before it are the frozen prefix computed once per image.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import torch
from torch import nn

Fn = Callable[[torch.Tensor], torch.Tensor]
# A prefix holding less than this share of the frozen parameters is not worth caching (e.g. only
# the stem, when the next frozen layer is a BatchNorm that still updates its statistics).
MIN_CACHED_SHARE = 0.5


def _flatten(x: torch.Tensor) -> torch.Tensor:
    return torch.flatten(x, 1)


# Top-level forward of each model class of the zoo, in order ("@flatten" is torch.flatten(x, 1)).
# A callable returns the names for a given instance (the number of stages varies).
_CHAINS: dict[str, Callable[[nn.Module], list[str]]] = {
    "SimpleCNN": lambda m: ["block1", "block2", "block3", "pool", "classifier"],
    "VGGCifar": lambda m: [f"block{b}" for b in range(1, m.num_blocks + 1)] + ["pool", "flatten", "classifier"],
    "CifarResNet": lambda m: (["conv1", "bn1", "relu"] + [f"layer{s}" for s in range(1, m.num_stages + 1)]
                              + ["avgpool", "flatten", "fc"]),
    "EfficientNetLite": lambda m: ["_conv_stem", "_bn0", "_relu", "_blocks", "_conv_head", "_bn1", "_relu",
                                   "_avg_pooling", "_flatten", "_dropout", "_fc"],
    # torchvision
    "ResNet": lambda m: ["conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool",
                         "@flatten", "fc"],
    "VGG": lambda m: ["features", "avgpool", "@flatten", "classifier"],
    "MobileNetV3": lambda m: ["features", "avgpool", "@flatten", "classifier"],
    "EfficientNet": lambda m: ["features", "avgpool", "@flatten", "classifier"],
}


@dataclass(frozen=True)
class Step:
    """One step of the chain: a module (``path``) or a parameter-free function."""

    path: str  # dotted module path; for a function, a label such as "@flatten"
    module: nn.Module | None
    fn: Fn | None = None

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.module(x) if self.module is not None else self.fn(x)  # type: ignore[misc]


def _is_plain_container(module: nn.Module) -> bool:
    if isinstance(module, nn.ModuleList):
        return True
    return isinstance(module, nn.Sequential) and type(module).forward is nn.Sequential.forward


def _expand(path: str, module: nn.Module) -> list[Step]:
    if _is_plain_container(module) and len(module) > 0:
        steps: list[Step] = []
        for name, child in module.named_children():
            steps.extend(_expand(f"{path}.{name}" if path else name, child))
        return steps
    return [Step(path, module)]


def chain_steps(model: nn.Module) -> list[Step] | None:
    """Return the model's forward as steps, or None when the model's class is not known to chain."""
    if _is_plain_container(model) and not isinstance(model, nn.ModuleList):
        return _expand("", model)
    spec = _CHAINS.get(type(model).__name__)
    if spec is None:
        return None
    steps: list[Step] = []
    for name in spec(model):
        if name == "@flatten":
            steps.append(Step(name, None, _flatten))
            continue
        child = getattr(model, name, None)
        if not isinstance(child, nn.Module):
            return None
        steps.extend(_expand(name, child))
    return steps


def run_steps(steps: list[Step], x: torch.Tensor) -> torch.Tensor:
    """Apply ``steps`` in order."""
    for step in steps:
        x = step(x)
    return x


@torch.no_grad()
def verify_chain(model: nn.Module, steps: list[Step], input_size: int, device: torch.device,
                 channels: int = 3) -> list[tuple[int, ...]] | None:
    """Check the chain against the model on a seeded probe image (eval mode, no global RNG use).

    Returns:
        Each step's output shape (one image, without the batch dimension) when the chain gives
        the model's output; None when it does not (or fails).
    """
    was_training = {m: m.training for m in model.modules()}
    gen = torch.Generator().manual_seed(1234)  # never the global RNG: training stays repeatable
    probe = torch.randn(1, channels, input_size, input_size, generator=gen).to(device)
    model.eval()
    shapes: list[tuple[int, ...]] = []
    try:
        expected = model(probe.clone())
        got = probe.clone()
        for step in steps:
            got = step(got)
            shapes.append(tuple(got.shape[1:]))
    except Exception:  # noqa: BLE001 - any failure means "not a chain we can trust"
        return None
    finally:
        for m, flag in was_training.items():
            m.training = flag
    if got.shape != expected.shape or not torch.allclose(got.float(), expected.float(), rtol=1e-4, atol=1e-5):
        return None
    return shapes


def _stochastic_depth(module: nn.Module) -> bool:
    """True for residual blocks that drop their branch at random in training (stochastic depth)."""
    for m in module.modules():
        if float(getattr(m, "drop_connect", 0.0) or 0.0) > 0 and getattr(m, "id_skip", True):
            return True
        if type(m).__name__ == "StochasticDepth" and float(getattr(m, "p", 0.0)) > 0:
            return True
    return False


def _blocker(step: Step) -> str:
    """Why ``step`` cannot be in the cached prefix ("" when it can), in train mode as set."""
    if step.module is None:
        return ""
    for name, p in step.module.named_parameters():
        if p.requires_grad:
            return f"trainable:{step.path}.{name}".rstrip(".") if step.path else f"trainable:{name}"
    for sub_name, m in step.module.named_modules():
        path = f"{step.path}.{sub_name}" if sub_name else step.path
        if isinstance(m, nn.modules.batchnorm._BatchNorm) and m.training and m.track_running_stats:
            return f"batchnorm:{path}"
        if isinstance(m, nn.modules.dropout._DropoutNd) and m.training and m.p > 0:
            return f"dropout:{path}"
    return ""


@dataclass(frozen=True)
class BoundaryPlan:
    """Where cached features end and training starts, or why the full forward is used.

    Attributes:
        usable: True when a non-empty frozen prefix can be cached.
        prefix: the steps computed once per image.
        suffix: the steps run every batch (they hold every trainable parameter).
        boundary: path of the first suffix step ("" when not usable).
        reason: one sentence for the log: where the cut is and why, or why there is none.
        notes: further sentences (e.g. stochastic depth turned off in the frozen prefix).
        feature_shape: the shape of one image's cached features.
    """

    usable: bool
    prefix: tuple[Step, ...] = ()
    suffix: tuple[Step, ...] = ()
    boundary: str = ""
    reason: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    feature_shape: tuple[int, ...] = ()  # one image's cached features


def _why_cut(blocker: str, boundary: str) -> str:
    kind, _, path = blocker.partition(":")
    if kind == "trainable":
        owner = path.rpartition(".")[0]
        if owner == boundary:
            return "the first trainable layer"
        return f"the block holding the first trainable parameter, '{path}'"
    if kind == "batchnorm":
        return f"it holds BatchNorm '{path}', which updates its statistics in training"
    return f"it holds dropout '{path}', which must stay random"


def plan_boundary(model: nn.Module, input_size: int, device: torch.device) -> BoundaryPlan:
    """Find the cut for cached-feature training of ``model`` as it is now (train mode and freezing set).

    Call after ``PreparedModel.train_mode()`` so BatchNorm and dropout flags are those of training.
    """
    steps = chain_steps(model)
    if steps is None:
        return BoundaryPlan(False, reason=f"{type(model).__name__}'s forward is not a known chain of layers, "
                                          "so every batch runs the whole network")
    shapes = verify_chain(model, steps, input_size, device)
    if shapes is None:
        return BoundaryPlan(False, reason=f"{type(model).__name__}'s forward could not be verified as a chain "
                                          "of its layers, so every batch runs the whole network")
    cut, blocker = len(steps), ""
    for i, step in enumerate(steps):
        blocker = _blocker(step)
        if blocker:
            cut = i
            break
    if cut == 0:
        return BoundaryPlan(False, reason="the first layer already trains (or updates BatchNorm statistics), "
                                          "so nothing can be computed once and kept")
    if cut == len(steps):
        return BoundaryPlan(False, reason="nothing trains")
    prefix, suffix = tuple(steps[:cut]), tuple(steps[cut:])
    boundary = suffix[0].path
    frozen = sum(p.numel() for p in model.parameters() if not p.requires_grad)
    cached = sum(p.numel() for s in prefix if s.module is not None for p in s.module.parameters())
    if cached < MIN_CACHED_SHARE * frozen:
        return BoundaryPlan(False, reason=f"only the layers before '{boundary}' could be cached ({_why_cut(blocker, boundary)}), "
                                          "too little of the frozen network to gain")
    reason = (f"the output of '{prefix[-1].path}' is computed once per image; every batch runs from "
              f"'{boundary}' on ({_why_cut(blocker, boundary)})")
    notes = ()
    if any(s.module is not None and _stochastic_depth(s.module) for s in prefix):
        notes = ("Stochastic depth in the frozen layers is off for cached features (they run in inference "
                 "mode, as a frozen Keras base does).",)
    return BoundaryPlan(True, prefix, suffix, boundary, reason, notes, shapes[cut - 1])


class ChainSuffix(nn.Module):
    """The trainable suffix as a module: runs the suffix steps on cached features.

    It shares the model's modules (it does not own a copy), so training it trains the model;
    ``train()`` / ``eval()`` reach the same modules. Never saved: checkpoints hold the whole model.
    """

    def __init__(self, steps: tuple[Step, ...]) -> None:
        super().__init__()
        self._steps = list(steps)
        self.parts = nn.ModuleList([s.module for s in steps if s.module is not None])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return run_steps(self._steps, x)


@torch.no_grad()
def run_prefix(steps: tuple[Step, ...], x: torch.Tensor) -> torch.Tensor:
    """Run the frozen prefix in inference mode (restoring each module's mode afterwards)."""
    modules = [m for s in steps if s.module is not None for m in s.module.modules()]
    flags = [m.training for m in modules]
    for m in modules:
        m.training = False
    try:
        return run_steps(list(steps), x)
    finally:
        for m, flag in zip(modules, flags):
            m.training = flag
