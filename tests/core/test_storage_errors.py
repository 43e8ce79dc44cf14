"""Full disks and read-only folders: one sentence naming the folder and the cause; good files kept.

The failures are injected (no tiny file system without root): errno ENOSPC / EROFS / EACCES from
the OS, and the ``RuntimeError`` torch.save raises when the disk fills mid-file (issue 12 item 5).
"""

from __future__ import annotations

import errno
import json
import os
from types import SimpleNamespace

import pytest
import torch

from cnn_studio.core import atomic, checkpoint as ck, runs
from cnn_studio.core.config import TrainConfig
from cnn_studio.core.errors import StorageError, UserError


def _ckpt(epoch: int, value: float = 1.0) -> dict:
    return ck.make_checkpoint(model_name="m", num_classes=2, class_names=["a", "b"],
                              model_state={"w": torch.full((2, 2), value), "bn.running_var": torch.ones(2)},
                              epoch=epoch)


def _fail_fsync(monkeypatch, code: int) -> None:
    def fsync(fd):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(atomic.os, "fsync", fsync)


@pytest.mark.parametrize("code, cause", [(errno.ENOSPC, "no space is left"), (errno.EROFS, "read-only"),
                                         (errno.EACCES, "not writable")])
def test_json_write_failure_is_one_sentence_and_keeps_the_old_file(tmp_path, monkeypatch, code, cause):
    target = tmp_path / "summary.json"
    runs.write_json_atomic(target, {"status": "completed"})
    _fail_fsync(monkeypatch, code)
    with pytest.raises(StorageError) as err:
        runs.write_json_atomic(target, {"status": "failed"})
    message = str(err.value)
    assert isinstance(err.value, UserError) and isinstance(err.value, OSError)
    assert str(tmp_path) in message and cause in message and "\n" not in message
    assert json.loads(target.read_text()) == {"status": "completed"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.json"]


def test_torch_full_disk_error_becomes_one_sentence(tmp_path, monkeypatch):
    path = tmp_path / "best.pt"
    ck.save_checkpoint(_ckpt(1), path)

    def full_disk_save(obj, handle, *a, **k):
        handle.write(b"partial")
        raise RuntimeError("[enforce fail at inline_container.cc:672] . unexpected pos 4800 vs 4736")

    monkeypatch.setattr(torch, "save", full_disk_save)
    monkeypatch.setattr(atomic.shutil, "disk_usage", lambda p: SimpleNamespace(total=1, used=1, free=0))
    with pytest.raises(StorageError) as err:
        ck.save_checkpoint(_ckpt(2), path)
    assert "no space is left" in str(err.value) and str(tmp_path) in str(err.value)
    assert "enforce fail" not in str(err.value)
    monkeypatch.undo()
    assert ck.load_checkpoint(path)["epoch"] == 1


def test_other_runtime_errors_of_torch_save_are_not_disguised(tmp_path, monkeypatch):
    monkeypatch.setattr(torch, "save", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("a bug")))
    with pytest.raises(RuntimeError, match="a bug"):
        ck.save_checkpoint(_ckpt(1), tmp_path / "x.pt")


def test_metrics_append_and_config_save_name_the_folder(tmp_path, monkeypatch):
    missing = tmp_path / "gone"
    with pytest.raises(StorageError, match="does not exist"):
        runs.append_metrics(missing, {"kind": "epoch", "epoch": 1})
    _fail_fsync(monkeypatch, errno.EROFS)
    with pytest.raises(StorageError) as err:
        TrainConfig().save(tmp_path / "config.json")
    assert "read-only" in str(err.value) and str(tmp_path) in str(err.value)


def test_non_finite_weights_never_replace_a_good_checkpoint(tmp_path):
    path = tmp_path / "last.pt"
    ck.save_checkpoint(_ckpt(1), path)
    bad = _ckpt(2)
    bad["model_state"]["bn.running_var"] = torch.tensor([1.0, float("inf")])
    with pytest.raises(ck.NonFiniteWeights, match="bn.running_var"):
        ck.save_checkpoint(bad, path)
    assert ck.load_checkpoint(path)["epoch"] == 1
    assert ck.first_nonfinite(_ckpt(3, float("nan"))["model_state"]) == "w"
    ck.save_checkpoint(bad, tmp_path / "debug.pt", allow_nonfinite=True)  # on purpose only


def test_run_json_files_are_strict(tmp_path):
    runs.write_json_atomic(tmp_path / "summary.json", {"loss": float("nan"), "h": [{"x": float("inf")}]})
    runs.append_metrics(tmp_path, {"kind": "epoch", "epoch": 1, "train_loss": float("-inf")})
    runs.append_metrics(tmp_path, {"kind": "epoch", "epoch": 2, "train_loss": 0.5})
    runs.truncate_metrics_after(tmp_path, 2)

    def refuse(name):
        raise AssertionError(f"non-strict constant {name}")

    assert json.loads((tmp_path / "summary.json").read_text(), parse_constant=refuse) == {"loss": None,
                                                                                         "h": [{"x": None}]}
    lines = (tmp_path / "metrics.jsonl").read_text().splitlines()
    assert [json.loads(line, parse_constant=refuse)["train_loss"] for line in lines] == [None, 0.5]
