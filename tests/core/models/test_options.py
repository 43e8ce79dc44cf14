"""Model options (BatchNorm on/off, shortcut A/B): typed config values that survive save/load,
drive the built model, and show in the run's folder name and metadata."""

from __future__ import annotations

import json

import pytest
import torch

from cnn_studio.core.checkpoint import load_checkpoint
from cnn_studio.core.config import ModelConfig, Pretrained, TrainConfig
from cnn_studio.core.errors import ConfigError
from cnn_studio.core.models import count_parameters, get_model
from cnn_studio.core.models.weights import build_model


def _has_bn(model: torch.nn.Module) -> bool:
    return any(isinstance(m, torch.nn.BatchNorm2d) for m in model.modules())


def test_batch_norm_false_survives_save_and_load_and_drives_the_model(tmp_path):
    cfg = TrainConfig(model=ModelConfig(name="simple_cnn", options={"batch_norm": False}))
    cfg.save(tmp_path / "config.json")
    assert json.loads((tmp_path / "config.json").read_text())["model"]["options"] == {"batch_norm": False}
    loaded = TrainConfig.load(tmp_path / "config.json")
    assert loaded.model.options == {"batch_norm": False}
    assert not _has_bn(build_model(loaded.model, 10))
    assert _has_bn(build_model(TrainConfig().model.__class__(name="simple_cnn"), 10))


@pytest.mark.parametrize("name", ["vgg11_bn_cifar", "vgg16_bn_cifar"])
def test_vgg_batch_norm_option(name):
    with_bn, without = get_model(name, num_classes=10), get_model(name, num_classes=10, batch_norm=False)
    assert _has_bn(with_bn) and not _has_bn(without)
    # the conv paths stay the same, so freezing and Keras names work on both
    convs = [p for p, m in without.named_modules() if isinstance(m, torch.nn.Conv2d)]
    assert convs == [p for p, m in with_bn.named_modules() if isinstance(m, torch.nn.Conv2d)]
    assert all(without.get_submodule(p).bias is not None for p in convs)
    out = without(torch.randn(2, 3, 32, 32))
    assert out.shape == (2, 10) and torch.isfinite(out).all()


def test_shortcut_b_from_a_loaded_config_builds_projections():
    cfg = TrainConfig.from_json(json.dumps({"model": {"name": "resnet20", "options": {"shortcut": "B"}}}))
    a = count_parameters(get_model("resnet20", num_classes=10))
    assert count_parameters(build_model(cfg.model, 10)) - a == (16 * 32 + 2 * 32) + (32 * 64 + 2 * 64)


@pytest.mark.parametrize("options, match", [
    ({"batchnorm": False}, "has no option 'batchnorm'"),
    ({"batch_norm": "no"}, "must be true or false"),
    ({"batch_norm": 0}, "must be true or false"),
])
def test_bad_simple_cnn_options_are_one_sentence_config_errors(options, match):
    with pytest.raises(ConfigError, match=match) as err:
        TrainConfig.from_dict({"model": {"name": "simple_cnn", "options": options}})
    assert str(err.value).count(". ") == 0 and str(err.value).endswith(".")


def test_bad_shortcut_and_options_type_are_config_errors():
    with pytest.raises(ConfigError, match="'A' or 'B'"):
        TrainConfig.from_dict({"model": {"name": "resnet20", "options": {"shortcut": "C"}}})
    with pytest.raises(ConfigError, match="has no option 'shortcut'"):
        TrainConfig.from_dict({"model": {"name": "plain20", "options": {"shortcut": "B"}}})
    with pytest.raises(ConfigError, match="must be an object"):
        TrainConfig.from_dict({"model": {"name": "resnet20", "options": ["B"]}})
    with pytest.raises(ConfigError, match="Unknown model"):
        TrainConfig.from_dict({"model": {"name": "resnet21", "options": {"shortcut": "B"}}})


def test_run_label_names_the_options():
    assert ModelConfig(name="resnet20").run_label() == "resnet20"
    assert ModelConfig(name="simple_cnn", options={"batch_norm": False}).run_label() == "simple_cnn-batch_norm-off"
    assert ModelConfig(name="resnet56", options={"shortcut": "B"}).run_label() == "resnet56-shortcut-B"


@pytest.mark.parametrize("value, kind, path", [
    ("none", "none", None), ("", "none", None), (None, "none", None), ("ImageNet", "imagenet", None),
    (" /x/w.pt ", "file", "/x/w.pt"), ({"kind": "file", "path": "w.pt"}, "file", "w.pt"),
])
def test_pretrained_is_typed_and_old_strings_still_load(value, kind, path):
    p = Pretrained.parse(value)
    assert (p.kind, p.path) == (kind, path)
    model = ModelConfig(name="resnet18", pretrained=value)
    assert model.pretrained == p and model.pretrained.is_pretrained == (kind != "none")
    text = TrainConfig(model=model).to_json()
    assert json.loads(text)["model"]["pretrained"] == (path or kind)  # the JSON form older versions wrote
    assert TrainConfig.from_json(text).model.pretrained == p


def test_old_config_json_with_pretrained_strings_loads():
    old = {"model": {"name": "efficientnet_b0", "pretrained": "imagenet", "options": {}}, "epochs": 2}
    cfg = TrainConfig.from_dict(old)
    assert cfg.model.pretrained == Pretrained("imagenet") and cfg.model.pretrained == "imagenet"
    assert cfg.model.pretrained != "none" and cfg.to_dict()["model"]["pretrained"] == "imagenet"
    with pytest.raises(ConfigError, match="pretrained"):
        TrainConfig.from_dict({"model": {"pretrained": 3}})
    with pytest.raises(ConfigError, match="pretrained"):
        TrainConfig.from_dict({"model": {"pretrained": {"kind": "file"}}})


def test_options_show_in_run_folder_name_config_and_checkpoint(tmp_path, monkeypatch):
    from cnn_studio.core.training.engine import train
    from tests.core.training_fixtures import make_color_dataset, tiny_config

    monkeypatch.setenv("CNN_STUDIO_RUNS_DIR", str(tmp_path / "runs"))
    root = make_color_dataset(tmp_path / "data", {"train": 6, "val": 3, "test": 3})
    base = tiny_config(root, None, epochs=1)
    cfg = base.replace(model=ModelConfig(name="simple_cnn", options={**base.model.options, "batch_norm": False}))
    result = train(cfg)
    assert result.status == "completed"
    (folder,) = (tmp_path / "runs").iterdir()
    assert "simple_cnn" in folder.name and "batch_norm-off" in folder.name
    assert json.loads((folder / "config.json").read_text())["model"]["options"]["batch_norm"] is False
    ckpt = load_checkpoint(folder / "best.pt")
    assert ckpt["model_options"]["batch_norm"] is False
    assert "bn" not in " ".join(ckpt["model_state"])
