"""Zoo metadata registered with the builders: parameter counts as data, typed pretrained weights,
no model special-cased by name outside its own module."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch
import torchvision

import cnn_studio
from cnn_studio.core.models import get_model_info, list_models, parameter_count
from cnn_studio.core.models.registry import REGISTRY
from cnn_studio.core.models.weights import bundled_imagenet_model, imagenet_weights, load_imagenet_model
from cnn_studio.core.models.zoo import ModelInfo, register_model


def test_num_params_field_matches_the_built_model():
    for name in list_models():
        info = get_model_info(name)
        assert info.num_params == parameter_count(name, info.params_with_classes), name
        # The figure is data, not prose: descriptions quote no parameter counts.
        assert not re.search(r"\d(\.\d+)?M parameters", info.description), name


def test_register_model_decorator_registers_next_to_the_builder():
    info = get_model_info("simple_cnn")
    builder = REGISTRY["simple_cnn"][1]
    assert builder.__module__ == "cnn_studio.core.models.simple_cnn" and builder.__name__ == "simple_cnn"
    with pytest.raises(ValueError, match="twice"):
        register_model(info)
    with pytest.raises(ValueError, match="family"):
        register_model(ModelInfo("x", "nope", "X", "x.", 32, 8, "fc", (), 1))
    # zoo order: the course's networks first, the ImageNet backbones last
    assert list_models()[0] == "simple_cnn" and get_model_info(list_models()[-1]).family == "transfer"


def test_pretrained_weights_are_typed_metadata():
    for name in list_models():
        info = get_model_info(name)
        assert (info.weights is not None) == (info.family == "transfer") == info.has_pretrained
        if info.weights is None:
            assert info.mean is None and info.std is None
            continue
        w = info.weights
        assert w.num_classes == 1000 and w.input_size == 224 and w.dataset == "ImageNet-1k"
        assert info.mean == w.mean and info.std == w.std and w.origin
        if not w.bundled:
            tv = torchvision.models.get_model_weights(name).DEFAULT
            assert w.name == tv.name and w.url() == tv.url
            assert list(w.mean) == pytest.approx(tv.transforms().mean)
            assert Path(w.file()).name == Path(tv.url).name


def test_bundled_weights_are_found_through_metadata_alone():
    name = bundled_imagenet_model()
    weights = imagenet_weights(name)
    assert weights.bundled and weights.url() is None and weights.file().is_file()
    assert weights.mean == (0.5, 0.5, 0.5)
    model = load_imagenet_model()
    assert model.get_submodule(get_model_info(name).head).out_features == weights.num_classes


def test_efficientnet_lite0_is_special_cased_nowhere_but_its_module():
    core = Path(cnn_studio.__file__).parent / "core"
    offenders = [str(p.relative_to(core)) for p in core.rglob("*.py")
                 if "efficientnet_lite0" in p.read_text(encoding="utf-8") and p.name != "efficientnet_lite.py"]
    assert offenders == []


def test_model_info_json_carries_weights_and_options():
    data = get_model_info("vgg16_bn").to_json_dict()
    assert data["num_params"] == 138_365_992
    assert data["weights"]["name"] == "IMAGENET1K_V1" and data["weights"]["bundled"] is False
    data = get_model_info("resnet20").to_json_dict()
    assert data["options"] == {"shortcut": "A"} and data["option_specs"][0]["choices"] == ["A", "B"]
    with torch.device("meta"):
        assert get_model_info("resnet20").weights is None
