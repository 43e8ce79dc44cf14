"""Run one experiment on one dataset: plan, train the queue, draw, judge, report.

:class:`LabJob` is the object the CLI and the Lab view hold::

    job = LabJob("degradation", "shapes/", budget="quick")
    plan = job.open()                 # opens the dataset once, plans the runs, writes lab.json
    print(plan.estimate_seconds)      # shown before Start
    result = job.run(progress=..., on_event=...)   # job.pause() / resume() / stop() from any thread
    result.to_dict()                  # status, experiment_dir, figure, table, verdict, runs

A job on a folder that already holds the same experiment (``lab.json``) continues it: finished
runs are kept, a stopped run resumes from its ``last.pt``. ``result.json`` in the folder holds
the final object, so finished experiments can be listed (:func:`list_experiment_dirs`).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from cnn_studio.core import runs
from cnn_studio.core.config import DataConfig
from cnn_studio.core.errors import ConfigError
from cnn_studio.core.lab import outputs
from cnn_studio.core.lab.estimate import estimate_seconds
from cnn_studio.core.lab.queue import CancelFn, LabQueue, LabRunEvent, ProgressFn
from cnn_studio.core.lab.recipe import DataFacts, Experiment, RunOutcome, RunSpec
from cnn_studio.core.lab.registry import get_experiment

MANIFEST_FILE = "lab.json"
RESULT_FILE = "result.json"
LAB_FOLDER = "lab"


@dataclass(frozen=True)
class LabPlan:
    """What will run: shown before Start."""

    experiment: Experiment
    budget: str
    folder: Path
    data: DataFacts
    specs: tuple[RunSpec, ...]
    estimate_seconds: float
    finished_runs: tuple[str, ...] = ()  # runs kept from an earlier start of this folder


@dataclass
class LabResult:
    """The end of an experiment (also written as ``result.json``)."""

    status: str  # completed | stopped
    experiment: str
    budget: str
    experiment_dir: str
    figure: str
    figure_svg: str
    curves: str
    report: str
    table: list[dict[str, Any]]
    verdict: dict[str, Any]
    runs: list[dict[str, Any]]
    seconds: float
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the plain JSON-able object the CLI prints."""
        return {"status": self.status, "experiment": self.experiment, "budget": self.budget,
                "experiment_dir": self.experiment_dir, "figure": self.figure, "figure_svg": self.figure_svg,
                "curves": self.curves, "report": self.report, "table": self.table, "verdict": self.verdict,
                "runs": self.runs, "seconds": round(self.seconds, 1), **self.extra}


def default_experiment_dir(name: str) -> Path:
    """A new folder ``<runs dir>/lab/<name>-<YYYYmmdd-HHMMSS>`` (not created)."""
    from cnn_studio.paths import runs_dir

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    base = runs_dir() / LAB_FOLDER
    folder = base / f"{name}-{stamp}"
    n = 2
    while folder.exists():  # two starts in the same second get two folders
        folder, n = base / f"{name}-{stamp}-{n}", n + 1
    return folder


def lab_data_config(root: str, cache_dir: str | None = None) -> DataConfig:
    """The data settings of every lab run: the test split is the held-out set (paper style)."""
    return DataConfig(root=str(root), validation="test", cache_dir=cache_dir)


def data_facts(dataset: Any, data: DataConfig) -> DataFacts:
    """Summarise an opened dataset; without a test split the held-out set falls back to ``auto``."""
    test = dataset.splits.get("test")
    if test is None or len(test.labels) == 0:
        data = replace(data, validation="auto")
        test = dataset.splits.get("val")
    return DataFacts(data=data, train_images=len(dataset.splits["train"].labels),
                     test_images=len(test.labels) if test is not None else 0,
                     image_size=int(dataset.image_size), num_classes=len(dataset.classes))


def preview(name: str, data_root: str | Path, budget: str = "quick", device: str = "auto") -> LabPlan:
    """The plan and its time estimate from a folder listing, without decoding an image (for the Lab view).

    The folder is not written; ``LabJob.open`` gives the exact plan once the data is decoded.
    """
    from cnn_studio.core.data.scan import choose_working_size, list_image_folder, sample_sizes

    experiment = get_experiment(name)
    experiment.check_budget(budget)
    data = lab_data_config(str(data_root))
    listing = list_image_folder(data.root, val_fraction=data.val_fraction, test_fraction=data.test_fraction,
                                split_seed=data.split_seed, validation=data.validation)
    paths = [p for items in listing.splits.values() for p, _ in items]
    if not listing.splits.get("test"):
        data = replace(data, validation="auto")
    held = listing.splits.get("test") or listing.splits.get("val") or []
    facts = DataFacts(data=data, train_images=len(listing.splits.get("train", [])), test_images=len(held),
                      image_size=choose_working_size(sample_sizes(paths)), num_classes=len(listing.classes))
    specs = tuple(experiment.runs(facts, budget, device))
    return LabPlan(experiment, budget, Path(), facts, specs, estimate_seconds(specs, facts))


def outcome_dict(o: RunOutcome) -> dict[str, Any]:
    """One entry of the result's ``runs``: name, model, errors in %, seconds, status, folder."""
    train_err, test_err = o.final_train_error(), o.final_test_error()
    return {"name": o.spec.name, "label": o.spec.label, "model": o.spec.model, "status": o.status,
            "train_error": round(train_err, 2) if train_err is not None else None,
            "test_error": round(test_err, 2) if test_err is not None else None,
            "seconds": round(o.seconds, 2), "epochs": len(o.history), "run_dir": o.run_dir,
            "message": o.message}


class LabJob:
    """One experiment on one dataset, pausable and resumable.

    Args:
        name: the experiment's registry name (or an :class:`Experiment`).
        data_root: the dataset folder.
        budget: ``quick``, ``paper`` or ``smoke``.
        out_dir: the experiment folder (a new one under the runs folder by default); a folder
            holding the same experiment is continued.
        device: training device for every run.
        dataset: an already opened dataset (tests, the GUI); else ``data_root`` is opened.
    """

    def __init__(self, name: str | Experiment, data_root: str | Path, *, budget: str = "quick",
                 out_dir: str | Path | None = None, device: str = "auto", dataset: Any = None,
                 cache_dir: str | None = None) -> None:
        self.experiment = name if isinstance(name, Experiment) else get_experiment(name)
        self.experiment.check_budget(budget)
        self.budget = budget
        self.data_root = str(data_root)
        self.folder = Path(out_dir) if out_dir else default_experiment_dir(self.experiment.name)
        self.device = device
        self.dataset = dataset
        self.cache_dir = cache_dir
        self.plan: LabPlan | None = None
        self.queue: LabQueue | None = None
        self._pending: list[Callable[[LabQueue], None]] = []
        self._lock = threading.Lock()

    # --- steering (any thread) -----------------------------------------------------------------
    def pause(self) -> None:
        """Pause the current run at its next batch."""
        self._steer(LabQueue.pause)

    def resume(self) -> None:
        """Continue after a pause."""
        self._steer(LabQueue.resume)

    def stop(self) -> None:
        """Stop after saving the current run's state; a later :meth:`run` continues."""
        self._steer(LabQueue.stop)

    def _steer(self, action: Callable[[LabQueue], None]) -> None:
        with self._lock:  # before the queue exists, remember the action for it
            if self.queue is None:
                self._pending.append(action)
                return
        action(self.queue)

    # --- planning ------------------------------------------------------------------------------
    def open(self, progress: ProgressFn | None = None, cancel: CancelFn | None = None) -> LabPlan:
        """Open the dataset (``progress`` while decoding), plan the runs, write ``lab.json``."""
        from cnn_studio.core.data.dataset import open_dataset

        data = lab_data_config(self.data_root, self.cache_dir)
        if self.dataset is None:
            self.dataset = open_dataset(data, progress=progress, cancel=cancel)
        facts = data_facts(self.dataset, data)
        specs = tuple(self.experiment.runs(facts, self.budget, self.device))
        self._check_folder()
        done = tuple(s.name for s in specs if (runs.read_summary(self.folder / "runs" / s.name) or {}).get("status")
                     in ("completed", "failed"))
        self.plan = LabPlan(self.experiment, self.budget, self.folder, facts, specs,
                            estimate_seconds([s for s in specs if s.name not in done], facts), done)
        self.folder.mkdir(parents=True, exist_ok=True)
        runs.write_json_atomic(self.folder / MANIFEST_FILE, {
            "experiment": self.experiment.name, "version": self.experiment.version, "budget": self.budget,
            "data": self.data_root, "device": self.device, "runs": [s.name for s in specs],
            "estimate_seconds": round(self.plan.estimate_seconds, 1)})
        return self.plan

    def _check_folder(self) -> None:
        manifest = self.folder / MANIFEST_FILE
        if manifest.is_file():
            try:
                old = json.loads(manifest.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                old = {}
            same = (old.get("experiment"), old.get("version"), old.get("budget")) == (
                self.experiment.name, self.experiment.version, self.budget)
            if not same:
                raise ConfigError(f"The folder {self.folder} holds another experiment or budget "
                                  f"({old.get('experiment')}, {old.get('budget')}); choose another output folder.")
        elif self.folder.is_dir() and any(self.folder.iterdir()):
            raise ConfigError(f"The folder {self.folder} is not empty and holds no lab experiment; "
                              "choose a new or empty output folder.")

    # --- running -------------------------------------------------------------------------------
    def run(self, *, progress: ProgressFn | None = None, cancel: CancelFn | None = None,
            on_event: Callable[[LabRunEvent], None] | None = None) -> LabResult:
        """Train the runs not yet finished, then write the figure, curves, report and verdict."""
        plan = self.plan or self.open(cancel=cancel)
        started = time.perf_counter()
        queue = LabQueue(plan.folder, plan.specs, dataset=self.dataset, on_event=on_event,
                         progress=progress, cancel=cancel)
        with self._lock:
            for action in self._pending:
                action(queue)
            self._pending.clear()
            self.queue = queue
        status = self.queue.run()
        return self.finish(status, time.perf_counter() - started)

    def finish(self, status: str, seconds: float) -> LabResult:
        """Write the experiment's files from its run folders and return the result."""
        plan = self.plan or self.open()
        e, folder = self.experiment, plan.folder
        outcomes = (self.queue or LabQueue(folder, plan.specs, dataset=self.dataset)).outcomes()
        extra = e.finish(outcomes, folder, self.dataset) if status == "completed" else {}
        d = plan.data
        held = "test" if d.data.validation == "test" else "validation"
        report_extra = {**extra, "data_line": (
            f"Data: {d.train_images} training images, {d.test_images} {held} images ({held} error is the "
            f"held-out curve), {d.image_size} px, {d.num_classes} classes.")}
        verdict = e.verdict(outcomes, extra)
        table = e.table(outcomes)
        png, svg = outputs.write_figure(folder, e, outcomes, extra)
        curves = outputs.write_curves(folder / outputs.CURVES_FILE, outcomes)
        total = sum(o.seconds for o in outcomes)
        report = outputs.write_report(
            folder / outputs.REPORT_FILE, experiment=e, budget=self.budget, data_root=self.data_root,
            verdict=verdict, table=table, outcomes=outcomes, status=status, seconds=total,
            settings=outputs.run_settings(outcomes), extra=report_extra)
        result = LabResult(status, e.name, self.budget, str(folder), str(png), str(svg), str(curves), str(report),
                           table, verdict.to_dict(), [outcome_dict(o) for o in outcomes], seconds,
                           {k: v for k, v in extra.items() if k != "notes" and not k.startswith("_")})
        runs.write_json_atomic(folder / RESULT_FILE, result.to_dict())
        return result


def list_experiment_dirs(base: str | Path | None = None) -> list[dict[str, Any]]:
    """Finished and stopped experiments under ``base`` (default: the runs folder's ``lab/``), newest first."""
    if base is None:
        from cnn_studio.paths import runs_dir

        base = runs_dir() / LAB_FOLDER
    root = Path(base)
    found = []
    folders = [f for f in (root.iterdir() if root.is_dir() else []) if (f / MANIFEST_FILE).is_file()]
    for folder in sorted(folders, key=lambda f: (f / MANIFEST_FILE).stat().st_mtime, reverse=True):
        result = _read(folder / RESULT_FILE)
        manifest = _read(folder / MANIFEST_FILE)
        if manifest is None:
            continue
        found.append({"experiment_dir": str(folder), "experiment": manifest.get("experiment"),
                      "budget": manifest.get("budget"), "data": manifest.get("data"),
                      "status": (result or {}).get("status", "unfinished"),
                      "verdict": (result or {}).get("verdict"), "figure": (result or {}).get("figure"),
                      "runs": list((result or {}).get("runs") or [])})
    return found


def run_histories(entry: dict[str, Any]) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """Each run of a listed experiment (``list_experiment_dirs``) as (name, label, epoch records)."""
    histories = []
    for run in entry.get("runs") or []:
        if isinstance(run, dict) and run.get("run_dir") and run.get("name"):
            records = runs.read_metrics(run["run_dir"], kind="epoch")
            if records:
                histories.append((str(run["name"]), str(run.get("label") or run["name"]), records))
    return histories


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None
