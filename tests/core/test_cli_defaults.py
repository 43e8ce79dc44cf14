"""``cnn-studio train --data DIR`` alone trains the window's default model with its recipe."""

from __future__ import annotations

from cnn_studio.cli import build_parser
from cnn_studio.cli.train import DEFAULT_MODEL, build_config
from cnn_studio.core.config import recommended_config


def test_train_without_model_uses_the_default_model_and_its_recipe(tmp_path):
    args = build_parser().parse_args(["train", "--data", str(tmp_path)])
    cfg = build_config(args)
    assert DEFAULT_MODEL == "simple_cnn" and cfg.model.name == DEFAULT_MODEL
    assert cfg.to_dict() == recommended_config(DEFAULT_MODEL, str(tmp_path)).to_dict()
