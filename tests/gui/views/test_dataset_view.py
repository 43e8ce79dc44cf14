"""The Dataset view in the window: split validation, problems and skipped files, thumbnails of every split."""

from __future__ import annotations

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
