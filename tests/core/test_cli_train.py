"""``cnn-studio train``: the JSON-lines contract, resume, config files and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cnn_studio.cli import main
from tests.core.training_fixtures import make_color_dataset, tiny_config

REQUIRED = {"status", "test_accuracy", "best_val_accuracy", "epochs", "run_dir", "best_checkpoint"}
FAST = ["--image-size", "16", "--batch-size", "16", "--device", "cpu", "--workers", "0"]


@pytest.fixture(scope="module")
def data_root(tmp_path_factory):
    return make_color_dataset(tmp_path_factory.mktemp("colors"), {"train": 16, "test": 6})


def _json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_json_lines_contract_and_resume(data_root, tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["train", "--data", str(data_root), "--model", "simple_cnn", "--epochs", "2", "--lr", "0.003",
                 "--out", str(out), "--json", *FAST])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    lines = _json_lines(captured.out)
    assert [line["event"] for line in lines] == ["epoch", "epoch", "result"]
    assert [line["epoch"] for line in lines[:2]] == [1, 2]
    final = lines[-1]
    assert REQUIRED <= set(final)
    assert final["status"] == "completed" and final["epochs"] == 2 and final["run_dir"] == str(out)
    # No val/ folder: a validation split is carved from train (the test split no longer picks best.pt).
    assert final["heldout_name"] == "val"
    assert Path(final["best_checkpoint"]).is_file() and 0 <= final["test_accuracy"] <= 1
    config = json.loads((out / "config.json").read_text())
    assert config["model"]["name"] == "simple_cnn" and config["optim"]["lr"] == 0.003

    code = main(["train", "--resume", str(out), "--epochs", "3", "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    lines = _json_lines(captured.out)
    assert [line["event"] for line in lines] == ["epoch", "result"] and lines[0]["epoch"] == 3
    assert lines[-1]["epochs"] == 3 and lines[-1]["run_dir"] == str(out)


def test_config_file_with_overrides(data_root, tmp_path, capsys):
    path = tmp_path / "run.json"
    tiny_config(data_root).save(path)
    code = main(["train", "--config", str(path), "--epochs", "1", "--out", str(tmp_path / "r"), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    final = _json_lines(captured.out)[-1]
    assert final["epochs"] == 1 and final["status"] == "completed"
    saved = json.loads((tmp_path / "r" / "config.json").read_text())
    assert saved["epochs"] == 1 and saved["model"]["options"]["widths"] == [8, 16, 16]


@pytest.mark.parametrize("argv, fragment", [
    (["--model", "simple_cnn"], "Give --data"),
    (["--data", "{missing}", "--model", "simple_cnn"], ""),
    (["--data", "{data}", "--model", "no_such_model"], "no_such_model"),
    (["--data", "{data}", "--model", "simple_cnn", "--epochs", "0"], "Epochs"),
    (["--resume", "{missing}"], "does not exist"),
    (["--resume", "{data}", "--lr", "0.1"], "only --epochs and --device"),
])
def test_user_errors_exit_2_with_one_sentence(data_root, tmp_path, capsys, argv, fragment):
    argv = [a.format(missing=tmp_path / "nope", data=data_root) for a in argv]
    code = main(["train", *argv, "--json"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1 and fragment in err
    assert "Traceback" not in err


def test_nan_run_exits_1_with_advice(data_root, tmp_path, capsys):
    code = main(["train", "--data", str(data_root), "--model", "simple_cnn", "--epochs", "2", "--optimizer", "sgd",
                 "--lr", "90", "--schedule", "constant", "--out", str(tmp_path / "r"), "--json", *FAST])
    captured = capsys.readouterr()
    assert code == 1
    final = _json_lines(captured.out)[-1]
    assert final["status"] == "failed" and "learning rate" in final["message"]
    assert "learning rate" in captured.err


def test_entry_point_exit_code_in_a_subprocess(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "cnn_studio", "train", "--data", str(tmp_path / "none"),
                           "--model", "simple_cnn", "--json"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr
