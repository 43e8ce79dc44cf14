"""The zoo: metadata, parameter counts against the paper, forward and backward for every model."""

from __future__ import annotations

import pytest
import torch

from cnn_studio.core.errors import ModelError
from cnn_studio.core.models import (
    check_input_size, count_parameters, get_model, get_model_info, list_models, parameter_count,
    suggested_input_size,
)

# He et al. 2015, Table 6: parameters of the CIFAR-10 ResNets (option A shortcuts).
PAPER_PARAMS = {"resnet20": 0.27e6, "resnet32": 0.46e6, "resnet44": 0.66e6, "resnet56": 0.85e6,
                "resnet110": 1.7e6}


@pytest.mark.parametrize("name, paper", sorted(PAPER_PARAMS.items()))
def test_cifar_resnet_parameter_counts_match_the_paper(name, paper):
    model = get_model(name, num_classes=10)
    n = count_parameters(model)
    # The paper rounds to two significant digits.
    assert abs(n - paper) <= 0.005e6 if paper < 1e6 else abs(n - paper) <= 0.05e6, (name, n)
    # Plain nets have the same layers; option A shortcuts add no parameters.
    assert count_parameters(get_model(name.replace("resnet", "plain"), num_classes=10)) == n


def test_option_b_adds_projection_parameters_only_where_the_shape_changes():
    a = count_parameters(get_model("resnet20", num_classes=10))
    b = count_parameters(get_model("resnet20", num_classes=10, shortcut="B"))
    # Two projections: 16->32 and 32->64 (1x1 conv + BN each).
    assert b - a == (16 * 32 + 2 * 32) + (32 * 64 + 2 * 64)


def test_metadata_is_complete_and_paths_exist():
    for name in list_models():
        info = get_model_info(name)
        assert info.description.count(".") >= 1 and len(info.description) > 80
        assert info.min_input_size <= info.input_size
        with torch.device("meta"):
            model = get_model(name, num_classes=7)
        modules = dict(model.named_modules())
        assert isinstance(modules[info.head], torch.nn.Linear)
        assert modules[info.head].out_features == 7
        for stage in info.stages:
            assert stage in modules, (name, stage)
        assert parameter_count(name, 7) == count_parameters(model)
        if info.has_pretrained:
            assert info.mean is not None and info.std is not None


def _forward_backward(name: str, size: int, **options) -> None:
    torch.manual_seed(0)
    model = get_model(name, num_classes=3, **options)
    model.train()
    x = torch.randn(2, 3, size, size)
    out = model(x)
    assert out.shape == (2, 3)
    out.sum().backward()
    grads = [p.grad for p in model.parameters()]
    assert all(g is not None for g in grads)
    assert any(float(g.abs().sum()) > 0 for g in grads)


CIFAR_MODELS = [n for n in list_models() if get_model_info(n).family != "transfer"]


@pytest.mark.parametrize("name", CIFAR_MODELS)
def test_cifar_models_forward_and_backward_at_32px(name):
    _forward_backward(name, 32)


@pytest.mark.parametrize("name", list_models("transfer"))
def test_backbones_forward_and_backward_at_their_minimum_input(name):
    _forward_backward(name, get_model_info(name).min_input_size)


def test_builder_options():
    _forward_backward("simple_cnn", 32, batch_norm=False)
    no_bn = get_model("simple_cnn", num_classes=10, batch_norm=False)
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in no_bn.modules())
    _forward_backward("resnet20", 32, shortcut="B")
    with pytest.raises(ModelError, match="option"):
        get_model("resnet20", num_classes=10, widht=3)
    with pytest.raises(ModelError, match="Shortcut"):
        get_model("resnet20", num_classes=10, shortcut="C")
    with pytest.raises(ModelError, match="Unknown model"):
        get_model("resnet21", num_classes=10)
    with pytest.raises(ModelError, match="classes"):
        get_model("resnet20", num_classes=0)


def test_too_small_inputs_give_a_clear_model_error():
    model = get_model("vgg11_bn_cifar", num_classes=10).eval()
    with pytest.raises(ModelError, match="at least 32x32"):
        model(torch.randn(1, 3, 16, 16))
    with pytest.raises(ModelError, match="at least 32x32"):
        check_input_size("mobilenet_v3_small", 24)
    check_input_size("resnet20", 32)


def test_suggested_input_size():
    assert suggested_input_size("resnet20", 32) == 32
    assert suggested_input_size("resnet18", 32) == 64
    assert suggested_input_size("resnet18", 100) == 128
    assert suggested_input_size("efficientnet_lite0", 500) == 224
