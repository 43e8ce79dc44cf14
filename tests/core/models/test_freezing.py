"""Freezing really freezes, BatchNorm policy holds, per-group learning rates reach the optimizer."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from cnn_studio.core.config import FREEZE_PRESETS, FreezeConfig
from cnn_studio.core.errors import ModelError
from cnn_studio.core.models import get_model, get_model_info
from cnn_studio.core.models.freezing import PRESETS, apply_freeze, param_groups, set_bn_eval
from cnn_studio.core.models.layers import layer_tree


def _model(name: str = "resnet20"):
    torch.manual_seed(0)
    return get_model(name, num_classes=4), get_model_info(name)


def _train_steps(model, plan, groups, steps: int = 3) -> None:
    opt = torch.optim.SGD(groups, lr=0.1, momentum=0.9, weight_decay=5e-4)
    gen = torch.Generator().manual_seed(1)
    for _ in range(steps):
        model.train()
        set_bn_eval(model, plan)
        x = torch.randn(4, 3, 32, 32, generator=gen) * 2 + 0.5
        y = torch.randint(0, 4, (4,), generator=gen)
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()


def _snapshot(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def test_presets_match_the_config_ids_and_explain_when_to_use_them():
    assert tuple(PRESETS) == FREEZE_PRESETS
    for preset in PRESETS.values():
        assert preset.explanation.startswith("Use ") and len(preset.explanation) > 60


@pytest.mark.parametrize("bn_policy", ["freeze", "train"])
def test_feature_extraction_keeps_the_backbone_bit_identical(bn_policy):
    model, info = _model()
    plan = apply_freeze(model, FreezeConfig(preset="feature-extraction", bn_policy=bn_policy), info)
    assert plan.trainable_params == 64 * 4 + 4
    groups = param_groups(model, FreezeConfig(), 0.1, info, pretrained=True)
    assert [g["name"] for g in groups] == ["head"]
    before = _snapshot(model)
    _train_steps(model, plan, groups)
    after = model.state_dict()
    for key, value in before.items():
        if key.startswith("fc."):
            assert not torch.equal(value, after[key]), key
        elif "running" in key or "num_batches" in key:
            # Frozen BN statistics stay put only with the freeze policy.
            assert torch.equal(value, after[key]) == (bn_policy == "freeze"), key
        else:
            assert torch.equal(value, after[key]), key
    assert ("bn1" in plan.frozen_bn_paths) == (bn_policy == "freeze")
    assert "BatchNorm" in plan.describe()


def test_last_stage_and_from_layer_train_everything_after_the_start():
    model, info = _model()
    plan = apply_freeze(model, FreezeConfig(preset="last-stage"), info)
    assert plan.frozen_paths == ("conv1", "bn1", "layer1", "layer2")
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert trainable == {n for n, _ in model.named_parameters() if n.startswith(("layer3.", "fc."))}
    before = _snapshot(model)
    _train_steps(model, plan, param_groups(model, FreezeConfig(), 0.1, info))
    after = model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before if k.startswith(("layer1.", "layer2.", "bn1.")))
    assert not torch.equal(before["layer3.0.conv1.weight"], after["layer3.0.conv1.weight"])
    assert not torch.equal(before["layer3.0.bn1.running_mean"], after["layer3.0.bn1.running_mean"])

    plan = apply_freeze(model, FreezeConfig(preset="from-layer", trainable_from="layer2.1.conv2"), info)
    assert not model.layer2[1].conv1.weight.requires_grad
    assert model.layer2[1].conv2.weight.requires_grad and model.layer2[1].bn2.weight.requires_grad
    assert model.layer3[0].conv1.weight.requires_grad
    assert "layer2.1.conv1" in plan.frozen_paths and "layer2.0" in plan.frozen_paths


def test_course_from_block5_conv1_on_vgg():
    model, info = _model("vgg16_bn_cifar")
    plan = apply_freeze(model, FreezeConfig(preset="from-layer", trainable_from="block5.conv1"), info)
    assert plan.frozen_paths == ("block1", "block2", "block3", "block4")
    tree = layer_tree(model, 32)
    assert tree.find("block4").state == "frozen"
    assert tree.find("block5").state == "trainable"
    assert tree.state == "partial"


def test_custom_freeze_and_reapplying_unfreezes():
    model, info = _model()
    plan = apply_freeze(model, FreezeConfig(preset="custom", frozen=("layer1", "layer3.2")), info)
    assert plan.frozen_paths == ("layer1", "layer3.2")
    assert not model.layer3[2].bn2.weight.requires_grad and model.layer3[1].bn2.weight.requires_grad
    plan = apply_freeze(model, FreezeConfig(preset="full"), info)
    assert plan.frozen_paths == () and all(p.requires_grad for p in model.parameters())
    with pytest.raises(ModelError, match="no layer 'layer9'"):
        apply_freeze(model, FreezeConfig(preset="custom", frozen=("layer9",)), info)
    with pytest.raises(ModelError, match="no layer"):
        apply_freeze(model, FreezeConfig(preset="from-layer", trainable_from="nope"), info)


def test_per_group_learning_rates_reach_the_optimizer():
    model, info = _model()
    freeze = FreezeConfig(preset="last-stage", backbone_lr_mult=0.1, lr_multipliers={"layer3.2": 0.5})
    apply_freeze(model, freeze, info)
    groups = param_groups(model, freeze, 0.01, info, pretrained=True)
    opt = torch.optim.AdamW(groups, lr=0.01)
    by_name = {g["name"]: g for g in opt.param_groups}
    assert set(by_name) == {"head", "backbone", "backbone:layer3.2"}
    assert by_name["head"]["lr"] == pytest.approx(0.01)
    assert by_name["backbone"]["lr"] == pytest.approx(0.001)
    assert by_name["backbone:layer3.2"]["lr"] == pytest.approx(0.0005)
    ids = {id(p) for g in opt.param_groups for p in g["params"]}
    assert ids == {id(p) for p in model.parameters() if p.requires_grad}
    assert {id(p) for p in by_name["head"]["params"]} == {id(model.fc.weight), id(model.fc.bias)}
    # Trained from scratch: the whole network learns at the base rate (same group structure).
    scratch = param_groups(model, freeze, 0.01, info, pretrained=False)
    assert [g["lr"] for g in scratch if g["name"] == "backbone"] == [pytest.approx(0.01)]


def test_efficientnet_lite_presets_use_its_named_head_and_stages():
    model, info = _model("efficientnet_lite0")
    plan = apply_freeze(model, FreezeConfig(preset="last-stage"), info)
    trainable = {n.rsplit(".", 1)[0] for n, p in model.named_parameters() if p.requires_grad}
    assert {"_blocks.15._project_conv", "_conv_head", "_bn1", "_fc"} <= trainable
    assert not any(n.startswith("_blocks.14") for n in trainable)
    assert "_blocks.14._bn2" in plan.frozen_bn_paths
