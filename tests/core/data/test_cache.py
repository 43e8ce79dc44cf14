"""open_dataset and its on-disk cache: hit, miss on change, corrupt/stale rebuilt, processes."""

from __future__ import annotations

import os

import pytest
import torch

from cnn_studio.core.config import DataConfig
from cnn_studio.core.data import cache as cache_mod
from cnn_studio.core.data.dataset import open_dataset
from cnn_studio.core.data.decode import decode_image
from cnn_studio.core.errors import Cancelled, DatasetError
from tests.core.datafiles import count_decodes, make_split_dirs, write_png


@pytest.fixture()
def root(tmp_path):
    return make_split_dirs(tmp_path / "ds", classes=("cat", "dog"), train=5, test=2)


def test_open_decodes_then_hits_cache(root, monkeypatch):
    calls = count_decodes(monkeypatch)
    first = open_dataset(DataConfig(root=str(root)))
    assert not first.from_cache and calls == [14]
    assert first.splits["train"].images.shape == (10, 3, 8, 8)
    assert first.splits["train"].images.dtype == torch.uint8
    path = first.splits["train"].paths[3]
    assert torch.equal(first.splits["train"].images[3], torch.from_numpy(decode_image(path, 8)))
    assert first.splits["train"].labels.tolist() == [0] * 5 + [1] * 5
    cache_files = list(cache_mod.cache_dir_for(None).glob("*.cnnds"))
    assert len(cache_files) == 1
    second = open_dataset(DataConfig(root=str(root)))
    assert second.from_cache and calls == [14]
    for name in ("train", "test"):
        assert torch.equal(first.splits[name].images, second.splits[name].images)
        assert first.splits[name].paths == second.splits[name].paths
        assert torch.equal(first.splits[name].labels, second.splits[name].labels)
    assert second.mean == pytest.approx(first.mean) and second.classes == first.classes
    assert second.report.to_json_dict() == first.report.to_json_dict()


def test_changed_folder_is_decoded_again(root, monkeypatch):
    calls = count_decodes(monkeypatch)
    open_dataset(DataConfig(root=str(root)))
    target = root / "train" / "cat" / "cat_0.png"
    write_png(target, colour=(1, 2, 3))
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    changed = open_dataset(DataConfig(root=str(root)))
    assert not changed.from_cache and len(calls) == 2
    assert changed.splits["train"].images[0, :, 0, 0].tolist() == [1, 2, 3]
    write_png(root / "test" / "dog" / "new.png", seed=99)
    added = open_dataset(DataConfig(root=str(root)))
    assert not added.from_cache and len(added.splits["test"]) == 5
    assert len(list(cache_mod.cache_dir_for(None).glob("*.cnnds"))) == 1  # old caches removed
    assert open_dataset(DataConfig(root=str(root))).from_cache
    other_size = open_dataset(DataConfig(root=str(root), image_size=16))
    assert not other_size.from_cache and other_size.image_size == 16


@pytest.mark.parametrize("damage", ["flip_data", "truncate", "garbage", "flip_meta"])
def test_corrupt_cache_is_rebuilt(root, damage):
    first = open_dataset(DataConfig(root=str(root)))
    path = first.cache_path
    data = bytearray(open(path, "rb").read())
    if damage == "flip_data":
        data[-5] ^= 0xFF
    elif damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "garbage":
        data = bytearray(b"not a cache at all")
    else:
        data[40] ^= 0x01
    open(path, "wb").write(bytes(data))
    again = open_dataset(DataConfig(root=str(root)))
    assert not again.from_cache
    assert torch.equal(again.splits["train"].images, first.splits["train"].images)
    assert open_dataset(DataConfig(root=str(root))).from_cache


def test_stale_key_inside_file_is_not_trusted(root):
    first = open_dataset(DataConfig(root=str(root)))
    assert cache_mod.read_cache(cache_mod.Path(first.cache_path), "some-other-key") is None
    assert not os.path.exists(first.cache_path)


def test_cache_dir_from_config_and_env(root, tmp_path, monkeypatch):
    mine = tmp_path / "mycache"
    ds = open_dataset(DataConfig(root=str(root), cache_dir=str(mine)))
    assert ds.cache_path.startswith(str(mine))
    env = tmp_path / "envcache"
    monkeypatch.setenv("CNN_STUDIO_CACHE_DIR", str(env))
    ds2 = open_dataset(DataConfig(root=str(root)))
    assert ds2.cache_path.startswith(str(env))


def test_decoding_in_worker_processes_matches_in_process(root):
    a = open_dataset(DataConfig(root=str(root), cache_dir=str(root.parent / "c1")), in_process_below=10**9)
    progress = []
    b = open_dataset(DataConfig(root=str(root), cache_dir=str(root.parent / "c2")), workers=2,
                     in_process_below=0, progress=lambda d, t: progress.append((d, t)))
    assert torch.equal(a.splits["train"].images, b.splits["train"].images)
    assert progress[0] == (0, 14) and progress[-1] == (14, 14)


def test_bad_files_excluded_and_all_bad_is_an_error(root, tmp_path):
    (root / "train" / "cat" / "zz_empty.png").write_bytes(b"")
    ds = open_dataset(DataConfig(root=str(root), validation="test"))  # all of train stays in train
    assert len(ds.splits["train"]) == 10
    assert [p.reason for p in ds.report.problems] == ["empty file"]
    assert all("zz_empty" not in p for p in ds.splits["train"].paths)
    bad = tmp_path / "bad"
    (bad / "a").mkdir(parents=True)
    (bad / "a" / "x.png").write_text("nope")
    with pytest.raises(DatasetError):
        open_dataset(DataConfig(root=str(bad)))


def test_streaming_when_over_memory_budget(tmp_path):
    root = make_split_dirs(tmp_path / "ds", classes=("a", "b"), train=3, test=1, size=(700, 600))
    ds = open_dataset(DataConfig(root=str(root), memory_budget_mb=1))
    assert ds.streaming and ds.image_size == 256  # automatic size is capped
    assert ds.splits["train"].images is None and len(ds.splits["train"]) == 6
    assert all(0.3 < m < 0.7 for m in ds.mean)
    again = open_dataset(DataConfig(root=str(root), memory_budget_mb=1))
    assert again.from_cache and again.streaming and again.splits["train"].paths == ds.splits["train"].paths


def test_cancel_raises(root):
    with pytest.raises(Cancelled):
        open_dataset(DataConfig(root=str(root)), cancel=lambda: True)
