"""What ``--resume`` continues from: a run's own last.pt, or its config.json (issue 12 items 3-4)."""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from cnn_studio.core import checkpoint as ck, runs
from cnn_studio.core.config import DataConfig, ModelConfig, TrainConfig
from cnn_studio.core.errors import CheckpointError


def _config(root: str, model: str = "simple_cnn", classes: int = 3) -> TrainConfig:
    return TrainConfig(data=DataConfig(root=root), model=ModelConfig(name=model, options={"widths": (8, 16)}),
                       epochs=5)


def _last(cfg: TrainConfig, classes: int, epoch: int) -> dict:
    return ck.make_checkpoint(model_name=cfg.model.name, num_classes=classes,
                              class_names=[f"c{i}" for i in range(classes)], model_state={"w": torch.ones(1)},
                              model_options=cfg.model.options, config=cfg.to_dict(), optimizer_state={"state": {}},
                              epoch=epoch)


def test_own_last_pt_resumes_with_its_epochs(tmp_path):
    cfg = _config("/data/three")
    cfg.save(tmp_path / runs.CONFIG_FILE)
    ck.save_checkpoint(_last(cfg, 3, 2), tmp_path / runs.LAST_CHECKPOINT)
    source = runs.load_resume_source(tmp_path)
    assert source.checkpoint is not None and source.epochs_done == 2 and source.folder == tmp_path
    assert source.config.to_dict() == cfg.to_dict()
    # config.json may differ in what a resume may change (epochs, device)
    replace(cfg, epochs=9, device="cpu").save(tmp_path / runs.CONFIG_FILE)
    assert runs.load_resume_source(tmp_path / runs.LAST_CHECKPOINT).epochs_done == 2


def test_folder_without_checkpoint_restarts_from_its_config(tmp_path):
    cfg = _config("/data/three")
    cfg.save(tmp_path / runs.CONFIG_FILE)
    source = runs.load_resume_source(tmp_path)
    assert source.checkpoint is None and source.epochs_done == 0 and source.config.to_dict() == cfg.to_dict()


def test_folder_without_config_or_checkpoint_is_refused(tmp_path):
    with pytest.raises(CheckpointError, match="not a run"):
        runs.load_resume_source(tmp_path)


@pytest.mark.parametrize("other, label", [
    (_config("/data/ten"), "dataset folder"),
    (_config("/data/three", model="resnet20"), "model"),
    (replace(_config("/data/three"), model=ModelConfig(name="simple_cnn", options={"widths": (4, 4)})),
     "model options"),
])
def test_a_last_pt_from_another_run_is_refused(tmp_path, other, label):
    _config("/data/three").save(tmp_path / runs.CONFIG_FILE)
    ck.save_checkpoint(_last(other, 10, 4), tmp_path / runs.LAST_CHECKPOINT)
    with pytest.raises(CheckpointError) as err:
        runs.load_resume_source(tmp_path)
    message = str(err.value)
    assert "belongs to another run" in message and label in message and str(tmp_path) in message
    assert "\n" not in message


def test_class_names_must_match(tmp_path):
    ckpt = _last(_config("/d"), 3, 1)
    ck.check_compatible(ckpt, num_classes=3, class_names=["c0", "c1", "c2"])
    with pytest.raises(CheckpointError, match="other classes"):
        ck.check_compatible(ckpt, num_classes=3, class_names=["cat", "dog", "eel"])
