"""Reopening a cached dataset at once (verify="background"): checked behind, re-decoded before training."""

from __future__ import annotations

import os
import threading

import pytest
import torch

from cnn_studio.core.config import DataConfig
from cnn_studio.core.data import cache as cache_mod
from cnn_studio.core.data import dataset as dataset_mod
from cnn_studio.core.data.dataset import open_dataset
from cnn_studio.core.errors import Cancelled
from cnn_studio.core.training.callbacks import Callback
from cnn_studio.core.training.engine import train
from cnn_studio.core.training.events import RunStarted
from tests.core.datafiles import count_decodes, make_split_dirs, write_png
from tests.core.training_fixtures import make_color_dataset, tiny_config


@pytest.fixture()
def root(tmp_path):
    return make_split_dirs(tmp_path / "ds", classes=("cat", "dog"), train=5, test=2)


@pytest.fixture()
def decodes(monkeypatch):
    return count_decodes(monkeypatch)


def _edit_in_place(path, colour):
    """Rewrite a file under the same name (its folder's mtime stays) with a later mtime."""
    folder = path.parent
    folder_times = folder.stat()
    write_png(path, colour=colour)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    os.utime(folder, ns=(folder_times.st_atime_ns, folder_times.st_mtime_ns))


def test_unchanged_folder_reopens_from_cache_and_checks_clean(root, decodes):
    first = open_dataset(DataConfig(root=str(root)), verify="background")  # no cache yet: decoded
    assert not first.from_cache and first.verification is None and decodes == [14]
    progress = []
    again = open_dataset(DataConfig(root=str(root)), verify="background", progress=lambda d, t: progress.append((d, t)))
    assert again.from_cache and decodes == [14] and progress == [(14, 14)]
    assert again.verification is not None and again.verification.result(timeout=30) is None
    assert again.ensure_current() is again and again.verification is None
    for name in ("train", "test"):
        assert torch.equal(first.splits[name].images, again.splits[name].images)
        assert first.splits[name].paths == again.splits[name].paths
    assert again.report.to_json_dict() == first.report.to_json_dict()


def test_file_edited_in_place_is_found_behind_and_decoded_again(root, decodes):
    open_dataset(DataConfig(root=str(root)))
    _edit_in_place(root / "train" / "cat" / "cat_0.png", (1, 2, 3))
    stale = open_dataset(DataConfig(root=str(root)), verify="background")
    assert stale.from_cache and decodes == [14]  # opened at once, from the cache
    warning = stale.verification.result(timeout=30)
    assert "changed since it was cached" in warning
    fresh = stale.ensure_current()
    assert fresh is not stale and not fresh.from_cache and decodes == [14, 14]
    assert fresh.splits["train"].images[0, :, 0, 0].tolist() == [1, 2, 3]
    assert fresh.report.warnings[0] == warning
    assert stale.ensure_current() is fresh and decodes == [14, 14]  # decoded once
    assert open_dataset(DataConfig(root=str(root)), verify="background").from_cache  # the new cache


def test_added_file_or_other_settings_skip_the_cache_at_once(root, decodes):
    open_dataset(DataConfig(root=str(root)))
    write_png(root / "test" / "dog" / "new.png", seed=99)  # the folder's mtime changes
    added = open_dataset(DataConfig(root=str(root)), verify="background")
    assert not added.from_cache and added.verification is None and len(added.splits["test"]) == 5
    resized = open_dataset(DataConfig(root=str(root), image_size=16), verify="background")
    assert not resized.from_cache and resized.image_size == 16 and len(decodes) == 3


def test_damaged_cache_data_is_found_behind(root, decodes):
    first = open_dataset(DataConfig(root=str(root)))
    data = bytearray(open(first.cache_path, "rb").read())
    data[-5] ^= 0xFF
    open(first.cache_path, "wb").write(bytes(data))
    reopened = open_dataset(DataConfig(root=str(root)), verify="background")
    assert reopened.from_cache
    assert "damaged" in reopened.verification.result(timeout=30)
    fresh = reopened.ensure_current()
    assert torch.equal(fresh.splits["train"].images, first.splits["train"].images) and len(decodes) == 2


def test_waiting_for_the_check_can_be_cancelled(root, monkeypatch):
    open_dataset(DataConfig(root=str(root)))
    release = threading.Event()
    real = dataset_mod._check_cache
    monkeypatch.setattr(dataset_mod, "_check_cache", lambda *a: (release.wait(30), real(*a))[1])
    reopened = open_dataset(DataConfig(root=str(root)), verify="background")
    with pytest.raises(Cancelled):
        reopened.ensure_current(cancel=lambda: True)
    release.set()
    assert reopened.ensure_current() is reopened


def test_bad_verify_value_is_refused(root):
    with pytest.raises(ValueError):
        open_dataset(DataConfig(root=str(root)), verify="later")


def test_training_waits_for_the_check_and_uses_the_redecoded_data(tmp_path):
    data = make_color_dataset(tmp_path / "colors", {"train": 12, "val": 4, "test": 4})
    cfg = tiny_config(data, tmp_path / "run", epochs=1)
    open_dataset(cfg.data)
    _edit_in_place(data / "train" / "red" / "red_0.png", (0, 0, 250))
    stale = open_dataset(cfg.data, verify="background")
    assert stale.from_cache
    started = []

    class Recorder(Callback):
        def on_event(self, event) -> None:
            if isinstance(event, RunStarted):
                started.append(event)

    result = train(cfg, dataset=stale, callbacks=[Recorder()])
    assert result.status == "completed"
    assert any("changed since it was cached" in w for w in started[0].data_warnings)
    train_split = stale.ensure_current().splits["train"]
    row = [os.path.basename(p) for p in train_split.paths].index("red_0.png")
    assert train_split.images[row, :, 0, 0].tolist() == [0, 0, 250]
    assert len(list(cache_mod.cache_dir_for(None).glob("*.cnnds"))) == 1
