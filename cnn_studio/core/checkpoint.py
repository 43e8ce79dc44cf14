"""CNN Studio checkpoints: atomic writes, safe loads, clear errors.

A checkpoint is a plain ``dict`` of tensors, numbers, strings, lists and dicts, so it loads with
``torch.load(weights_only=True)``: loading never unpickles arbitrary objects, and a malicious file
cannot run code. Writes go to a temporary file in the same folder, are flushed and fsynced, and
then renamed over the target (``os.replace`` is atomic), so a crash or kill at any moment leaves
the previous checkpoint intact.

Keys (see docs/ARCHITECTURE.md): ``format``, ``format_version``, ``model_name``,
``model_options``, ``num_classes``, ``class_names``, ``image_size``, ``input_size``, ``mean``,
``std``, ``model_state``, ``optimizer_state``, ``scheduler_state``, ``epoch`` (completed),
``global_step``, ``rng_state``, ``config``, ``metrics``, ``created``. Optional: ``epoch_step``
(batches already done in the epoch after ``epoch``, for a run stopped mid-epoch),
``scaler_state``, ``best_accuracy``.
"""

from __future__ import annotations

import os
import pickle
import random
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping

from cnn_studio.core.atomic import atomic_write, storage_error
from cnn_studio.core.errors import CheckpointError

FORMAT = "cnn-studio-checkpoint"
FORMAT_VERSION = 1
REQUIRED_KEYS = ("format", "format_version", "model_name", "num_classes", "class_names", "model_state")
# What torch.save says when its writer fails mid-file (a full disk), instead of an OSError.
_TORCH_WRITE_FAILURES = ("unexpected pos", "file write failed", "inline_container")


class NonFiniteWeights(CheckpointError):
    """The weights hold NaN or infinity (a diverged run); they are never written over good ones."""


def now_iso() -> str:
    """Return the current UTC time as an ISO-8601 string (the ``created`` field)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def make_checkpoint(
    *,
    model_name: str,
    num_classes: int,
    class_names: list[str],
    model_state: Mapping[str, Any],
    model_options: Mapping[str, Any] | None = None,
    image_size: int | None = None,
    input_size: int | None = None,
    mean: list[float] | None = None,
    std: list[float] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Return a checkpoint dict with the format marker and the required fields filled in.

    ``extra`` holds the training fields (``optimizer_state``, ``epoch``, ``rng_state``, ...).
    """
    ckpt: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "model_name": model_name,
        "model_options": dict(model_options or {}),
        "num_classes": int(num_classes),
        "class_names": [str(c) for c in class_names],
        "image_size": image_size,
        "input_size": input_size,
        "mean": [float(v) for v in mean] if mean is not None else None,
        "std": [float(v) for v in std] if std is not None else None,
        "model_state": dict(model_state),
        "optimizer_state": None,
        "scheduler_state": None,
        "epoch": 0,
        "global_step": 0,
        "rng_state": None,
        "config": None,
        "metrics": {},
        "created": now_iso(),
    }
    ckpt.update(extra)
    return ckpt


def save_checkpoint(ckpt: Mapping[str, Any], path: str | os.PathLike[str], *, allow_nonfinite: bool = False) -> Path:
    """Write ``ckpt`` to ``path`` atomically (temporary file, fsync, rename); return the path.

    If anything fails (disk full, a kill, an exception while serialising), the previous file at
    ``path`` is untouched and no temporary file is left behind.

    Raises:
        NonFiniteWeights: a weight or BatchNorm statistic is NaN/inf (unless ``allow_nonfinite``).
        StorageError: the folder is read-only, not writable or its disk is full (one sentence).
    """
    import torch

    target = Path(path)
    if not allow_nonfinite:
        bad = first_nonfinite(ckpt.get("model_state") or {})
        if bad is not None:
            raise NonFiniteWeights(f"{target.name} was not written: the weight '{bad}' holds NaN or infinity "
                                   "(the training diverged), so the previous file is kept.")
    try:
        with atomic_write(target, "wb") as handle:
            torch.save(dict(ckpt), handle)
    except OSError as exc:
        raise storage_error(exc, target) from None
    except RuntimeError as exc:
        if not any(marker in str(exc) for marker in _TORCH_WRITE_FAILURES):
            raise
        raise storage_error(exc, target) from None
    return target


def first_nonfinite(state: Mapping[str, Any]) -> str | None:
    """Return the name of the first floating-point tensor holding NaN or inf in ``state``, or None.

    Covers parameters and buffers alike (BatchNorm running means and variances).
    """
    import torch

    for name, value in state.items():
        if isinstance(value, torch.Tensor) and value.is_floating_point() and value.numel():
            if not bool(torch.isfinite(value).all()):
                return str(name)
    return None


def load_checkpoint(path: str | os.PathLike[str], map_location: Any = "cpu") -> dict[str, Any]:
    """Load and check a CNN Studio checkpoint, never unpickling arbitrary objects.

    Raises:
        CheckpointError: the file is missing, is not a CNN Studio checkpoint, is truncated or
            damaged, contains pickled code or objects, or is from a newer format version.
    """
    import torch

    source = Path(path)
    name = source.name
    if not source.is_file():
        raise CheckpointError(f"Checkpoint {source} does not exist; choose a .pt file written by CNN Studio.")
    try:
        ckpt = torch.load(source, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError:
        raise CheckpointError(
            f"{name} contains pickled objects that are not plain weights, so it was not loaded "
            "(it could run code); use a checkpoint written by CNN Studio."
        ) from None
    except (RuntimeError, EOFError, zipfile.BadZipFile, OSError, ValueError, KeyError, IndexError) as exc:
        text = str(exc).lower()
        if "zip" in text or "eof" in text or "truncat" in text or isinstance(exc, EOFError):
            raise CheckpointError(f"{name} is truncated or damaged; use another checkpoint (last.pt or best.pt).") from None
        raise CheckpointError(f"{name} could not be read as a checkpoint ({exc.__class__.__name__}); "
                              "use a .pt file written by CNN Studio.") from None
    except Exception as exc:  # noqa: BLE001 - anything else torch.load raises means "not ours"
        raise CheckpointError(f"{name} could not be read as a checkpoint ({exc.__class__.__name__}); "
                              "use a .pt file written by CNN Studio.") from None
    return validate_checkpoint(ckpt, name)


def validate_checkpoint(ckpt: Any, name: str = "The file") -> dict[str, Any]:
    """Check the format marker, version and required keys; return the checkpoint."""
    if not isinstance(ckpt, dict) or ckpt.get("format") != FORMAT:
        raise CheckpointError(f"{name} is not a CNN Studio checkpoint; use a .pt file written by CNN Studio (best.pt or last.pt of a run).")
    version = ckpt.get("format_version")
    if not isinstance(version, int) or version < 1:
        raise CheckpointError(f"{name} has an unknown checkpoint format version; use a checkpoint written by CNN Studio.")
    if version > FORMAT_VERSION:
        raise CheckpointError(f"{name} was written by a newer CNN Studio (format {version}); update CNN Studio to load it.")
    missing = [key for key in REQUIRED_KEYS if key not in ckpt]
    if missing:
        raise CheckpointError(f"{name} is missing '{missing[0]}'; it is incomplete, use another checkpoint.")
    if not isinstance(ckpt["model_state"], dict):
        raise CheckpointError(f"{name} has no model weights; use another checkpoint.")
    if len(ckpt["class_names"]) != ckpt["num_classes"]:
        raise CheckpointError(f"{name} lists {len(ckpt['class_names'])} class names for {ckpt['num_classes']} classes; it is damaged.")
    return ckpt


def check_compatible(ckpt: Mapping[str, Any], *, model_name: str | None = None, num_classes: int | None = None,
                     name: str = "The checkpoint", class_names: list[str] | None = None) -> None:
    """Raise CheckpointError if ``ckpt`` belongs to another architecture, class count or class list."""
    if model_name is not None and ckpt.get("model_name") != model_name:
        raise CheckpointError(f"{name} belongs to model '{ckpt.get('model_name')}', not '{model_name}'; "
                              "choose the matching model or another checkpoint.")
    if num_classes is not None and ckpt.get("num_classes") != num_classes:
        raise CheckpointError(f"{name} was trained for {ckpt.get('num_classes')} classes but this dataset has "
                              f"{num_classes}; use a checkpoint trained on these classes.")
    if class_names is not None and list(ckpt.get("class_names", [])) != [str(c) for c in class_names]:
        raise CheckpointError(f"{name} was trained on other classes ({', '.join(ckpt.get('class_names', [])[:4])}) "
                              "than this dataset's; use a checkpoint trained on these classes.")


def check_belongs_to_run(ckpt: Mapping[str, Any], run_config: Mapping[str, Any] | None, folder: str | os.PathLike[str]) -> None:
    """Raise CheckpointError if a run folder's checkpoint was made by another run (model or dataset).

    ``run_config`` is the folder's ``config.json`` data; the checkpoint's own ``config`` must name
    the same model, model options and dataset folder (a ``last.pt`` copied in from another run
    would otherwise turn this run into that one).
    """
    if not run_config:
        return
    mine, theirs = run_config, ckpt.get("config") or {}

    def pick(cfg: Mapping[str, Any], section: str, key: str) -> Any:
        part = cfg.get(section)
        return _plain(part.get(key)) if isinstance(part, Mapping) else None

    for section, key, label in (("model", "name", "model"), ("model", "options", "model options"),
                                ("data", "root", "dataset folder")):
        if pick(mine, section, key) != pick(theirs, section, key):
            raise CheckpointError(
                f"The last.pt in {folder} belongs to another run (its {label} is {pick(theirs, section, key)!r}, "
                f"the folder's config.json says {pick(mine, section, key)!r}); put back the run's own last.pt "
                "or start a new run.")


def _plain(value: Any) -> Any:
    """Tuples as lists, so a config read from JSON compares equal to one from a checkpoint."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def load_model_state(model: Any, ckpt: Mapping[str, Any], name: str = "The checkpoint") -> None:
    """Load ``ckpt['model_state']`` into ``model`` strictly, with a clear error on mismatch."""
    state = ckpt["model_state"]
    # torch.compile wraps the module; its state_dict keys carry a prefix we never store.
    state = {k.removeprefix("_orig_mod."): v for k, v in state.items()}
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        first = str(exc).splitlines()[0] if str(exc) else ""
        raise CheckpointError(f"{name} does not fit this model (another architecture or class count: {first[:120]}); "
                              "choose the checkpoint's own model.") from None


# --- random-number-generator state (resume gives the same run) ---------------------------------
def capture_rng_state() -> dict[str, Any]:
    """Return the Python and torch (CPU and CUDA) RNG states as weights-only-loadable values."""
    import torch

    version, internal, gauss = random.getstate()
    state: dict[str, Any] = {
        "python": [int(version), [int(v) for v in internal], gauss],
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def restore_rng_state(state: Mapping[str, Any] | None) -> None:
    """Restore states saved by :func:`capture_rng_state` (missing parts are left as they are)."""
    import torch

    if not state:
        return
    if state.get("python") is not None:
        version, internal, gauss = state["python"]
        random.setstate((int(version), tuple(int(v) for v in internal), gauss))
    if state.get("torch") is not None:
        torch.set_rng_state(state["torch"].cpu())
    if state.get("cuda") is not None and torch.cuda.is_available():
        cuda_states = [s.cpu() for s in state["cuda"]]
        if len(cuda_states) == torch.cuda.device_count():
            torch.cuda.set_rng_state_all(cuda_states)
