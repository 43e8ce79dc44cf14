"""The Qt-free session record (core/session.py): state vocabulary and which opened dataset a run reuses."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

from cnn_studio.core.config import TrainConfig
from cnn_studio.core.session import DEFAULT_SPLIT, SessionState, TrainingState


def test_training_states_are_one_list_equal_to_their_text():
    assert [s.value for s in TrainingState] == ["idle", "training", "paused", "stopping"]
    assert TrainingState.PAUSED == "paused" and TrainingState("training") is TrainingState.TRAINING
    assert [s for s in TrainingState if s.running] == [TrainingState.TRAINING, TrainingState.PAUSED]


def test_default_split_is_the_configs():
    data = TrainConfig().data
    assert DEFAULT_SPLIT == (data.val_fraction, data.test_fraction)
    assert SessionState().split == DEFAULT_SPLIT


def _dataset(root: str, size: int = 32, val_source: str = "carved"):
    return SimpleNamespace(report=SimpleNamespace(root=root), image_size=size, val_source=val_source)


def test_matching_dataset_reuses_only_the_same_folder_size_and_splits():
    state = SessionState()
    cfg = TrainConfig().replace(data=replace(TrainConfig().data, root="/data/a"))
    assert state.matching_dataset(cfg) is None and state.dataset_root == ""
    state.dataset = _dataset("/data/a")
    assert state.dataset_root == "/data/a"
    assert state.matching_dataset(cfg) is state.dataset
    assert state.matching_dataset(cfg.replace(data=replace(cfg.data, root="/data/b"))) is None
    assert state.matching_dataset(cfg.replace(data=replace(cfg.data, image_size=64))) is None
    assert state.matching_dataset(cfg.replace(data=replace(cfg.data, validation="test"))) is None
    state.dataset = _dataset("/data/a", val_source="folder")
    assert state.matching_dataset(cfg.replace(data=replace(cfg.data, validation="test"))) is state.dataset
