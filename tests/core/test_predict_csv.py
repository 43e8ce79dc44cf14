"""``cnn-studio predict --csv``: top-k with probabilities, paths relative to the folder, UTF-8 BOM; exit codes."""

from __future__ import annotations

import csv
import io

import numpy as np
from PIL import Image

from cnn_studio.cli import main as cli_main
from cnn_studio.core.inference import ClassProbability, Prediction, PredictionError
from cnn_studio.core.predictions_csv import prediction_rows, relative_names, write_predictions_csv
from tests.core.test_inference import CLASSES, checkpoint  # noqa: F401 - the module-scoped fixture


def _folder(tmp_path):
    folder = tmp_path / "fotos"
    (folder / "kätzchen").mkdir(parents=True)
    rng = np.random.default_rng(1)
    paths = [folder / "a.png", folder / "kätzchen" / "b.png"]
    for p in paths:
        Image.fromarray(rng.integers(0, 255, (20, 20, 3), dtype=np.uint8)).save(p)
    return folder, paths


def _read(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_cli_csv_has_topk_and_relative_paths_and_exit_0(checkpoint, tmp_path, capsys):  # noqa: F811
    folder, _ = _folder(tmp_path)
    out = tmp_path / "out" / "predictions.csv"
    assert cli_main(["predict", "--checkpoint", str(checkpoint), str(folder), "--topk", "2", "--csv", str(out)]) == 0
    assert "could not be classified" not in capsys.readouterr().err
    rows = _read(out)
    assert rows[0] == ["path", "label_1", "prob_1", "label_2", "prob_2", "error"]
    assert [r[0] for r in rows[1:]] == ["a.png", "kätzchen/b.png"]
    for row in rows[1:]:
        assert row[1] in CLASSES and row[3] in CLASSES and row[1] != row[3]
        assert 1.0 >= float(row[2]) >= float(row[4]) >= 0.0 and row[5] == ""


def test_cli_counts_failures_exits_1_and_still_writes_every_row(checkpoint, tmp_path, capsys):  # noqa: F811
    folder, _ = _folder(tmp_path)
    (folder / "broken.jpg").write_text("not a jpeg")
    out = tmp_path / "p.csv"
    code = cli_main(["predict", "--checkpoint", str(checkpoint), str(folder), "--topk", "1", "--csv", str(out)])
    assert code == 1
    assert "1 of 3 files could not be classified" in capsys.readouterr().err
    rows = _read(out)
    broken = [r for r in rows if r[0] == "broken.jpg"]
    assert len(rows) == 4 and broken and broken[0][1:3] == ["", ""] and broken[0][3]


def test_relative_names_for_several_inputs(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    (a / "x").mkdir(parents=True)
    b.mkdir()
    single = tmp_path / "single.png"
    paths = [str(a / "x" / "1.png"), str(b / "1.png"), str(single)]
    assert relative_names(paths[:1], [a]) == ["x/1.png"]
    assert relative_names(paths, [a, b, single]) == ["a/x/1.png", "b/1.png", single.as_posix()]


def test_rows_pad_short_topk_and_write_atomically(tmp_path):
    top = (ClassProbability("ü", 0, 0.75), ClassProbability("b", 1, 0.25))
    rows = prediction_rows([Prediction("p1", top[:1]), PredictionError("p2", "file not found")], ["p1", "p2"], 2)
    assert rows[1] == ["p1", "ü", "0.750000", "", "", ""]
    assert rows[2] == ["p2", "", "", "", "", "file not found"]
    target = tmp_path / "t.csv"
    write_predictions_csv(target, [Prediction("p1", top)], ["p1"], 2)
    assert _read(target)[1] == ["p1", "ü", "0.750000", "b", "0.250000", ""]
    assert target.read_bytes().count(b"\r\n") == 2 and b"\r\r" not in target.read_bytes()
