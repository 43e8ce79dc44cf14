"""The Runs view: list, overlay of curves, runs opened from elsewhere, empty state."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

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


def _options_run(base: Path, name: str, accs: list[float], train_accs: list[float]) -> Path:
    from cnn_studio.core.config import DataConfig, ModelConfig, TrainConfig

    run = base / name
    run.mkdir(parents=True)
    cfg = TrainConfig(data=DataConfig(root=str(base / "my_shapes")),
                      model=ModelConfig(name="simple_cnn", options={"batch_norm": False}), epochs=len(accs))
    (run / "config.json").write_text(json.dumps(cfg.to_dict()))
    with open(run / "metrics.jsonl", "w") as f:
        for i, (a, t) in enumerate(zip(accs, train_accs)):
            f.write(json.dumps({"kind": "epoch", "epoch": i + 1, "heldout_accuracy": a, "train_accuracy": t}) + "\n")
    (run / "summary.json").write_text(json.dumps({"status": "completed", "best_val_accuracy": max(accs),
                                                  "test_accuracy": 0.5, "epochs": len(accs)}))
    return run


def _column(view, title: str) -> int:
    return [view.table.horizontalHeaderItem(c).text() for c in range(view.table.columnCount())].index(title)


def test_columns_rename_and_notes_are_stored_in_the_run(qtbot, window):
    from cnn_studio.core.runs import read_run_meta
    from cnn_studio.paths import runs_dir

    run = _options_run(runs_dir(), "20250101-000000-simple_cnn-batch_norm-off", [0.5, 0.6], [0.6, 0.8])
    view = window.runs_view
    view.refresh()
    assert view.table.item(0, _column(view, "Dataset")).text() == "my_shapes"
    assert view.table.item(0, _column(view, "Model options")).text() == "batch_norm off"
    view.select_paths([str(run)])
    # rename in place: F2 / Rename… edits the name cell, Enter stores it
    view.rename_selected()
    editor = view.table.viewport().focusWidget()
    assert editor is not None and editor is not view.table.viewport()
    view.refresh()  # e.g. a checkpoint written meanwhile: the open editor survives, the re-read waits
    assert view.table.state() == view.table.State.EditingState and view._refresh_timer.isActive()
    editor.setText("no BN, baseline")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: read_run_meta(run).name == "no BN, baseline", timeout=3000)
    qtbot.waitUntil(lambda: view.table.item(0, 0).text() == "no BN, baseline", timeout=3000)
    assert view.selected_paths() == [str(run)] and run.is_dir()
    assert view.legend_names() == ["no BN, baseline"]
    # notes: saved after a pause in typing, and at once when another run is selected
    assert view.notes.editor.isEnabled() and "no BN, baseline" in view.notes.title.text()
    view.notes.editor.setPlainText("lr 0.1 without BN diverges")
    qtbot.waitUntil(lambda: read_run_meta(run).notes == "lr 0.1 without BN diverges", timeout=5000)
    view.notes.editor.setPlainText("second thought")
    view.select_paths([])
    assert read_run_meta(run).notes == "second thought" and not view.notes.editor.isEnabled()
    view.refresh()
    assert "second thought" in view.table.item(0, 0).toolTip()
    view.rename_run(str(run), "x" * 500)  # too long: one sentence in the status bar, name unchanged
    assert read_run_meta(run).name == "no BN, baseline"


def test_the_list_refreshes_itself_when_a_run_appears_or_ends(qtbot, window):
    from cnn_studio.paths import runs_dir

    view = window.runs_view
    view.refresh()
    assert view.table.rowCount() == 0 and str(runs_dir()) in view.watcher.directories()
    run = _fake_run(runs_dir(), "20250101-000000-plain56", [0.3, 0.5], status="running")
    qtbot.waitUntil(lambda: view.table.rowCount() == 1, timeout=5000)  # no call to refresh()
    assert view.runs[0].status == "running" and run.as_posix() in view.watcher.directories()
    (run / "summary.json").write_text(json.dumps({"status": "completed", "best_val_accuracy": 0.5,
                                                  "test_accuracy": None, "epochs": 2}))
    qtbot.waitUntil(lambda: view.runs[0].status == "completed", timeout=5000)
    assert view.table.item(0, _column(view, "Status")).text() == "completed"


def test_a_run_whose_process_died_is_interrupted_and_offers_resume(qtbot, window, monkeypatch):
    from cnn_studio.core.run_lock import LOCK_FILE
    from cnn_studio.paths import runs_dir

    run = _fake_run(runs_dir(), "20250101-000000-resnet20", [0.3, 0.4], status="running")
    (run / LOCK_FILE).write_text(json.dumps({"pid": 999999, "host": "elsewhere", "started": 0}))  # no OS lock held
    view = window.runs_view
    view.refresh()
    assert view.runs[0].status == "interrupted"
    assert view.table.item(0, _column(view, "Status")).text() == "interrupted"
    view.select_paths([str(run)])
    assert view.resume_button.isEnabled()
    asked: list[str] = []
    monkeypatch.setattr(window, "resume_run", lambda path: asked.append(path))
    view.resume_requested.disconnect()
    view.resume_requested.connect(window.resume_run)
    view.resume_button.click()
    assert asked == [str(run)]


def test_error_plot_draws_train_thin_and_heldout_bold_with_the_legend_outside(qtbot, window):
    from cnn_studio.paths import runs_dir

    a = _options_run(runs_dir(), "20250101-000000-plain20", [0.5, 0.6, 0.7], [0.6, 0.8, 0.9])
    b = _options_run(runs_dir(), "20250101-000001-resnet20", [0.55, 0.75, 0.8], [0.7, 0.85, 0.95])
    view = window.runs_view
    view.refresh()
    view.overlay.set_metric("error")
    view.select_paths([str(a), str(b)])
    bold, thin = view.overlay.curves, view.overlay.thin_curves
    assert list(bold[str(a)].getData()[1]) == pytest.approx([50.0, 40.0, 30.0])
    assert list(thin[str(a)].getData()[1]) == pytest.approx([40.0, 20.0, 10.0])
    assert bold[str(b)].opts["pen"].width() > thin[str(b)].opts["pen"].width()
    assert bold[str(a)].opts["pen"].color() == thin[str(a)].opts["pen"].color()
    names = view.legend_names()
    assert sorted(names[:2]) == ["20250101-000000-plain20", "20250101-000001-resnet20"]
    assert names[2:] == ["train", "held-out"]
    window.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.overlay.legend.width() > 0, timeout=3000)
    legend_rect = view.overlay.legend.sceneBoundingRect()
    plot_rect = view.plot.getPlotItem().vb.sceneBoundingRect()
    assert legend_rect.width() > 0 and legend_rect.left() >= plot_rect.right() - 1  # beside, never over a curve


def test_export_model_from_the_runs_view_writes_a_checked_file(qtbot, window, monkeypatch, tmp_path):
    from cnn_studio.gui.widgets import export_dialog
    from cnn_studio.paths import runs_dir
    from tests.gui._inspect_helpers import write_checkpoint

    run = _options_run(runs_dir(), "20250101-000000-simple_cnn", [0.5], [0.6])
    write_checkpoint(run)
    view = window.runs_view
    view.refresh()
    view.select_paths([str(run)])
    assert view.export_model_button.isEnabled()
    menu_action = window.findChild(type(window.actions_.export_model), "actionExportModel")
    assert menu_action is window.actions_.export_model
    assert menu_action in window.menuBar().findChild(type(window.actions_.recent_menu), "runsMenu").actions()
    dialogs: list = []

    def fake_exec(dialog) -> int:
        dialogs.append(dialog)
        dialog.format.setCurrentIndex(dialog.format.findData("torchscript"))
        dialog.out.setText(str(tmp_path / "exported.pt"))
        dialog.start_export()
        qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=60000)
        return 0

    monkeypatch.setattr(export_dialog.ModelExportDialog, "exec", fake_exec)
    view.export_model_button.click()  # the Runs view's button
    menu_action.trigger()             # Runs -> Export model… (the selected run)
    assert len(dialogs) == 2 and all(d.run_dir == str(run) for d in dialogs)
    assert (tmp_path / "exported.pt").is_file()
    assert dialogs[1].status.text().startswith(f"Wrote {tmp_path / 'exported.pt'} (3 classes)")
    assert [dialogs[0].checkpoint.itemData(i) for i in range(dialogs[0].checkpoint.count())] == [str(run / "best.pt")]


def test_resume_restarts_a_run_killed_before_its_first_checkpoint(qtbot, window, tiny_dataset):
    """A run whose process died in its first epoch (config.json and a dead owner, no last.pt) resumes."""
    from cnn_studio.core.run_lock import LOCK_FILE
    from cnn_studio.core.runs import read_metrics, run_info
    from cnn_studio.paths import runs_dir
    from tests.gui.conftest import configure_tiny_run, wait_for_dataset

    window.open_dataset(str(tiny_dataset))
    wait_for_dataset(qtbot, window)
    configure_tiny_run(window, epochs=1)
    run = runs_dir() / "20250101-000000-simple_cnn"
    run.mkdir(parents=True)
    window.current_config().save(run / "config.json")
    (run / LOCK_FILE).write_text(json.dumps({"pid": 999999, "host": "elsewhere", "started": 0}))
    view = window.runs_view
    view.refresh()
    assert [r.status for r in view.runs] == ["interrupted"] and not view.runs[0].has_last
    view.select_paths([str(run)])
    assert view.resume_button.isEnabled()
    with qtbot.waitSignal(window.controller.training_thread_finished, timeout=120000):
        view.resume_button.click()
    assert run_info(run).status == "completed" and (run / "last.pt").is_file()
    assert [r["epoch"] for r in read_metrics(run, kind="epoch")] == [1]
    qtbot.waitUntil(lambda: [r.status for r in view.runs] == ["completed"], timeout=5000)
    assert [r.path for r in view.runs] == [str(run)]  # the same folder, no new run


def test_refresh_reads_only_the_runs_that_changed(qtbot, window, monkeypatch):
    import cnn_studio.core.runs as runs
    from cnn_studio.paths import runs_dir

    a = _fake_run(runs_dir(), "20250101-000000-a", [0.3, 0.5])
    _fake_run(runs_dir(), "20250101-000001-b", [0.4, 0.6])
    view = window.runs_view
    view.refresh()
    reads: list[str] = []
    real = runs.run_info
    monkeypatch.setattr(runs, "run_info", lambda path: reads.append(str(path)) or real(path))
    view.refresh()
    assert reads == [] and view.table.rowCount() == 2
    with open(a / "metrics.jsonl", "a") as f:
        f.write(json.dumps({"kind": "epoch", "epoch": 3, "heldout_accuracy": 0.7}) + "\n")
    view.refresh()
    assert reads == [str(a)]
    assert {r.path: r.epochs_completed for r in view.runs}[str(a)] == 2  # completed runs keep summary.json's count
