"""The Results view: confusion-cell clicks, Grad-CAM over a cell's images, sending an image to Inspect; closing
the window stops the view's jobs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, QThreadPool, Qt
from PySide6.QtGui import QImage

from cnn_studio.core.inference import Predictor
from cnn_studio.core.viz.gradcam import overlay_heatmap
from cnn_studio.gui.views.results_view import ResultsView
from tests.gui._inspect_helpers import CLASSES, shown, write_checkpoint, write_images


def make_run(folder: Path, count: int = 12) -> Path:
    """A run folder with a tiny real checkpoint and a ``test_results.json`` of its real predictions."""
    run = folder / "20250101-000000-simple_cnn"
    run.mkdir(parents=True)
    checkpoint = write_checkpoint(run)
    # square images: the thumbnail and the model's centre crop then have the same shape
    images = write_images(folder / "test_images", count, seed=3, shape=(16, 16))
    predictions = Predictor.from_checkpoint(checkpoint).predict(images, topk=1)
    matrix = np.zeros((3, 3), dtype=int)
    records = []
    for i, (path, p) in enumerate(zip(images, predictions)):
        true, predicted = i % 3, p.top[0].index
        matrix[true, predicted] += 1
        records.append({"path": str(path), "true": CLASSES[true], "predicted": CLASSES[predicted],
                        "true_index": true, "predicted_index": predicted, "confidence": round(p.prob, 6)})
    mistakes = sorted((r for r in records if r["true_index"] != r["predicted_index"]), key=lambda r: -r["confidence"])
    results = {"accuracy": float(np.trace(matrix) / count), "loss": 1.0, "count": count, "classes": CLASSES,
               "per_class_accuracy": {c: 0.5 for c in CLASSES}, "confusion_matrix": matrix.tolist(),
               "predictions": records, "misclassified": mistakes, "misclassified_total": len(mistakes)}
    (run / "test_results.json").write_text(json.dumps(results))
    return run


def icon_pixels(grid, row: int) -> np.ndarray:
    """A thumbnail as an H x W x 3 uint8 array."""
    image = grid.icon_image(row).convertToFormat(QImage.Format.Format_RGB888)
    raw = np.frombuffer(bytes(image.constBits()), dtype=np.uint8)
    return raw.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 3].reshape(
        image.height(), image.width(), 3).astype(int)


def fullest_off_diagonal_cell(results: dict) -> tuple[int, int]:
    matrix = np.asarray(results["confusion_matrix"])
    off = [(i, j) for i in range(3) for j in range(3) if i != j]
    return max(off, key=lambda ij: matrix[ij])


@pytest.fixture
def view(qtbot):
    widget = ResultsView()
    yield from shown(qtbot, widget, 1100, 700)
    assert widget.active_threads() == 0
    assert QThreadPool.globalInstance().activeThreadCount() == 0


def test_cell_gradcam_overlays_each_image(qtbot, view, tmp_path):
    run = make_run(tmp_path)
    assert view.load_run(str(run))
    true_index, predicted_index = fullest_off_diagonal_cell(view.results)
    view.select_cell(true_index, predicted_index)
    rows = view.cell_grid.count()
    assert rows >= 2
    plain = [icon_pixels(view.cell_grid, r) for r in range(rows)]

    with qtbot.waitSignal(view.cell_gradcam_shown, timeout=20000) as shown:
        view.cell_gradcam.toggle.setChecked(True)
    assert shown.args == [rows] and not view.is_busy()
    cams = view.cell_cams()
    assert sorted(cams) == list(range(rows))
    # the same Grad-CAM as the core gives for the same checkpoint, image and (predicted) class
    reference = Predictor.from_checkpoint(run / "best.pt")
    for row, record in enumerate(view.cell_grid.item_data()):
        expected = reference.explain(reference.decode(record), class_index=predicted_index)
        assert cams[row].class_index == predicted_index
        np.testing.assert_allclose(cams[row].heatmap, expected.heatmap, atol=1e-5)
        overlaid = icon_pixels(view.cell_grid, row)
        assert overlaid.shape == plain[row].shape
        assert np.abs(overlaid - plain[row]).mean() > 5, f"row {row} shows no heatmap"
    assert "Grad-CAM of" in view.cell_gradcam.status.text()
    half = [icon_pixels(view.cell_grid, r) for r in range(rows)]

    # opacity redraws from the stored maps, without a new job; at 0 only the picture is left
    view.cell_gradcam.opacity.setValue(0)
    assert not view.is_busy()
    for row in range(rows):
        bare = icon_pixels(view.cell_grid, row)
        assert np.abs(half[row] - bare).mean() > 5, f"row {row}: the heatmap adds nothing"
        view.cell_grid.set_picture(row, overlay_heatmap(cams[row].picture, cams[row].heatmap, 0.0))
        assert np.array_equal(icon_pixels(view.cell_grid, row), bare)
    view.cell_gradcam.opacity.setValue(50)
    assert np.array_equal(icon_pixels(view.cell_grid, 0), half[0])

    # the true class instead of the predicted one: new maps for the true class
    with qtbot.waitSignal(view.cell_gradcam_shown, timeout=20000):
        view.cell_gradcam.class_combo.setCurrentIndex(view.cell_gradcam.class_combo.findData("true"))
    assert {cam.class_index for cam in view.cell_cams().values()} == {true_index}

    # off again: the plain thumbnails come back exactly
    view.cell_gradcam.toggle.setChecked(False)
    for row in range(rows):
        assert np.array_equal(icon_pixels(view.cell_grid, row), plain[row])


def test_cell_gradcam_says_when_the_run_has_no_checkpoint(qtbot, view, tmp_path):
    run = make_run(tmp_path, count=6)
    (run / "best.pt").unlink()
    assert view.load_run(str(run))
    view.cell_gradcam.toggle.setChecked(True)
    view.select_cell(*fullest_off_diagonal_cell(view.results))
    assert "No checkpoint" in view.cell_gradcam.status.text()
    assert not view.is_busy() and view.cell_cams() == {}


def test_double_click_sends_a_cell_image_to_inspect(qtbot, window, tmp_path):
    run = make_run(tmp_path, count=6)
    view = window.results_view
    window.tabs.setCurrentWidget(view)
    assert view.load_run(str(run))
    view.select_cell(*fullest_off_diagonal_cell(view.results))
    item = view.cell_grid.item(0)
    centre = view.cell_grid.visualItemRect(item).center()
    qtbot.waitExposed(view.cell_grid)
    # Qt's double click is press, release, double-click press, release
    qtbot.mouseClick(view.cell_grid.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(view.cell_grid.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    inspect = window.inspect_view
    assert window.tabs.currentWidget() is inspect
    assert Path(item.data(Qt.ItemDataRole.UserRole)).name in inspect.image_label.text()
    qtbot.waitUntil(lambda: inspect.predictor is not None and inspect.predictor.source == str(run / "best.pt"),
                    timeout=20000)
    # the Grad-CAM of the sent image, with the run's model, appears without another click
    qtbot.waitUntil(lambda: "Evidence for" in inspect.gradcam.caption.text() and not inspect.is_busy(),
                    timeout=20000)
    inspect.shutdown()


def test_closing_the_window_stops_view_jobs(qtbot, window, tmp_path):
    run = make_run(tmp_path, count=30)
    results = window.results_view
    assert results.load_run(str(run))
    results.select_cell(*fullest_off_diagonal_cell(results.results))
    results.cell_gradcam.toggle.setChecked(True)
    predict = window.predict_view
    predict.set_checkpoint(run / "best.pt")
    predict.add_paths([str(p) for p in write_images(tmp_path / "many", 80, seed=5)])
    inspect = window.inspect_view
    inspect.set_model_source(run / "best.pt")
    assert predict.is_busy() and inspect.is_busy() and results.is_busy()
    window.close()
    assert not window.isVisible()
    for v in (predict, inspect, results):
        assert not v.is_busy()
        assert v._runner.active_threads() == 0
    classified = len(predict.results())
    qtbot.wait(200)  # nothing arrives after the close
    assert len(predict.results()) == classified


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
