"""Checkpoints: atomic writes, safe loads (no pickle code execution), clear errors."""

import pickle

import pytest
import torch
from torch import nn

from cnn_studio.core import checkpoint as ck
from cnn_studio.core.errors import CheckpointError


def _ckpt(model=None, **extra):
    model = model or nn.Linear(4, 3)
    return ck.make_checkpoint(model_name="linear", num_classes=3, class_names=["a", "b", "c"],
                              model_state=model.state_dict(), image_size=16, input_size=16,
                              mean=[0.5] * 3, std=[0.25] * 3, **extra)


def test_round_trip_keeps_weights_and_rng(tmp_path):
    model = nn.Linear(4, 3)
    rng = ck.capture_rng_state()
    path = ck.save_checkpoint(_ckpt(model, rng_state=rng, epoch=2, config={"epochs": 3}), tmp_path / "a.pt")
    loaded = ck.load_checkpoint(path)
    assert loaded["format"] == ck.FORMAT and loaded["epoch"] == 2 and loaded["config"] == {"epochs": 3}
    assert torch.equal(loaded["model_state"]["weight"], model.weight.detach())
    expected = torch.rand(5)
    ck.restore_rng_state(loaded["rng_state"])
    # the state captured before torch.rand(5) gives the same numbers again
    assert torch.equal(torch.rand(5), expected)
    other = nn.Linear(4, 3)
    ck.load_model_state(other, loaded)
    assert torch.equal(other.weight, model.weight)


def test_failure_mid_write_keeps_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "last.pt"
    ck.save_checkpoint(_ckpt(epoch=1), path)
    before = path.read_bytes()
    real_save = torch.save

    def failing_save(obj, handle, *a, **k):
        real_save(obj, handle, *a, **k)
        handle.seek(0)
        handle.truncate(100)  # half-written file on disk, then the "crash"
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", failing_save)
    with pytest.raises(OSError):
        ck.save_checkpoint(_ckpt(epoch=2), path)
    monkeypatch.setattr(torch, "save", real_save)
    assert path.read_bytes() == before
    assert ck.load_checkpoint(path)["epoch"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["last.pt"]  # no temp file left


class _Payload:
    """Unpickling this calls open(path, 'w'): a file appears if code runs."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_pickle_payload_is_refused_and_never_runs(tmp_path):
    marker = tmp_path / "pwned.txt"
    evil = _ckpt()
    evil["extra"] = _Payload(str(marker))
    path = tmp_path / "evil.pt"
    torch.save(evil, path)  # plain torch.save pickles the payload object
    assert not marker.exists()
    with pytest.raises(CheckpointError, match="pickled objects"):
        ck.load_checkpoint(path)
    assert not marker.exists()
    raw = tmp_path / "raw.pkl"
    raw.write_bytes(pickle.dumps(_Payload(str(marker))))
    with pytest.raises(CheckpointError):
        ck.load_checkpoint(raw)
    assert not marker.exists()


def test_truncated_and_foreign_files(tmp_path):
    good = ck.save_checkpoint(_ckpt(), tmp_path / "good.pt")
    truncated = tmp_path / "trunc.pt"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(CheckpointError, match="truncated or damaged"):
        ck.load_checkpoint(truncated)
    plain = tmp_path / "plain.pt"
    torch.save({"weight": torch.zeros(2)}, plain)
    with pytest.raises(CheckpointError, match="not a CNN Studio checkpoint"):
        ck.load_checkpoint(plain)
    text = tmp_path / "notes.pt"
    text.write_text("hello")
    with pytest.raises(CheckpointError):
        ck.load_checkpoint(text)
    with pytest.raises(CheckpointError, match="does not exist"):
        ck.load_checkpoint(tmp_path / "missing.pt")
    newer = _ckpt()
    newer["format_version"] = 99
    torch.save(newer, tmp_path / "newer.pt")
    with pytest.raises(CheckpointError, match="newer"):
        ck.load_checkpoint(tmp_path / "newer.pt")


def test_wrong_architecture_and_class_count(tmp_path):
    loaded = ck.load_checkpoint(ck.save_checkpoint(_ckpt(nn.Linear(4, 3)), tmp_path / "a.pt"))
    with pytest.raises(CheckpointError, match="does not fit this model"):
        ck.load_model_state(nn.Linear(4, 5), loaded)
    with pytest.raises(CheckpointError, match="does not fit this model"):
        ck.load_model_state(nn.Sequential(nn.Linear(4, 3)), loaded)
    with pytest.raises(CheckpointError, match="belongs to model 'linear'"):
        ck.check_compatible(loaded, model_name="resnet20")
    with pytest.raises(CheckpointError, match="3 classes"):
        ck.check_compatible(loaded, num_classes=10)
    ck.check_compatible(loaded, model_name="linear", num_classes=3)
