"""Run folders: one folder per training run, readable by the GUI, the CLI and scripts.

Layout of a run folder::

    config.json         the TrainConfig that produced the run
    metrics.jsonl       one JSON object per line: {"kind": "epoch", ...} and {"kind": "step", ...}
    last.pt             checkpoint at the end of every epoch (and when stopped)
    best.pt             checkpoint with the best held-out accuracy
    summary.json        written at the end: status, accuracies, paths, timings
    test_results.json   confusion matrix, per-class accuracy, misclassified test images
    run_meta.json       what the user wrote about the run: a display name and notes (optional)
    owner.lock          while a process trains: its pid and host, under an OS lock (run_lock.py)

JSON files are written atomically (temporary file + rename), so a reader never sees half a file,
and strictly: a NaN or infinite number is written as ``null`` (other tools reject bare ``NaN``).
A write that fails (full disk, read-only folder) raises a one-sentence ``StorageError``.

Status of a run (:func:`run_info`): ``running`` while a live process holds its lock (also while a
stopped run is resumed), ``interrupted`` when the process that held it died (kill, crash, power
cut: resume it), else the ``summary.json`` status (``completed``, ``stopped``, ``failed``).
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cnn_studio.core import run_lock
from cnn_studio.core.atomic import storage_error, write_text_atomic

CONFIG_FILE = "config.json"
METRICS_FILE = "metrics.jsonl"
SUMMARY_FILE = "summary.json"
TEST_RESULTS_FILE = "test_results.json"
LAST_CHECKPOINT = "last.pt"
BEST_CHECKPOINT = "best.pt"
META_FILE = "run_meta.json"
MAX_RUN_NAME = 120  # characters: a display name is a label in a table, not a note


@dataclass(frozen=True)
class RunInfo:
    """What the runs list shows for one run folder."""

    path: str
    name: str
    model_name: str
    status: str  # completed | stopped | failed | running | interrupted (its process died) | unknown
    epochs_completed: int
    best_accuracy: float | None
    test_accuracy: float | None
    created: float  # when config.json was written (the run's start), seconds since the epoch
    has_best: bool
    has_last: bool
    display_name: str = ""   # the user's name for the run (run_meta.json), else the folder name
    notes: str = ""          # the user's notes (run_meta.json)
    dataset: str = ""        # the dataset folder's name (config.json data.root)
    model_options: str = ""  # config.json model.options as text ("batch_norm off, width 2")

    @property
    def resumable(self) -> bool:
        """True if ``train(None, resume_from=path)`` can continue the run (interrupted or stopped)."""
        return self.status in RESUMABLE_STATUSES


RESUMABLE_STATUSES = ("interrupted", "stopped")


def new_run_dir(base: str | os.PathLike[str], model_name: str) -> Path:
    """Create and return a new, unique run folder ``base/<YYYYmmdd-HHMMSS>-<model>[-N]``."""
    root = make_folder(Path(base))
    safe_model = re.sub(r"[^A-Za-z0-9_.-]+", "_", model_name) or "model"
    stem = f"{datetime.now().strftime('%Y%m%d-%H%M%S')}-{safe_model}"
    for n in range(1000):
        candidate = root / (stem if n == 0 else f"{stem}-{n + 1}")
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            continue
        except OSError as exc:
            raise storage_error(exc, candidate / CONFIG_FILE) from None
    raise OSError(f"Could not create a new run folder in {root}.")


def make_folder(folder: Path) -> Path:
    """Create ``folder`` (and its parents); a StorageError names it when that is impossible."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise storage_error(exc, folder / CONFIG_FILE) from None
    return folder


def json_safe(value: Any) -> Any:
    """Return ``value`` with NaN and infinities replaced by None (strict JSON has no such numbers)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def strict_dumps(data: Any, **kwargs: Any) -> str:
    """``json.dumps`` that writes non-finite numbers as null and never emits ``NaN``."""
    return json.dumps(json_safe(data), ensure_ascii=False, allow_nan=False, **kwargs)


def write_json_atomic(path: str | os.PathLike[str], data: Any) -> Path:
    """Write ``data`` as pretty, strict JSON through a temporary file and an atomic rename."""
    return write_text_atomic(path, strict_dumps(data, indent=2) + "\n")


def append_metrics(run_dir: str | os.PathLike[str], record: dict[str, Any]) -> None:
    """Append one strict JSON line to the run's ``metrics.jsonl`` (flushed, so other readers see it)."""
    path = Path(run_dir) / METRICS_FILE
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(strict_dumps(record) + "\n")
            handle.flush()
    except OSError as exc:
        raise storage_error(exc, path) from None


_KIND = re.compile(r'"kind"\s*:\s*"([A-Za-z_]*)"')


def read_metrics(run_dir: str | os.PathLike[str], kind: str | None = None) -> list[dict[str, Any]]:
    """Return the records of ``metrics.jsonl`` (only ``kind`` ones if given); a torn last line is skipped."""
    path = Path(run_dir) / METRICS_FILE
    if not path.is_file():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        if kind is not None:  # skip the (many) lines of another kind without parsing them
            seen = _KIND.search(line)
            if seen is not None and seen.group(1) != kind:
                continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if kind is None or record.get("kind") == kind:
            records.append(record)
    return records


def truncate_metrics_after(run_dir: str | os.PathLike[str], epoch: int) -> None:
    """Drop metric lines of epochs after ``epoch`` (a resumed run redoes them)."""
    path = Path(run_dir) / METRICS_FILE
    if not path.is_file():
        return
    keep = [r for r in read_metrics(run_dir) if int(r.get("epoch", 0)) <= epoch]
    write_text_atomic(path, "".join(strict_dumps(r) + "\n" for r in keep))


def _read_json(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def read_summary(run_dir: str | os.PathLike[str]) -> dict[str, Any] | None:
    """Return ``summary.json`` of a run, or None while it runs (or if it crashed hard)."""
    return _read_json(Path(run_dir) / SUMMARY_FILE)


def read_test_results(run_dir: str | os.PathLike[str]) -> dict[str, Any] | None:
    """Return ``test_results.json`` of a run, or None when the run had no test evaluation."""
    return _read_json(Path(run_dir) / TEST_RESULTS_FILE)


def read_run_config(run_dir: str | os.PathLike[str]) -> dict[str, Any] | None:
    """Return the plain ``config.json`` data of a run, or None."""
    return _read_json(Path(run_dir) / CONFIG_FILE)


@dataclass(frozen=True)
class RunMeta:
    """What the user wrote about a run (``run_meta.json``); empty strings when nothing was written."""

    name: str = ""
    notes: str = ""


def read_run_meta(run_dir: str | os.PathLike[str]) -> RunMeta:
    """Return the run's display name and notes (empty when the run has no ``run_meta.json``)."""
    data = _read_json(Path(run_dir) / META_FILE) or {}
    name, notes = data.get("name", ""), data.get("notes", "")
    return RunMeta(name=name if isinstance(name, str) else "", notes=notes if isinstance(notes, str) else "")


def update_run_meta(run_dir: str | os.PathLike[str], *, name: str | None = None,
                    notes: str | None = None) -> RunMeta:
    """Set the run's display name and/or notes (None keeps the stored value); return what is stored.

    The name is one line, stripped; an empty name gives the folder name back. The folder itself is
    never renamed (paths to its checkpoints stay valid). Written atomically.

    Raises:
        UserError: the folder is not a run folder, or the name is longer than ``MAX_RUN_NAME``.
    """
    from cnn_studio.core.errors import UserError

    folder = Path(run_dir)
    if not is_run_dir(folder):
        raise UserError(f"{folder} is not a run folder (it has no config.json), so it cannot be renamed or annotated.")
    meta = read_run_meta(folder)
    if name is not None:
        name = " ".join(name.split())
        if len(name) > MAX_RUN_NAME:
            raise UserError(f"A run name has at most {MAX_RUN_NAME} characters; this one has {len(name)}.")
        meta = RunMeta(name=name, notes=meta.notes)
    if notes is not None:
        meta = RunMeta(name=meta.name, notes=notes.rstrip())
    write_json_atomic(folder / META_FILE, {"name": meta.name, "notes": meta.notes})
    return meta


def run_display_name(run_dir: str | os.PathLike[str]) -> str:
    """The user's name for the run, else its folder name."""
    return read_run_meta(run_dir).name or Path(run_dir).name


def options_text(options: Any) -> str:
    """Model options as short text, in the order and words of ``ModelConfig.run_label`` ("batch_norm off")."""
    if not isinstance(options, dict) or not options:
        return ""
    parts = []
    for key in sorted(options):
        value = options[key]
        shown = ("on" if value else "off") if isinstance(value, bool) else \
            ("x".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value))
        parts.append(f"{key} {shown}")
    return ", ".join(parts)


def is_run_dir(path: str | os.PathLike[str]) -> bool:
    """Return True if ``path`` looks like a run folder (has a config.json)."""
    return (Path(path) / CONFIG_FILE).is_file()


def run_info(run_dir: str | os.PathLike[str]) -> RunInfo:
    """Return the :class:`RunInfo` of one run folder."""
    folder = Path(run_dir)
    config = read_run_config(folder) or {}
    summary = read_summary(folder)
    epochs = read_metrics(folder, kind="epoch")
    model_name = str((config.get("model") or {}).get("name", "")) if isinstance(config.get("model"), dict) else ""
    heldout = [e.get("heldout_accuracy") for e in epochs if e.get("heldout_accuracy") is not None]
    status = run_status(folder, summary, bool(epochs))
    if summary:
        best = summary.get("best_val_accuracy")
        test = summary.get("test_accuracy")
        done = int(summary.get("epochs", len(epochs)))
    else:
        best = max(heldout) if heldout else None
        test = None
        done = max((int(e.get("epoch", 0)) for e in epochs), default=0)
    if status in ("running", "interrupted") and epochs:
        done = max(done, max(int(e.get("epoch", 0)) for e in epochs))
    return RunInfo(
        path=str(folder), name=folder.name, model_name=model_name, status=status, epochs_completed=done,
        best_accuracy=best, test_accuracy=test, created=_created(folder),
        has_best=(folder / BEST_CHECKPOINT).is_file(), has_last=(folder / LAST_CHECKPOINT).is_file(),
        **_described(folder, config),
    )


def _created(folder: Path) -> float:
    """When the run was created: its config.json's time (the folder's own changes with every file written)."""
    config = folder / CONFIG_FILE
    return config.stat().st_mtime if config.is_file() else folder.stat().st_mtime


def _described(folder: Path, config: dict[str, Any]) -> dict[str, str]:
    """The RunInfo fields the user wrote (name, notes) or that describe the run (dataset, model options)."""
    meta = read_run_meta(folder)
    model = config.get("model") if isinstance(config.get("model"), dict) else {}
    data = config.get("data") if isinstance(config.get("data"), dict) else {}
    root = str(data.get("root") or "")
    return {"display_name": meta.name or folder.name, "notes": meta.notes,
            "dataset": Path(root).name if root else "", "model_options": options_text(model.get("options"))}


def run_status(run_dir: str | os.PathLike[str], summary: dict[str, Any] | None = None,
               has_epochs: bool | None = None) -> str:
    """Return the run's status: running, interrupted, completed, stopped, failed or unknown.

    A live owner (the lock) wins over an old ``summary.json`` (a stopped run being resumed); a
    dead owner whose lock is newer than the summary means the process died: ``interrupted``.
    """
    folder = Path(run_dir)
    owner = run_lock.owner_state(folder)
    if owner == "alive":
        return "running"
    summary = read_summary(folder) if summary is None else summary
    if owner == "dead" and not (summary and _mtime(folder / SUMMARY_FILE) >= _mtime(folder / run_lock.LOCK_FILE)):
        return "interrupted"
    if summary:
        return str(summary.get("status", "unknown"))
    if has_epochs is None:
        has_epochs = bool(read_metrics(folder, kind="epoch"))
    # No lock file and no summary: written by an older CNN Studio, still running or not.
    return "running" if has_epochs or (folder / LAST_CHECKPOINT).exists() else "unknown"


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def run_signature(run_dir: str | os.PathLike[str]) -> tuple[tuple[str, int, int], ...]:
    """Size and modification time of every file :func:`run_info` reads: equal signatures, equal RunInfo.

    Only a run's status can change without a file changing (its owner process dies); re-check that
    with :func:`run_status` for a run listed as ``running``.
    """
    folder = Path(run_dir)
    signature = []
    for name in (CONFIG_FILE, METRICS_FILE, SUMMARY_FILE, META_FILE, LAST_CHECKPOINT, BEST_CHECKPOINT,
                 run_lock.LOCK_FILE):
        try:
            st = (folder / name).stat()
        except OSError:
            continue
        signature.append((name, st.st_mtime_ns, st.st_size))
    return tuple(signature)


def run_dirs(base: str | os.PathLike[str]) -> list[Path]:
    """The run folders directly under ``base`` (unsorted; empty when ``base`` is not a folder)."""
    root = Path(base)
    if not root.is_dir():
        return []
    return [p for p in root.iterdir() if p.is_dir() and is_run_dir(p)]


def list_runs(base: str | os.PathLike[str]) -> list[RunInfo]:
    """Return the run folders directly under ``base``, newest first."""
    return newest_first([run_info(p) for p in run_dirs(base)])


def newest_first(runs: list[RunInfo]) -> list[RunInfo]:
    """Sort runs as the runs list shows them: newest first."""
    return sorted(runs, key=lambda r: (r.created, r.name), reverse=True)


@dataclass(frozen=True)
class ResumeSource:
    """What ``--resume`` / the Resume button continues: a checkpoint, or a run folder's saved config."""

    config: Any  # TrainConfig: the checkpoint's own config, or the folder's config.json
    folder: Path  # the run folder that is written on
    checkpoint: dict[str, Any] | None  # None: the run had no last.pt yet and restarts from epoch 0
    epochs_done: int  # completed epochs in the checkpoint (0 without one)

    def check_epochs(self, epochs: int) -> None:
        """Refuse a total below the epochs already trained (they are kept, never undone).

        Raises:
            ConfigError: ``epochs`` is below :attr:`epochs_done`.
        """
        from cnn_studio.core.errors import ConfigError

        if epochs < self.epochs_done:
            raise ConfigError(f"The run has already completed {self.epochs_done} epochs, so it cannot be set to "
                              f"{epochs}; give at least {self.epochs_done} (trained epochs are kept, never undone).")


def load_resume_source(resume_from: str | os.PathLike[str]) -> ResumeSource:
    """Return what resuming ``resume_from`` (a run folder or a last.pt) continues from.

    A run folder without ``last.pt`` (killed during its first epoch) restarts from its
    ``config.json``. A ``last.pt`` must belong to its folder's ``config.json`` (same model, model
    options and dataset), so a checkpoint copied in from another run is refused.

    Raises:
        CheckpointError: no usable checkpoint or config, or one that belongs to another run.
        ConfigError: the saved config is invalid.
    """
    from cnn_studio.core.checkpoint import check_belongs_to_run, load_checkpoint
    from cnn_studio.core.config import TrainConfig
    from cnn_studio.core.errors import CheckpointError

    path = Path(resume_from)
    if path.is_dir():
        if not (path / LAST_CHECKPOINT).is_file():
            if is_run_dir(path):
                return ResumeSource(TrainConfig.load(path / CONFIG_FILE), path, None, 0)
            raise CheckpointError(f"The folder {path} holds neither last.pt nor config.json, so it is not a run "
                                  "to resume; choose a run folder.")
        path = path / LAST_CHECKPOINT
    ckpt = load_checkpoint(path)
    if not isinstance(ckpt.get("config"), dict) or ckpt.get("optimizer_state") is None:
        raise CheckpointError(f"{path.name} holds no training state to resume from; use the run's last.pt.")
    check_belongs_to_run(ckpt, read_run_config(path.parent), path.parent)
    return ResumeSource(TrainConfig.from_dict(ckpt["config"]), path.parent, ckpt, int(ckpt.get("epoch", 0)))
