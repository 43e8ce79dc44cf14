"""Starting weights: none, ImageNet (bundled, hub cache or download), a weights file, a checkpoint.

``build_model(ModelConfig(name, pretrained, options), num_classes)`` returns the network ready to
train: with pretrained weights the backbone is loaded and the head (``ModelInfo.head``) is a new
linear layer for the dataset's classes. Where ImageNet weights come from is the model's
``ModelInfo.weights`` (a ``PretrainedWeights``: bundled file, or torchvision URL and hub-cache
file); no model is special-cased by name here. Nothing downloads unless ImageNet weights are asked
for and are not in torch's hub cache (``weights_cached``); offline that is a clear ModelError.
Every file is read with ``torch.load(weights_only=True)``: no pickled code runs.
"""

from __future__ import annotations

import hashlib
import os
import re
import urllib.request
from pathlib import Path
from typing import Any, Mapping

import torch
from torch import nn

from cnn_studio.core.atomic import atomic_write
from cnn_studio.core.errors import CheckpointError, ModelError
from cnn_studio.core.config import Pretrained
from cnn_studio.core.models.registry import get_model, get_model_info
from cnn_studio.core.models.zoo import PretrainedWeights
from cnn_studio.core.progress import CancelCheck, Progress, check_cancelled, report

PRETRAINED_TAG = "_cnn_studio_pretrained"  # set on models whose backbone came from weights


def replace_head(model: nn.Module, head_path: str, num_classes: int) -> nn.Linear:
    """Swap the linear layer at ``head_path`` for a fresh one with ``num_classes`` outputs."""
    old = model.get_submodule(head_path)
    if not isinstance(old, nn.Linear):
        raise ModelError(f"The head '{head_path}' is not a linear layer; this model cannot get a new head.")
    new = nn.Linear(old.in_features, num_classes, bias=old.bias is not None)
    new.to(device=old.weight.device, dtype=old.weight.dtype)
    parent_path, _, attr = head_path.rpartition(".")
    parent = model.get_submodule(parent_path) if parent_path else model
    setattr(parent, attr, new)
    return new


# --- ImageNet weights ------------------------------------------------------------------------
def imagenet_weights(name: str) -> PretrainedWeights:
    """Return the pretrained weights' metadata of ``name``; ModelError when it has none."""
    info = get_model_info(name)
    if info.weights is None:
        raise ModelError(f"{info.title} has no ImageNet weights; train it from scratch.")
    return info.weights


def weights_cached(name: str) -> bool:
    """Return True when the ImageNet weights of ``name`` are on this machine (no download needed)."""
    weights = get_model_info(name).weights
    if weights is None:
        return False
    try:
        return weights.file().is_file()
    except ModelError:
        return False


def download_weights(name: str, progress: Progress | None = None, cancel: CancelCheck | None = None) -> Path:
    """Download the ImageNet weights of ``name`` into torch's hub cache; return the file's path
    (bundled or already cached weights: their file, without a download).

    The file is checked against the hash in its name (as torch.hub does) and written atomically.
    ``progress(done, total)`` is called in bytes as they arrive (``total`` 0 when the server does not
    say); ``cancel()`` true stops the download between chunks (raises ``Cancelled``, nothing is kept).
    Needs internet; never called by tests.

    Raises:
        ModelError: no pretrained weights for this model, no connection, or a corrupt download.
    """
    info, weights = get_model_info(name), imagenet_weights(name)
    target = weights.file()
    url = weights.url()
    if target.is_file() or weights.bundled or url is None:
        return target
    digest = hashlib.sha256()
    try:
        # A failed or corrupt download leaves nothing behind: the file appears only when complete.
        with atomic_write(target, "wb", fsync=False) as out, urllib.request.urlopen(url, timeout=30) as response:
            total = int(response.headers.get("Content-Length") or 0)
            done = 0
            while chunk := response.read(1 << 20):
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                report(progress, done, total)
                check_cancelled(cancel)
            match = re.search(r"-([a-f0-9]+)\.", target.name)
            if match and not digest.hexdigest().startswith(match.group(1)):
                raise ModelError(f"The downloaded weights for {info.title} are corrupt; try the download again.")
    except OSError as exc:
        raise ModelError(f"Could not download the ImageNet weights for {info.title} ({exc}); check the internet "
                         "connection or choose a weights file instead.") from None
    return target


def imagenet_state_dict(name: str) -> dict[str, torch.Tensor]:
    """Return the ImageNet state_dict of ``name`` (bundled, cached, or downloaded now)."""
    return _read_state(download_weights(name))


def bundled_imagenet_model() -> str:
    """Return the name of the first zoo model whose ImageNet weights ship with CNN Studio."""
    from cnn_studio.core.models.registry import list_models

    for name in list_models():
        weights = get_model_info(name).weights
        if weights is not None and weights.bundled:
            return name
    raise ModelError("No model with bundled ImageNet weights is installed; reinstall CNN Studio.")


def load_imagenet_model(name: str | None = None) -> nn.Module:
    """Return ``name`` (default: the bundled model) with its full ImageNet weights and head, in eval mode."""
    name = name or bundled_imagenet_model()
    model = get_model(name, num_classes=imagenet_weights(name).num_classes)
    model.load_state_dict(imagenet_state_dict(name), strict=True)
    setattr(model, PRETRAINED_TAG, True)
    return model.eval()


# --- files -----------------------------------------------------------------------------------
def _read_state(path: str | os.PathLike[str]) -> Any:
    source = Path(path)
    if not source.is_file():
        raise ModelError(f"The weights file {source} does not exist; choose an existing .pt or .pth file.")
    try:
        return torch.load(source, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - any failure means the file is not plain weights
        raise ModelError(f"{source.name} could not be read as plain weights ({exc.__class__.__name__}); choose a "
                         "state_dict or a CNN Studio checkpoint saved with torch.save.") from None


def _unwrap_state(data: Any, filename: str) -> dict[str, torch.Tensor]:
    """Accept a state_dict, or a dict holding one under a common key; strip wrapper prefixes."""
    for key in ("model_state", "state_dict", "model", "model_state_dict"):
        if isinstance(data, Mapping) and isinstance(data.get(key), Mapping):
            data = data[key]
            break
    if not isinstance(data, Mapping) or not data or not all(isinstance(v, torch.Tensor) for v in data.values()):
        raise ModelError(f"{filename} holds no state_dict of tensors; choose a weights file or a CNN Studio checkpoint.")
    state = {}
    for key, value in data.items():
        for prefix in ("_orig_mod.", "module."):
            key = key.removeprefix(prefix)
        state[key] = value
    return state


def load_backbone(model: nn.Module, state: Mapping[str, torch.Tensor], head_path: str, source: str) -> None:
    """Load every weight except the head's, strictly: any other missing, extra or misshaped
    weight is a ModelError naming the first one."""
    head_prefix = head_path + "."
    backbone = {k: v for k, v in state.items() if not k.startswith(head_prefix)}
    own = model.state_dict()
    wrong = [k for k, v in backbone.items() if k in own and tuple(own[k].shape) != tuple(v.shape)]
    if wrong:
        raise ModelError(f"{source} does not fit this model: '{wrong[0]}' has shape {tuple(backbone[wrong[0]].shape)}, "
                         f"the model expects {tuple(own[wrong[0]].shape)}; choose weights of the same architecture.")
    result = model.load_state_dict(backbone, strict=False)
    missing = [k for k in result.missing_keys if not k.startswith(head_prefix)]
    if missing or result.unexpected_keys:
        what = f"lacks '{missing[0]}'" if missing else f"has the unknown weight '{result.unexpected_keys[0]}'"
        raise ModelError(f"{source} does not fit this model (it {what}); choose weights of the same architecture.")


def build_model(model_cfg: Any, num_classes: int) -> nn.Module:
    """Build the model a run starts from.

    Args:
        model_cfg: a ``ModelConfig``: ``name``, ``options`` and ``pretrained`` (a ``Pretrained``:
            none, the model's ImageNet weights, or a weights file (a state_dict) or a CNN Studio
            checkpoint of any earlier run of the same architecture).
        num_classes: classes of the dataset; with pretrained weights the head is replaced.

    Raises:
        ModelError: unknown model or option, no ImageNet weights offline, weights that do not fit.
        CheckpointError: a damaged checkpoint.
    """
    name, options = model_cfg.name, dict(model_cfg.options or {})
    pretrained = Pretrained.parse(model_cfg.pretrained)
    info = get_model_info(name)
    if pretrained.kind == "none":
        model = get_model(name, num_classes=num_classes, **options)
        setattr(model, PRETRAINED_TAG, False)
        return model
    if pretrained.kind == "imagenet":
        if not info.has_pretrained:
            raise ModelError(f"{info.title} has no ImageNet weights; choose pretrained 'none' or a checkpoint.")
        state, source = imagenet_state_dict(name), f"The ImageNet weights of {info.title}"
    else:
        data = _read_state(pretrained.path)
        source = Path(pretrained.path).name
        if isinstance(data, Mapping) and data.get("format") == "cnn-studio-checkpoint":
            from cnn_studio.core.checkpoint import validate_checkpoint

            ckpt = validate_checkpoint(dict(data), source)
            if ckpt["model_name"] != name:
                raise ModelError(f"{source} is a checkpoint of '{ckpt['model_name']}', not '{name}'; choose the model "
                                 f"'{ckpt['model_name']}' to start from it.")
            options = {**dict(ckpt.get("model_options") or {}), **options}
        state = _unwrap_state(data, source)
    model = get_model(name, num_classes=num_classes, **options)
    load_backbone(model, state, info.head, source)
    replace_head(model, info.head, num_classes)
    setattr(model, PRETRAINED_TAG, True)
    return model


def build_model_from_checkpoint(ckpt: Mapping[str, Any]) -> nn.Module:
    """Return the exact model of a checkpoint (architecture, options, classes, weights)."""
    from cnn_studio.core.checkpoint import load_model_state, validate_checkpoint

    ckpt = validate_checkpoint(dict(ckpt), "The checkpoint")
    try:
        model = get_model(ckpt["model_name"], num_classes=int(ckpt["num_classes"]),
                          **dict(ckpt.get("model_options") or {}))
    except ModelError as exc:
        raise CheckpointError(f"The checkpoint's model cannot be built here: {exc}") from None
    load_model_state(model, ckpt)
    setattr(model, PRETRAINED_TAG, True)
    return model
