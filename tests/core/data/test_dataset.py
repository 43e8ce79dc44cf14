"""open_dataset: the decoded splits are the scan's, in memory and streaming."""

from __future__ import annotations

from cnn_studio.core.config import DataConfig
from cnn_studio.core.data.dataset import open_dataset
from cnn_studio.core.training.setup import resolve_heldout
from tests.core.datafiles import make_split_dirs


def test_dataset_splits_match_the_report_in_memory_and_streaming(tmp_path):
    root = make_split_dirs(tmp_path / "ds", classes=("a", "b"), train=10, test=2, size=(300, 300))
    mem = open_dataset(DataConfig(root=str(root), cache_dir=str(tmp_path / "c1")))
    stream = open_dataset(DataConfig(root=str(root), cache_dir=str(tmp_path / "c2"), memory_budget_mb=1))
    assert not mem.streaming and stream.streaming
    for ds in (mem, stream):
        assert ds.val_source == "carved"
        assert {n: len(s) for n, s in ds.splits.items()} == {n: len(v) for n, v in ds.report.splits.items()}
        assert len(ds.splits["val"]) == 2 and len(ds.splits["train"]) == 18
    assert mem.splits["val"].paths == stream.splits["val"].paths
    again = open_dataset(DataConfig(root=str(root), cache_dir=str(tmp_path / "c1")))
    assert again.from_cache and again.val_source == "carved" and again.splits["val"].paths == mem.splits["val"].paths
    assert resolve_heldout("auto", mem.splits) == "val"
