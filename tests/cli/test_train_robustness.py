"""``cnn-studio train`` never reports a broken run as a success (issue 12 items 2, 4, 5, 6)."""

from __future__ import annotations

import errno
import json
import shutil
from pathlib import Path

import pytest
import torch

from cnn_studio.cli import main
from cnn_studio.core import runs
from cnn_studio.core.checkpoint import first_nonfinite, load_checkpoint
from tests.core.training_fixtures import make_color_dataset, tiny_config

FAST = ["--image-size", "16", "--batch-size", "16", "--device", "cpu", "--workers", "0"]


@pytest.fixture(scope="module")
def data_root(tmp_path_factory):
    return make_color_dataset(tmp_path_factory.mktemp("colors"), {"train": 16, "val": 4, "test": 4})


def _strict(text: str) -> object:
    return json.loads(text, parse_constant=lambda name: pytest.fail(f"bare {name} in JSON"))


def _one_error_line(err: str) -> str:
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err


def _run(tmp_path: Path, data_root: Path, epochs: int = 2, **top) -> Path:
    out = tmp_path / "run"
    config = tmp_path / "run.json"
    tiny_config(data_root, out, epochs=epochs, **top).save(config)
    assert main(["train", "--config", str(config), "--json"]) == 0
    return out


def test_diverged_run_fails_with_advice_and_strict_files(data_root, tmp_path, capsys):
    out = tmp_path / "r"
    code = main(["train", "--data", str(data_root), "--model", "resnet20", "--optimizer", "sgd", "--lr", "99",
                 "--schedule", "constant", "--epochs", "3", "--out", str(out), "--json", *FAST])
    captured = capsys.readouterr()
    assert code == 1, captured.err
    final = _strict(captured.out.strip().splitlines()[-1])
    assert final["status"] == "failed"
    assert "diverged" in final["message"] or "NaN or infinite" in final["message"]  # whichever shows first
    assert "lower it" in final["message"] and "warm-up" in final["message"]
    assert _strict((out / runs.SUMMARY_FILE).read_text())["status"] == "failed"
    metrics = out / runs.METRICS_FILE  # absent when the run diverged before its first logged step
    for line in (metrics.read_text().splitlines() if metrics.exists() else []):
        _strict(line)
    for name in (runs.LAST_CHECKPOINT, runs.BEST_CHECKPOINT):
        if (out / name).exists():
            assert first_nonfinite(load_checkpoint(out / name)["model_state"]) is None


def test_resume_with_fewer_epochs_than_done_is_refused(data_root, tmp_path, capsys):
    out = _run(tmp_path, data_root, epochs=3)
    capsys.readouterr()
    before = (out / runs.CONFIG_FILE).read_text()
    assert main(["train", "--resume", str(out), "--epochs", "2"]) == 2
    err = _one_error_line(capsys.readouterr().err)
    assert "already completed 3 epochs" in err and "at least 3" in err
    assert (out / runs.CONFIG_FILE).read_text() == before


def test_foreign_last_pt_is_refused(data_root, tmp_path, capsys):
    out = _run(tmp_path, data_root, epochs=1)
    other_data = make_color_dataset(tmp_path / "other", {"train": 8})
    other = tmp_path / "other_run"
    config = tmp_path / "other.json"
    tiny_config(other_data, other, epochs=1).save(config)
    assert main(["train", "--config", str(config), "--json"]) == 0
    shutil.copy(other / runs.LAST_CHECKPOINT, out / runs.LAST_CHECKPOINT)
    capsys.readouterr()
    assert main(["train", "--resume", str(out), "--epochs", "3"]) == 2
    assert "belongs to another run" in _one_error_line(capsys.readouterr().err)
    assert main(["train", "--resume", str(out)]) == 2
    assert "dataset folder" in _one_error_line(capsys.readouterr().err)


def test_run_folder_without_checkpoint_restarts_from_its_config(data_root, tmp_path, capsys):
    out = tmp_path / "run"
    out.mkdir()
    tiny_config(data_root, out, epochs=2).save(out / runs.CONFIG_FILE)  # killed before its first last.pt
    assert main(["train", "--resume", str(out), "--json"]) == 0, capsys.readouterr().err
    final = _strict(capsys.readouterr().out.strip().splitlines()[-1])
    assert final["status"] == "completed" and final["epochs"] == 2 and final["run_dir"] == str(out)


@pytest.mark.parametrize("argv, fragment", [
    (["--seed", "99999999999999999999999"], "Seed"),
    (["--epochs", str(10**30)], "Epochs"),
    (["--workers", "-1"], "workers"),
])
def test_bad_numbers_on_the_command_line(data_root, tmp_path, capsys, argv, fragment):
    code = main(["train", "--data", str(data_root), "--model", "simple_cnn", "--out", str(tmp_path / "r"), *argv])
    assert code == 2 and fragment in _one_error_line(capsys.readouterr().err)
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("text", [b'{"optim": {"milestones": "half"}}', b'{"model": {"options": [1]}}',
                                  b'{"epochs": 3, "version": 99}', b'{"model": {"name": "caf\xe9"}}'])
def test_bad_config_files(tmp_path, capsys, text):
    path = tmp_path / "bad.json"
    path.write_bytes(text)
    assert main(["train", "--config", str(path)]) == 2
    _one_error_line(capsys.readouterr().err)


def test_read_only_output_folder_before_training(data_root, tmp_path, capsys, monkeypatch):
    blocked = tmp_path / "ro"
    real_mkdir = Path.mkdir

    def mkdir(self, *a, **k):
        if str(self).startswith(str(blocked)):
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        return real_mkdir(self, *a, **k)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    code = main(["train", "--data", str(data_root), "--model", "simple_cnn", "--out", str(blocked / "run"), *FAST])
    err = _one_error_line(capsys.readouterr().err)
    assert code == 2 and "read-only" in err and str(blocked) in err


def test_disk_full_during_training_keeps_metrics_and_good_checkpoints(data_root, tmp_path, capsys, monkeypatch):
    from cnn_studio.core import atomic

    out = tmp_path / "run"
    config = tmp_path / "run.json"
    tiny_config(data_root, out, epochs=3).save(config)
    real_save = torch.save

    def save(obj, handle, *a, **k):
        if ".last.pt." in getattr(handle, "name", "") and obj.get("epoch") == 2:  # the disk fills at epoch 2
            handle.write(b"partial")
            raise RuntimeError("[enforce fail at inline_container.cc:672] . unexpected pos 9000 vs 8900")
        return real_save(obj, handle, *a, **k)

    monkeypatch.setattr(torch, "save", save)
    monkeypatch.setattr(atomic, "_nearly_full", lambda folder: True)
    code = main(["train", "--config", str(config), "--json"])
    captured = capsys.readouterr()
    assert code == 1, captured.err
    final = _strict(captured.out.strip().splitlines()[-1])
    assert final["status"] == "failed" and "no space is left" in final["message"] and str(out) in final["message"]
    assert "enforce fail" not in captured.err and "Traceback" not in captured.err
    assert [r["epoch"] for r in runs.read_metrics(out, kind="epoch")] == [1, 2]  # the epoch's row is kept
    assert load_checkpoint(out / runs.LAST_CHECKPOINT)["epoch"] == 1  # the last good one
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []  # no temporary file
    assert _strict((out / runs.SUMMARY_FILE).read_text())["status"] == "failed"
    assert runs.run_info(out).status == "failed"
