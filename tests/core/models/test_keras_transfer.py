"""Keras layer names for the VGGs (checked against torchvision's module lists), freezing "from
block5_conv1", the four transfer strategies, and the one forward-hook helper."""

from __future__ import annotations

import json

import pytest
import torch
import torchvision

from cnn_studio.core.config import FreezeConfig, TrainConfig, recommended_config
from cnn_studio.core.errors import ModelError
from cnn_studio.core.models import get_model, get_model_info
from cnn_studio.core.models.freezing import apply_freeze
from cnn_studio.core.models.hooks import forward_hooks
from cnn_studio.core.models.keras_names import keras_names, resolve_layer
from cnn_studio.core.models.layers import format_tree, layer_tree
from cnn_studio.core.models.transfer import STRATEGIES, apply_strategy, strategy_for

# Keras VGG16: 2, 2, 3, 3, 3 convolutions per block.
KERAS_CONVS = [f"block{b}_conv{c}" for b, n in enumerate((2, 2, 3, 3, 3), start=1) for c in range(1, n + 1)]


def _tv(name: str) -> torch.nn.Module:
    with torch.device("meta"):
        return torchvision.models.get_model(name, weights=None)


@pytest.mark.parametrize("name, block5_conv1, block5_pool", [("vgg16", 24, 30), ("vgg16_bn", 34, 43)])
def test_keras_names_match_torchvision_module_lists(name, block5_conv1, block5_pool):
    model = _tv(name)
    names = keras_names(model)
    convs = [i for i, m in enumerate(model.features) if isinstance(m, torch.nn.Conv2d)]
    assert [names[f"features.{i}"] for i in convs] == KERAS_CONVS
    assert names[f"features.{block5_conv1}"] == "block5_conv1"
    assert names[f"features.{block5_pool}"] == "block5_pool"
    assert isinstance(model.features[block5_conv1], torch.nn.Conv2d)
    assert (names["classifier.0"], names["classifier.3"], names["classifier.6"]) == ("fc1", "fc2", "predictions")
    assert resolve_layer(model, "block5_conv1") == f"features.{block5_conv1}"
    assert resolve_layer(model, "features.3") == "features.3"


def test_our_vggs_use_the_keras_layout_and_other_nets_have_no_keras_names():
    names = keras_names(get_model("vgg16_bn_cifar", num_classes=10))
    assert [n for p, n in names.items() if "conv" in n] == KERAS_CONVS
    assert all(p.replace(".", "_") == n for p, n in names.items() if "conv" in n or "pool" in n)
    assert names["classifier"] == "predictions"
    assert keras_names(get_model("resnet20", num_classes=10)) == {}
    with pytest.raises(ModelError, match="no layer 'block5_conv1'"):
        resolve_layer(get_model("resnet20", num_classes=10), "block5_conv1")


def test_layer_tree_and_table_show_keras_names():
    model = get_model("vgg11_bn_cifar", num_classes=10)
    tree = layer_tree(model, 32)
    assert tree.find("block5.conv1").keras_name == "block5_conv1"
    assert tree.find("block5.bn1").keras_name is None
    assert tree.to_json_dict()["children"][0]["children"][0]["keras_name"] == "block1_conv1"
    assert "block5_conv1" in format_tree(tree)
    assert "keras" not in format_tree(layer_tree(get_model("resnet20", num_classes=10), 32)).splitlines()[0]


def test_freeze_plan_trains_from_a_keras_name():
    with torch.device("meta"):
        model = get_model("vgg16_bn", num_classes=5)
    info = get_model_info("vgg16_bn")
    by_name = apply_freeze(model, FreezeConfig(preset="from-layer", trainable_from="block5_conv1"), info)
    assert by_name.trainable_from == "features.34" and by_name.trainable_from_keras == "block5_conv1"
    assert "block5_conv1" in by_name.describe()
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert "features.34.weight" in trainable and "features.30.weight" not in trainable
    by_path = apply_freeze(model, FreezeConfig(preset="from-layer", trainable_from="features.34"), info)
    assert by_path.trainable_params == by_name.trainable_params


def test_forward_hooks_are_removed_and_mode_restored_even_after_an_error():
    model = get_model("resnet20", num_classes=3).train()
    seen = []
    with pytest.raises(RuntimeError):
        with forward_hooks(model, {"fc": model.fc}, lambda path, out: seen.append((path, tuple(out.shape)))):
            assert not model.training
            model(torch.randn(2, 3, 32, 32))
            raise RuntimeError("boom")
    assert seen == [("fc", (2, 3))] and model.training and not model.fc._forward_hooks
    with forward_hooks(model, {"fc": model.fc}, lambda path, out: out * 0), torch.no_grad():  # replaces the output
        assert float(model(torch.randn(1, 3, 32, 32)).abs().sum()) == 0


def test_the_four_strategies_form_a_2x2_grid():
    cells = {(s.dataset_size, s.similarity) for s in STRATEGIES}
    assert cells == {("small", "similar"), ("small", "different"), ("large", "similar"), ("large", "different")}
    for s in STRATEGIES:
        assert s.reason.endswith(".") and s.advice.endswith(".") and s.freeze_preset
        assert strategy_for(s.dataset_size, s.similarity) is s
    with pytest.raises(ModelError, match="small or large"):
        strategy_for("medium", "similar")


def test_apply_strategy_to_vgg16_bn():
    base = recommended_config("vgg16_bn")
    small_diff = apply_strategy(base, strategy_for("small", "different"))
    assert small_diff.model.pretrained == "imagenet"
    assert small_diff.freeze.preset == "from-layer" and small_diff.freeze.trainable_from == "features.34"
    assert small_diff.freeze.backbone_lr_mult == 0.1 and small_diff.data.cutout > 0
    assert small_diff.optim == base.optim and small_diff.epochs == base.epochs
    # the result is a valid config that survives JSON
    assert TrainConfig.from_json(small_diff.to_json()) == small_diff
    feature = apply_strategy(base, strategy_for("small", "similar"))
    with torch.device("meta"):
        model = get_model("vgg16_bn", num_classes=4)
    plan = apply_freeze(model, feature.freeze, get_model_info("vgg16_bn"))
    assert plan.trainable_params == 4096 * 4 + 4
    large_diff = apply_strategy(base, strategy_for("large", "different"))
    assert large_diff.freeze.preset == "full" and large_diff.freeze.backbone_lr_mult == 1.0
    large_sim = apply_strategy(base, strategy_for("large", "similar"))
    assert large_sim.freeze.trainable_from == "features.24" and large_sim.data.cutout == 0


def test_apply_strategy_needs_pretrained_weights():
    with pytest.raises(ModelError, match="no ImageNet weights"):
        apply_strategy(recommended_config("simple_cnn"), strategy_for("small", "similar"))
    cfg = TrainConfig.from_dict({"model": {"name": "simple_cnn", "pretrained": "/runs/x/best.pt"}})
    kept = apply_strategy(cfg, strategy_for("large", "different"))
    assert json.loads(kept.to_json())["model"]["pretrained"] == "/runs/x/best.pt"
