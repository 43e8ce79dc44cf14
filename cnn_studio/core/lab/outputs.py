"""The files of an experiment folder: ``curves.csv``, the figure (PNG + SVG) and ``report.md``.

``curves.csv`` is UTF-8 with a byte-order mark, so Excel (also a Korean Excel) opens it with the
right encoding; one row per run and epoch. The figure is drawn with matplotlib's Agg canvas on a
private ``Figure`` (no pyplot, no global backend, no Qt), so it works in a worker thread of the
GUI as well as in the CLI. Every file is written atomically.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any, Mapping, Sequence

from cnn_studio.core.atomic import atomic_write
from cnn_studio.core.lab.recipe import Experiment, RunOutcome, Verdict

CURVES_FILE = "curves.csv"
REPORT_FILE = "report.md"
FIGURE_STEM = "figure"
CURVE_COLUMNS = ("run", "label", "model", "group", "status", "epoch", "train_loss", "train_error",
                 "test_loss", "test_error", "heldout", "lr", "epoch_seconds", "elapsed_seconds")


def curve_rows(outcomes: Sequence[RunOutcome]) -> list[dict[str, Any]]:
    """One row per run and epoch (failed runs too: their epochs before the failure are data)."""
    rows = []
    for o in outcomes:
        for record, train_err, test_err, elapsed in zip(o.history, o.train_errors(), o.test_errors(), o.elapsed()):
            rows.append({
                "run": o.spec.name, "label": o.spec.label, "model": o.spec.model, "group": o.spec.group,
                "status": o.status, "epoch": int(record["epoch"]), "train_loss": _num(record.get("train_loss")),
                "train_error": _num(train_err), "test_loss": _num(record.get("heldout_loss")),
                "test_error": _num(test_err), "heldout": record.get("heldout_name") or "",
                "lr": _num(record.get("lr"), 6), "epoch_seconds": _num(record.get("seconds"), 2),
                "elapsed_seconds": _num(elapsed, 2)})
    return rows


def _num(value: Any, digits: int = 4) -> Any:
    if value is None:
        return ""
    value = float(value)
    return "" if not math.isfinite(value) else round(value, digits)


def write_curves(path: Path, outcomes: Sequence[RunOutcome]) -> Path:
    """Write ``curves.csv`` (UTF-8 with BOM)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(CURVE_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(curve_rows(outcomes))
    with atomic_write(path, "w", encoding="utf-8-sig") as handle:
        handle.write(buffer.getvalue())
    return path


def write_figure(folder: Path, experiment: Experiment, outcomes: Sequence[RunOutcome],
                 extra: Mapping[str, Any] | None = None) -> tuple[Path, Path]:
    """Draw the experiment's figure and save it as PNG and SVG; return both paths."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=experiment.figure_size, layout="constrained")
    FigureCanvasAgg(figure)
    experiment.draw(outcomes, figure, extra or {})
    paths = (folder / f"{FIGURE_STEM}.png", folder / f"{FIGURE_STEM}.svg")
    for path, fmt in zip(paths, ("png", "svg")):
        with atomic_write(path, "wb") as handle:
            figure.savefig(handle, format=fmt, dpi=120)
    return paths


def markdown_table(rows: Sequence[Mapping[str, Any]]) -> str:
    """Return ``rows`` as a GitHub-flavoured Markdown table."""
    if not rows:
        return "(no runs)\n"
    columns = list(rows[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(_cell(row.get(c)) for c in columns) + " |")
    return "\n".join(lines) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).replace("|", "/")


def write_report(path: Path, *, experiment: Experiment, budget: str, data_root: str, verdict: Verdict,
                 table: Sequence[Mapping[str, Any]], outcomes: Sequence[RunOutcome], status: str,
                 seconds: float, settings: Sequence[str], extra: Mapping[str, Any]) -> Path:
    """Write ``report.md``: the idea, the verdict with its numbers, the figure, the table, the runs."""
    e = experiment
    lines = [f"# {e.title}", "",
             f"Experiment `{e.name}` v{e.version}, budget `{budget}`, data `{data_root}`; status **{status}**, "
             f"{seconds / 60:.1f} min of training in all.", "", extra.get("data_line", ""), "",
             "## The idea", "", e.idea, "", f"Reproduces: {e.paper_figure}.", "",
             "## Verdict", "", f"Claim: {verdict.claim}", "", f"Result: **{verdict.word}**. {verdict.summary}", "",
             f"![{e.title}]({FIGURE_STEM}.png)", "", "## Runs", "", markdown_table(table)]
    failed = [o for o in outcomes if o.status == "failed"]
    if failed:
        lines += ["Failed runs are results, never curves:", ""]
        lines += [f"- {o.spec.label}: {o.message}" for o in failed] + [""]
    for note in extra.get("notes", ()):
        lines += [f"- {note}"]
    lines += ["", "## Settings", ""] + [f"- {s}" for s in settings] + [
        "", f"Curves: `{CURVES_FILE}` (UTF-8 with BOM). Run folders: `runs/<name>/` (config.json, "
        "metrics.jsonl, checkpoints).", ""]
    with atomic_write(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
    return path


def run_settings(outcomes: Sequence[RunOutcome]) -> list[str]:
    """One line per run: model, options, optimiser, learning rate, schedule, epochs, batch."""
    out = []
    for o in outcomes:
        c = o.spec.config
        opts = ", ".join(f"{k}={v}" for k, v in dict(c.model.options).items())
        warm = f", warm-up {c.optim.warmup_epochs:g} ep" if c.optim.warmup_epochs else ""
        subset = f", at most {o.spec.max_train_images} training images" if o.spec.max_train_images else ""
        out.append(f"{o.spec.label}: {c.model.name}{f' ({opts})' if opts else ''}, pretrained {c.model.pretrained}, "
                   f"freeze {c.freeze.preset}, {c.optim.optimizer} lr {c.optim.lr:g} ({c.optim.schedule}{warm}), "
                   f"{c.epochs} epoch{'s' if c.epochs != 1 else ''}, batch {c.batch_size}{subset}, seed {c.seed}")
    return out
