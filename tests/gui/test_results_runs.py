"""Results view (confusion-matrix click, hardest examples) and Runs view (list, overlay, open elsewhere)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from cnn_studio.core.errors import UserError


def _fake_results(folder: Path) -> dict:
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    classes = ["cat", "dog", "fox"]
    mistakes = []
    for i, (t, p, c) in enumerate([(0, 1, 0.55), (0, 1, 0.95), (2, 0, 0.8), (0, 1, 0.7), (1, 2, 0.6)]):
        path = folder / f"img{i}.png"
        Image.new("RGB", (8, 8), (40 * i, 0, 0)).save(path)
        mistakes.append({"path": str(path), "true": classes[t], "predicted": classes[p], "true_index": t,
                         "predicted_index": p, "confidence": c})
    mistakes.sort(key=lambda m: -m["confidence"])
    return {"accuracy": 0.75, "loss": 0.6, "count": 20, "classes": classes,
            "per_class_accuracy": {"cat": 0.5, "dog": 0.85, "fox": 0.9},
            "confusion_matrix": [[3, 3, 0], [0, 6, 1], [1, 0, 6]], "misclassified": mistakes,
            "misclassified_total": 5}


def test_confusion_cell_click_shows_its_images_by_confidence(qtbot, window, tmp_path):
    view = window.results_view
    results = _fake_results(tmp_path / "imgs")
    view.show_results(results, "fake")
    window.tabs.setCurrentWidget(view)
    qtbot.waitExposed(view.confusion)
    plot = view.confusion
    # click the centre of the cell true=cat (row 0), predicted=dog (column 1)
    scene_point = plot.getPlotItem().vb.mapViewToScene(QPointF(1.5, 0.5))
    widget_point = plot.mapFromScene(scene_point)
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(int(widget_point.x()), int(widget_point.y())))
    expected = [m["path"] for m in sorted(results["misclassified"], key=lambda m: -m["confidence"])
                if m["true_index"] == 0 and m["predicted_index"] == 1]
    qtbot.waitUntil(lambda: view.cell_grid.item_data() == expected, timeout=3000)
    assert "true cat → predicted dog" in view.cell_label.text()
    assert view.cell_grid.captions()[0] == "dog\n95%"
    assert list(view.confusion.selected_cell_outline()[0]) == [1, 2, 2, 1, 1]  # the clicked cell is outlined
    view.select_cell(2, 0)
    assert view.cell_grid.item_data() == [str(tmp_path / "imgs" / "img2.png")]
    # hardest examples: every mistake, most confident first
    assert view.hard_grid.captions()[0] == "dog\n95%" and view.hard_grid.count() == 5
    assert "75.00%" in view.header.text()


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
