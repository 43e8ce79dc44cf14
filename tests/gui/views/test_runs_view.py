"""The Runs view: list, overlay of curves, runs opened from elsewhere, empty state."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cnn_studio.core.errors import UserError


def _fake_run(base: Path, name: str, accs: list[float], status: str = "completed") -> Path:
    from cnn_studio.core.config import TrainConfig

    run = base / name
    run.mkdir(parents=True)
    TrainConfig().replace(epochs=len(accs)).save(run / "config.json")
    with open(run / "metrics.jsonl", "w") as f:
        for i, a in enumerate(accs):
            f.write(json.dumps({"kind": "epoch", "epoch": i + 1, "heldout_accuracy": a, "train_loss": 1 - a}) + "\n")
    (run / "last.pt").write_bytes(b"x")
    if status != "running":
        (run / "summary.json").write_text(json.dumps({"status": status, "best_val_accuracy": max(accs),
                                                      "test_accuracy": None, "epochs": len(accs)}))
    return run


def test_runs_overlay_and_open_run_from_elsewhere(qtbot, window, tmp_path):
    from cnn_studio.paths import runs_dir

    _fake_run(runs_dir(), "20250101-000000-plain56", [0.3, 0.5, 0.6])
    _fake_run(runs_dir(), "20250101-000001-resnet56", [0.4, 0.7, 0.8, 0.85], status="stopped")
    view = window.runs_view
    view.refresh()
    assert view.table.rowCount() == 2
    view.select_paths([r.path for r in view.runs])
    assert len(view.curves) == 2
    ys = sorted(list(c.getData()[1]) for c in view.curves.values())
    assert ys == [[0.3, 0.5, 0.6], [0.4, 0.7, 0.8, 0.85]]
    legend_names = sorted(label.text for _sample, label in view.plot.getPlotItem().legend.items)
    assert legend_names == ["20250101-000000-plain56", "20250101-000001-resnet56"]
    # resume is offered for the stopped run only
    stopped = [r.path for r in view.runs if r.status == "stopped"]
    view.select_paths(stopped)
    assert view.resume_button.isEnabled()
    view.select_paths([r.path for r in view.runs if r.status == "completed"])
    assert not view.resume_button.isEnabled()
    # a run folder produced elsewhere (copied back from a server)
    elsewhere = _fake_run(tmp_path / "server", "20250102-000000-resnet20", [0.9])
    view.add_run_folder(str(elsewhere))
    assert view.table.rowCount() == 3 and view.selected_paths() == [str(elsewhere)]
    assert window.settings.extra_run_dirs() == [str(elsewhere)]
    with pytest.raises(UserError):
        view.add_run_folder(str(tmp_path))


def test_runs_empty_state(qtbot, window):
    assert window.runs_view.empty.isVisibleTo(window.runs_view)
    assert "No runs yet" in window.runs_view.empty.text()
    assert not window.runs_view.table.isVisibleTo(window.runs_view)
