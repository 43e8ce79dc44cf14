"""Labelled folders for Predict: class sub-folders, accuracy, confusion matrix, the CSV export."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from cnn_studio.core.folder_eval import evaluate_predictions, folder_labels
from cnn_studio.core.inference import ClassProbability, Prediction, PredictionError

CLASSES = ["cat", "dog", "Ärger"]


def _files(root, layout):
    paths = []
    for rel in layout:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"x")
        paths.append(str(p))
    return paths


def _pred(path, *ranked):
    probs = (0.7, 0.2, 0.1)
    return Prediction(path, tuple(ClassProbability(CLASSES[i], i, probs[k]) for k, i in enumerate(ranked)))


def test_labels_come_from_class_subfolders_case_insensitively(tmp_path):
    paths = _files(tmp_path / "photos", ["cat/a.png", "Dog/b.png", "dog/deep/c.png", "other/d.png", "e.png"])
    labels = folder_labels(tmp_path / "photos", paths, CLASSES)
    assert labels == {paths[0]: 0, paths[1]: 1, paths[2]: 1}


def test_a_folder_named_like_a_class_labels_all_its_files(tmp_path):
    paths = _files(tmp_path / "dog", ["a.png", "sub/b.png"])
    assert folder_labels(tmp_path / "dog", paths, CLASSES) == {paths[0]: 1, paths[1]: 1}
    assert folder_labels(tmp_path / "dog", paths, ["x", "y"]) == {}


def test_unlabelled_folder_gives_no_labels(tmp_path):
    paths = _files(tmp_path / "holiday", ["a.png", "beach/b.png"])
    assert folder_labels(tmp_path / "holiday", paths, CLASSES) == {}


def test_evaluation_counts_matrix_accuracy_unreadable_and_unlabelled():
    results = [_pred("c1", 0, 1, 2), _pred("c2", 1, 0, 2), _pred("d1", 1, 0, 2), _pred("x", 2, 0, 1),
               PredictionError("c3", "not an image")]
    labels = {"c1": 0, "c2": 0, "d1": 1, "c3": 0}
    ev = evaluate_predictions(results, labels, CLASSES)
    assert ev.confusion_matrix.tolist() == [[1, 1, 0], [0, 1, 0], [0, 0, 0]]
    assert (ev.count, ev.correct, ev.unreadable, ev.unlabelled) == (3, 2, 1, 1)
    assert ev.accuracy == pytest.approx(2 / 3)
    assert ev.per_class_accuracy() == {"cat": 0.5, "dog": 1.0, "Ärger": None}
    assert np.isnan(evaluate_predictions([], {}, CLASSES).accuracy)


def test_csv_has_a_true_class_column_for_a_labelled_folder(tmp_path):
    from cnn_studio.core.folder_eval import true_class_names
    from cnn_studio.core.predictions_csv import prediction_rows, write_predictions_csv

    results = [_pred("/data/photos/cat/ä.png", 0, 2, 1), PredictionError("/data/photos/x.png", "damaged")]
    labels = {"/data/photos/cat/ä.png": 0}
    truth = true_class_names([r.path for r in results], labels, CLASSES)
    assert truth == ["cat", ""]
    out = tmp_path / "p.csv"
    write_predictions_csv(out, results, ["cat/ä.png", "x.png"], 3, truth)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    read = list(csv.DictReader(out.open(encoding="utf-8-sig", newline="")))
    assert list(read[0]) == ["path", "true_class", "label_1", "prob_1", "label_2", "prob_2", "label_3", "prob_3",
                             "error"]
    assert (read[0]["path"], read[0]["true_class"]) == ("cat/ä.png", "cat")
    assert [read[0][f"label_{k}"] for k in (1, 2, 3)] == ["cat", "Ärger", "dog"]
    assert [float(read[0][f"prob_{k}"]) for k in (1, 2, 3)] == [0.7, 0.2, 0.1]
    assert read[1]["error"] == "damaged" and read[1]["label_1"] == "" and read[1]["true_class"] == ""
    assert prediction_rows(results, ["a", "b"], 1)[0] == ["path", "label_1", "prob_1", "error"]  # unlabelled: no column
