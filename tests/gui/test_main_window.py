"""The real main window: datasets, errors, settings, drops, menus."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from cnn_studio.paths import demo_dataset_dir
from tests.gui.conftest import make_image_folder, wait_for_dataset


@pytest.mark.skipif(not demo_dataset_dir().is_dir(), reason="the demo dataset is not generated yet")
def test_open_demo_shows_layout_counts_and_thumbnails(qtbot, window):
    window.open_demo()
    wait_for_dataset(qtbot, window)
    view = window.dataset_view
    assert window.dataset.classes == ["checkerboard", "circle", "square", "stripes", "triangle"]
    assert view.class_list.count() == 5
    assert "train/test sub-folders" in view.summary.text()
    # bar chart: per split, one bar per class with the real counts
    # the demo has train/ and test/ only: a validation split is carved from the 240 training images
    train_and_val = view.class_counts["train"] + view.class_counts.get("val", 0)
    assert list(train_and_val) == [240] * 5
    assert list(view.class_counts["test"]) == [60] * 5
    assert view.thumbnails.count() > 0
    assert all("checkerboard" in Path(p).name for p in view.thumbnails.item_data())
    view.class_list.setCurrentRow(2)
    assert all("square" in Path(p).name for p in view.thumbnails.item_data())
    assert not view.test_fraction.isEnabled()  # split-dirs layout: the test folder is the test split
    assert window.settings.recent_datasets()[0] == str(demo_dataset_dir())
    assert window.train_view.start_button.isEnabled()
    # the opened (decoded) dataset is reused for training only when its splits are the ones asked for
    cfg = window.current_config()
    assert window._matching_dataset(cfg) is window.dataset
    test_heldout = cfg.replace(data=replace(cfg.data, validation="test"))
    assert window._matching_dataset(test_heldout) is None  # carved val would shrink train: engine re-splits


def test_bad_folder_shows_one_sentence_error_and_app_keeps_running(qtbot, window, dialogs, tmp_path):
    window.open_dataset(str(tmp_path / "does-not-exist"))
    qtbot.waitUntil(lambda: window._scan_task is None, timeout=20000)
    assert len(dialogs.messages) == 1
    message = dialogs.messages[0]
    assert "does-not-exist" in message["text"]
    assert message["details"] == ""  # a user error: no traceback
    assert window.dataset is None
    assert not window.train_view.start_button.isEnabled()
    assert "Open a dataset" in window.train_view.ready_label.text()


def test_unexpected_exception_shows_details_dialog(qtbot, window, dialogs):
    import sys

    from cnn_studio.gui.app import install_excepthook

    old = sys.excepthook
    install_excepthook()
    try:
        try:
            raise ValueError("boom")
        except ValueError:
            sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = old
    assert dialogs.messages and "boom" in dialogs.messages[-1]["text"]
    assert "Traceback" in dialogs.messages[-1]["details"]
    assert window.isVisible()


def test_single_folder_split_fractions_are_editable(qtbot, window, tmp_path):
    root = make_image_folder(tmp_path / "flat", train=20, test=0)
    flat = tmp_path / "single"
    (root / "train").rename(flat)
    window.open_dataset(str(flat))
    wait_for_dataset(qtbot, window)
    view = window.dataset_view
    assert view.split_box.isEnabled()
    assert sum(len(v) for k, v in window.dataset.report.splits.items() if k == "test") == 12  # 0.2 of 60
    view.test_fraction.setValue(0.5)
    view.val_fraction.setValue(0.0)
    view.apply_split_button.click()
    qtbot.waitUntil(lambda: window._scan_task is None and len(window.dataset.report.splits.get("test", [])) == 30,
                    timeout=30000)


def test_drop_folder_opens_dataset(qtbot, window, tiny_dataset):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tiny_dataset))])
    event = QDropEvent(QPointF(100, 100), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    wait_for_dataset(qtbot, window)
    assert window.dataset.classes == ["blue", "green", "red"]


def test_settings_persist_geometry_recent_and_config(qtbot, window, tiny_dataset):
    from cnn_studio.gui.main_window import MainWindow

    window.open_dataset(str(tiny_dataset))
    wait_for_dataset(qtbot, window)
    window.model_view.select_model("resnet20")
    window.train_view.form.epochs.setValue(7)
    window.resize(760, 560)
    window.close()
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.settings.recent_datasets() == [str(tiny_dataset)]
    assert again.model_view.current_name() == "resnet20"
    assert again.train_view.form.epochs.value() == 7
    assert again.size().height() == 560  # (the width is clamped by the minimum size offscreen)
    again.restore_last_dataset()
    wait_for_dataset(qtbot, again)
    again.close()


def test_form_validates_as_you_type(qtbot, window, tiny_dataset):
    window.open_dataset(str(tiny_dataset))
    wait_for_dataset(qtbot, window)
    form = window.train_view.form
    form.lr.setText("abc")
    assert "Learning rate" in form.message.text()
    assert not window.train_view.start_button.isEnabled()
    form.lr.setText("500")
    assert "below 100" in form.message.text()
    form.lr.setText("1e-3")
    assert form.message.text() == ""
    assert window.train_view.start_button.isEnabled()


def test_config_round_trip_and_torchrun_export(qtbot, window, tiny_dataset, tmp_path):
    from cnn_studio.core.config import TrainConfig
    from cnn_studio.core.training.distributed import torchrun_command
    from cnn_studio.gui.widgets.export_dialog import ExportDialog

    window.open_dataset(str(tiny_dataset))
    wait_for_dataset(qtbot, window)
    window.model_view.select_model("resnet20")
    window.model_view.apply_preset("last-stage")
    window.train_view.form.batch_size.setValue(32)
    cfg = window.current_config()
    dialog = ExportDialog(cfg, window)
    dialog.gpus.setValue(4)
    assert dialog.command.text() == torchrun_command("run.json", 4)
    assert dialog.command.text() == ("torchrun --standalone --nnodes 1 --nproc_per_node 4 "
                                     "-m cnn_studio train --config run.json")
    assert not dialog.endpoint.isEnabled()
    dialog.nodes.setValue(2)
    dialog.endpoint.setText("node0:29400")
    assert dialog.endpoint.isEnabled()
    assert dialog.command.text() == torchrun_command("run.json", 4, 2, rdzv_endpoint="node0:29400")
    assert "--rdzv_endpoint node0:29400" in dialog.command.text()
    dialog.save_to(str(tmp_path / "run.json"))
    loaded = TrainConfig.load(tmp_path / "run.json")
    assert loaded == cfg and loaded.data.root == str(tiny_dataset) and loaded.freeze.preset == "last-stage"
    window.train_view.form.batch_size.setValue(8)
    window.load_config_into_views(loaded)
    assert window.train_view.form.batch_size.value() == 32
