"""Behaviour a fresh-eyes review asked for: split validation, run choice, export source, resume history, drops."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.gui.conftest import make_image_folder, wait_for_dataset


def _single_folder(tmp_path: Path) -> Path:
    root = make_image_folder(tmp_path / "flat", train=10, test=0)
    flat = tmp_path / "single"
    (root / "train").rename(flat)
    (flat / "red" / "notes.txt").write_text("not an image")
    (flat / "red" / "empty.png").write_bytes(b"")
    return flat


def test_invalid_split_is_refused_and_never_blocks_training(qtbot, window, tmp_path, tiny_dataset):
    window.open_dataset(str(_single_folder(tmp_path)))
    wait_for_dataset(qtbot, window)
    view = window.dataset_view
    before = {k: len(v) for k, v in window.dataset.report.splits.items()}
    view.val_fraction.setValue(0.6)
    view.test_fraction.setValue(0.5)
    assert view.split_message.isVisibleTo(view) and "below 1" in view.split_message.text()
    assert not view.apply_split_button.isEnabled()
    view._apply_split()  # even if triggered, nothing is re-split
    assert window._scan_task is None
    assert {k: len(v) for k, v in window.dataset.report.splits.items()} == before
    # the stale values in the boxes do not reach the config: training can start
    assert window.current_config().data.val_fraction == pytest.approx(0.1)
    # opening another dataset uses the last valid fractions and shows them
    window.open_dataset(str(tiny_dataset))
    qtbot.waitUntil(lambda: window._scan_task is None and "tiny" in str(window.dataset.report.root), timeout=30000)
    cfg = window.current_config()
    assert (cfg.data.val_fraction, cfg.data.test_fraction) == (0.1, 0.2)
    assert (view.val_fraction.value(), view.test_fraction.value()) == (0.1, 0.2)
    assert not view.split_message.isVisibleTo(view)
    window.model_view.select_model("simple_cnn")
    assert window.train_view.start_button.isEnabled()


def test_dataset_view_lists_relative_problems_skipped_files_and_thumbnail_splits(qtbot, window, tmp_path):
    window.open_dataset(str(_single_folder(tmp_path)))
    wait_for_dataset(qtbot, window)
    view = window.dataset_view
    lines = [view.problems.item(i).text() for i in range(view.problems.count())]
    assert any(line.startswith("red/empty.png:") for line in lines), lines
    assert any(line == "Skipped (not images): red/notes.txt" for line in lines), lines
    assert view.problems.wordWrap()
    view.class_list.setCurrentRow(view.dataset.classes.index("blue"))
    total = int(view.class_list.currentItem().text().split("(")[1].rstrip(")"))
    assert view.thumbnails.count() == total == 10  # every split's images, not only train's
    assert "showing 10 of 10" in view.thumbnails_label.text() and "train" in view.thumbnails_label.text()


def _fake_run(base: Path, name: str, epochs: int = 2) -> Path:
    from cnn_studio.core.config import TrainConfig

    run = base / name
    run.mkdir(parents=True)
    TrainConfig().replace(epochs=5, batch_size=7).save(run / "config.json")
    (run / "best.pt").write_bytes(b"x")
    (run / "last.pt").write_bytes(b"x")
    with open(run / "metrics.jsonl", "w") as f:
        for e in range(1, epochs + 1):
            f.write(json.dumps({"kind": "step", "epoch": e, "epoch_fraction": e - 0.5, "loss": 2.0 / e,
                                "lr": 0.1, "images_per_second": 100.0}) + "\n")
            f.write(json.dumps({"kind": "epoch", "epoch": e, "train_loss": 1.0 / e, "train_accuracy": 0.3 * e,
                                "heldout_loss": 1.5 / e, "heldout_accuracy": 0.25 * e}) + "\n")
    return run


def test_choosing_a_run_sets_inspect_and_predict_models_and_export_uses_it(qtbot, window, monkeypatch):
    from cnn_studio.gui.widgets import export_dialog
    from cnn_studio.paths import runs_dir

    inspected, predicted, exported = [], [], []
    monkeypatch.setattr(window.inspect_view, "set_model_source", inspected.append)
    monkeypatch.setattr(window.predict_view, "set_checkpoint", predicted.append)
    monkeypatch.setattr(export_dialog.ExportDialog, "exec",
                        lambda self: exported.append((self.cfg, self.source_label.text())))
    run = _fake_run(runs_dir(), "20250101-000000-resnet20")
    _fake_run(runs_dir(), "20250101-000001-plain20")
    view = window.runs_view
    view.refresh()
    assert not inspected  # listing runs does not load a model
    view.select_paths([str(run)])
    assert inspected == [str(run / "best.pt")] and predicted == [str(run / "best.pt")]
    view.refresh()  # a refresh keeps the selection without reloading the model
    assert len(inspected) == 1
    window.export_for_server()
    cfg, text = exported[-1]
    assert cfg.batch_size == 7 and "selected run 20250101-000000-resnet20" in text
    view.select_paths([r.path for r in view.runs])  # two runs: the current settings are exported
    window.model_view.select_model("simple_cnn")
    window.export_for_server()
    cfg, text = exported[-1]
    assert cfg.batch_size != 7 and "current Model and Train settings" in text


def test_runs_empty_state(qtbot, window):
    assert window.runs_view.empty.isVisibleTo(window.runs_view)
    assert "No runs yet" in window.runs_view.empty.text()
    assert not window.runs_view.table.isVisibleTo(window.runs_view)


def test_resumed_run_curves_start_with_its_history(qtbot, window, tmp_path):
    import dataclasses

    from cnn_studio.core.runs import read_metrics
    from cnn_studio.core.training.events import RunStarted

    tv = window.train_view
    assert tv.plots_hint.isVisibleTo(tv)
    tv.clear_curves()
    assert not tv.plots_hint.isVisibleTo(tv)
    tv.preload_history(read_metrics(_fake_run(tmp_path, "r", epochs=3)))
    assert list(tv.curves["train_loss"].xData) == [1.0, 2.0, 3.0]
    fields = {f.name: None for f in dataclasses.fields(RunStarted) if f.default is dataclasses.MISSING
              and f.default_factory is dataclasses.MISSING}
    fields.update(start_epoch=2, steps_per_epoch=1, model_name="m", device="cpu", precision="fp32",
                  train_images=1, heldout_images=1, heldout_name="val", run_dir="r")
    tv.on_run_started(RunStarted(**fields))  # the resumed run redoes epoch 3: its old points go
    assert list(tv.curves["train_loss"].xData) == [1.0, 2.0]
    assert "1 step per epoch" in tv.log.toPlainText() and "Resumed after 2 epochs" in tv.log.toPlainText()
    lo, hi = tv.lr_plot.getViewBox().viewRange()[1]
    assert lo == pytest.approx(0.0) and 0.1 < hi < 0.2  # a flat lr of 0.1 gets a range around it


def test_momentum_only_for_sgd(qtbot, window):
    form = window.train_view.form
    form.optimizer.setCurrentText("adam")
    assert not form.momentum.isEnabled() and "SGD" in form.momentum.toolTip()
    form.optimizer.setCurrentText("sgd")
    assert form.momentum.isEnabled()


def test_freeze_note_and_preset_reset_on_model_change(qtbot, window):
    mv = window.model_view
    mv.select_model("resnet56")
    mv.set_pretrained("none")
    mv.apply_preset("feature-extraction")
    assert mv.freeze_note.isVisibleTo(mv)
    mv.select_model("plain56")
    assert mv.freeze_config().preset == "full" and mv.frozen_count == 0
    assert not mv.freeze_note.isVisibleTo(mv)


def test_drop_rule_depends_on_the_tab(qtbot, window, tiny_dataset, monkeypatch):
    added = []
    monkeypatch.setattr(window.predict_view, "add_paths", added.append)
    image = str(next((tiny_dataset / "test" / "red").iterdir()))
    window.tabs.setCurrentWidget(window.predict_view)
    message = window.handle_dropped_paths([str(tiny_dataset)])
    assert added == [[str(tiny_dataset)]] and "classified" in message and window._scan_task is None
    window.tabs.setCurrentWidget(window.train_view)
    message = window.handle_dropped_paths([image])
    assert added[-1] == [image] and window.tabs.currentWidget() is window.predict_view
    assert "Classifying 1 image " in message
    window.tabs.setCurrentWidget(window.model_view)
    message = window.handle_dropped_paths([str(tiny_dataset)])
    assert "as a dataset" in message and window.statusBar().currentMessage() == message
    wait_for_dataset(qtbot, window)
    assert len(added) == 2
