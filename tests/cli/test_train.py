"""``cnn-studio train``: the JSON-lines contract, resume, config files and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cnn_studio.cli import main
from cnn_studio.cli.train import schedule_change_note
from cnn_studio.core.data.scan import scan_image_folder
from tests.core.datafiles import make_split_dirs
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


def test_single_class_warns_and_cli_train_refuses(tmp_path, capsys):
    root = make_split_dirs(tmp_path / "ds", classes=("x",), train=4, test=2)
    report = scan_image_folder(root, check_images=False)
    assert "Only one class ('x'): a classifier needs at least two; add another class folder." in report.warnings
    code = main(["train", "--data", str(root), "--model", "simple_cnn", "--epochs", "1", "--device", "cpu",
                 "--image-size", "8", "--workers", "0", "--out", str(tmp_path / "run"), "--json"])
    err = capsys.readouterr().err
    assert code == 2 and "only one class ('x')" in err and "Traceback" not in err


def test_cli_train_prints_dataset_notes_on_stderr_only(tmp_path, capsys):
    data = make_color_dataset(tmp_path / "data", {"train": 10, "test": 3})
    (data / "train" / "red" / "broken.png").write_bytes(b"not a png")
    (data / "train" / "red" / "notes.txt").write_text("hello")
    code = main(["train", "--data", str(data), "--model", "simple_cnn", "--epochs", "1", "--device", "cpu",
                 "--image-size", "16", "--batch-size", "16", "--workers", "0", "--out", str(tmp_path / "r"),
                 "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert all(json.loads(line)["event"] in ("epoch", "result") for line in captured.out.splitlines())
    assert "warning: 1 file(s) could not be used" in captured.err
    assert "unusable: " in captured.err and "broken.png" in captured.err
    assert "1 non-image file(s)" in captured.err


def test_schedule_change_note():
    note = schedule_change_note(30, 6, "step")
    assert note.startswith("note:") and "schedule (step) now spans 6 epochs" in note and "\n" not in note
    assert "constant" in schedule_change_note(30, 6, "constant")


def test_train_help_documents_resume_epochs(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "schedule" in out and "spans N epochs" in out


def test_resume_with_new_epochs_prints_the_note(tmp_path, capsys):
    data = make_color_dataset(tmp_path / "data", {"train": 8, "val": 2})
    run = tmp_path / "run"
    assert main(["train", "--data", str(data), "--model", "simple_cnn", "--epochs", "1", "--device", "cpu",
                 "--image-size", "16", "--workers", "0", "--schedule", "cosine", "--out", str(run), "--json"]) == 0
    capsys.readouterr()
    assert main(["train", "--resume", str(run), "--epochs", "2", "--json"]) == 0
    err = capsys.readouterr().err
    assert "planned for 1 epochs" in err and "now spans 2 epochs" in err
    assert Path(run / "summary.json").is_file()


def test_short_step_schedule_prints_a_warning(data_root, tmp_path, capsys):
    code = main(["train", "--data", str(data_root), "--model", "simple_cnn", "--epochs", "1", "--schedule", "step",
                 "--out", str(tmp_path / "r"), "--json", *FAST])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "warning: With 1 epoch the step schedule" in captured.err and "inside the first epoch" in captured.err
