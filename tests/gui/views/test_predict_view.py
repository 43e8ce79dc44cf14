"""Predict view: real drops of files and folders, read back the predictions."""

from __future__ import annotations

import csv

import pytest
from PySide6.QtCore import QThreadPool, Qt
from PySide6.QtWidgets import QLabel

from cnn_studio.core.inference import Prediction, PredictionError, Predictor
from cnn_studio.gui.views.predict_view import PredictView
from tests.gui._inspect_helpers import CLASSES, drop_paths, shown, write_checkpoint, write_images


@pytest.fixture
def view(qtbot, tmp_path):
    widget = PredictView()
    widget.set_checkpoint(write_checkpoint(tmp_path))
    yield from shown(qtbot, widget, 900, 600)
    assert QThreadPool.globalInstance().activeThreadCount() == 0


def test_drop_files_shows_cards_with_top5_and_errors(qtbot, view, tmp_path):
    images = write_images(tmp_path / "imgs", 2)
    bad = tmp_path / "readme.txt"
    bad.write_text("not an image")
    assert drop_paths(view, [*images, bad])
    qtbot.waitUntil(lambda: len(view.results()) == 3 and not view.is_busy(), timeout=15000)
    expected = Predictor.from_checkpoint(tmp_path / "best.pt").predict(images, topk=5)
    results = view.results()
    assert [type(r) for r in results] == [Prediction, Prediction, PredictionError]
    assert not view.table.isVisible()
    cards = view._cards
    for exp in expected:
        card = cards[str(exp.path)]
        assert card.top_labels() == [c.label for c in exp.top]  # 3 classes -> all 3 shown
        assert card.bars[0].value() == round(exp.top[0].prob * 1000)
        assert set(card.top_labels()) == set(CLASSES)
    assert "not an image" in cards[str(bad)].error_label.text()
    assert "2 files classified, 1 could not be read" in view.status_label.text()
    card = cards[str(images[0])]
    card.gradcam_toggle.setChecked(True)
    qtbot.waitUntil(card.has_gradcam, timeout=10000)
    assert card._cam.heatmap.shape == (16, 16)
    assert card._cam.class_index == [c.index for c in expected[0].top][0]


def test_drop_folder_gives_sortable_table_and_csv(qtbot, view, tmp_path):
    folder = tmp_path / "many"
    images = write_images(folder, 14, seed=1)
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    assert drop_paths(view, [folder])
    qtbot.waitUntil(lambda: len(view.results()) == 15 and not view.is_busy(), timeout=15000)
    assert view.table.isVisible() and view.table.rowCount() == 15
    view.table.sortItems(2, Qt.SortOrder.DescendingOrder)
    confidences = [view.table.item(r, 2).data(Qt.ItemDataRole.UserRole) for r in range(15)]
    assert confidences == sorted(confidences, reverse=True) and confidences[-1] == -1.0  # error row last
    assert view.table.item(14, 0).text() == "broken.png"
    assert view.table.item(14, 1).text().startswith("error:")
    view.table.selectRow(0)
    top_path = view.table.item(0, 0).data(Qt.ItemDataRole.UserRole)
    assert list(view._cards) == [top_path]
    out = tmp_path / "predictions.csv"
    view.export_csv(out)
    # the CLI's format (core.predictions_csv): paths relative to the dropped folder, top-k, UTF-8 with BOM
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads Korean names
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig", newline="")))
    assert len(rows) == 15 and {r["path"] for r in rows} == {p.name for p in images} | {"broken.png"}
    by_path = {r.path: r for r in view.results()}
    for row in rows:
        result = by_path[str(folder / row["path"])]
        if isinstance(result, Prediction):
            assert row["label_1"] == result.label and float(row["prob_1"]) == pytest.approx(result.prob, abs=1e-5)
        else:
            assert row["error"] and not row["label_1"]


def test_folder_tree_rows_are_relative_sorted_and_the_card_is_readable(qtbot, view, tmp_path):
    from cnn_studio.gui.views.predict_view import CARD_PANEL_WIDTH

    view.resize(1200, 700)
    folder = tmp_path / "photos"
    for sub in ("cells", "cat"):
        write_images(folder / sub, 2, seed=len(sub))  # img_000.png, img_001.png in both
    assert drop_paths(view, [folder])
    qtbot.waitUntil(lambda: len(view.results()) == 4 and not view.is_busy(), timeout=15000)
    names = [view.table.item(r, 0).text() for r in range(4)]
    assert names == ["cat/img_000.png", "cat/img_001.png", "cells/img_000.png", "cells/img_001.png"]
    assert view.table.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    assert view.status_label.text() == "4 files classified."
    # the first row is selected: its card, titled with the relative name, is wide enough to read
    qtbot.waitUntil(lambda: list(view._cards) == [str(folder / "cat" / "img_000.png")], timeout=5000)
    card = view._cards[str(folder / "cat" / "img_000.png")]
    qtbot.waitUntil(card.isVisible, timeout=5000)
    assert view.cards_scroll.width() >= CARD_PANEL_WIDTH
    assert card.height() >= card.thumbnail.height()
    assert card.findChild(QLabel, "predictionFileName").text() == "cat/img_000.png"


def test_one_file_and_the_empty_text_follow_the_model(qtbot, view, tmp_path):
    qtbot.waitUntil(lambda: view._predictor is not None, timeout=15000)
    assert "best.pt" in view.empty.text() and "3 classes: circle, square, stripe" in view.empty.text()
    assert "ImageNet" not in view.empty.text()
    [image] = write_images(tmp_path / "one", 1)
    assert drop_paths(view, [image])
    qtbot.waitUntil(lambda: len(view.results()) == 1 and not view.is_busy(), timeout=15000)
    assert view.status_label.text() == "1 file classified."


def test_labelled_folder_shows_accuracy_confusion_and_a_relative_topk_csv(qtbot, view, tmp_path):
    from cnn_studio.core.folder_eval import evaluate_predictions, folder_labels

    folder = tmp_path / "labelled"
    for k, name in enumerate(CLASSES):
        write_images(folder / name, 3, seed=10 + k)
    write_images(folder / "unsorted", 2, seed=20)
    assert drop_paths(view, [folder])
    qtbot.waitUntil(lambda: len(view.results()) == 11 and not view.is_busy(), timeout=15000)
    evaluation = view.folder_evaluation()
    assert evaluation is not None and view.evaluation.isVisible()
    labels = folder_labels(folder, [r.path for r in view.results()], CLASSES)
    expected = evaluate_predictions(view.results(), labels, CLASSES)
    assert evaluation.confusion_matrix.tolist() == expected.confusion_matrix.tolist()
    assert (evaluation.count, evaluation.unlabelled) == (9, 2)
    assert evaluation.confusion_matrix.sum(axis=1).tolist() == [3, 3, 3]
    text = view.evaluation.summary.text()
    assert f"Accuracy on labelled: {expected.accuracy:.1%}" in text and f"{expected.correct} of 9 images" in text
    assert "2 images outside the class sub-folders" in text
    assert view.evaluation.confusion.tick_labels()[1] == CLASSES
    out = tmp_path / "p.csv"
    view.export_csv(out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads it as UTF-8
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig", newline="")))
    assert list(rows[0])[:4] == ["path", "true_class", "label_1", "prob_1"] and list(rows[0])[-1] == "error"
    by_file = {r["path"]: r for r in rows}
    assert set(by_file) == {f"{c}/img_{i:03d}.png" for c in CLASSES for i in range(3)} | \
        {f"unsorted/img_{i:03d}.png" for i in range(2)}
    first = by_file["circle/img_000.png"]
    result = {r.path: r for r in view.results()}[str(folder / "circle" / "img_000.png")]
    assert first["true_class"] == "circle" and by_file["unsorted/img_000.png"]["true_class"] == ""
    assert [first["label_1"], first["label_2"], first["label_3"]] == [c.label for c in result.top]
    assert float(first["prob_2"]) == pytest.approx(result.top[1].prob, abs=1e-6)
    # an unlabelled drop hides the evaluation again
    assert drop_paths(view, [folder / "unsorted"])
    qtbot.waitUntil(lambda: len(view.results()) == 2 and not view.is_busy(), timeout=15000)
    assert view.folder_evaluation() is None


def test_model_label_names_the_run_not_just_best_pt(qtbot, tmp_path):
    import json

    from cnn_studio.core.config import TrainConfig
    from cnn_studio.core.runs import update_run_meta

    run = tmp_path / "20250101-000000-simple_cnn"
    run.mkdir()
    TrainConfig().save(run / "config.json")
    update_run_meta(run, name="baseline, no augmentation")
    widget = PredictView()
    widget.set_checkpoint(write_checkpoint(run))
    for _ in shown(qtbot, widget, 900, 600):
        qtbot.waitUntil(lambda: widget._predictor is not None, timeout=15000)
        assert widget.model_label.text() == "Model: best.pt of the run baseline, no augmentation (simple_cnn, 3 classes)"
        assert "with best.pt of the run baseline, no augmentation" in widget.empty.text()
        assert json.loads((run / "run_meta.json").read_text())["name"] == "baseline, no augmentation"
        update_run_meta(run, name="renamed in the Runs view")
        widget.hide()
        widget.show()  # the tab shown again
        assert widget.model_label.text().startswith("Model: best.pt of the run renamed in the Runs view (")
