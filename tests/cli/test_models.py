"""``cnn-studio models``: the zoo list and a model's layer tree, as text and JSON."""

from __future__ import annotations

import json

from cnn_studio.cli import main


def test_models_lists_the_zoo_as_json(capsys):
    assert main(["models", "--json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["resnet56"]["parameters"] == 853_018
    assert rows["resnet56"]["family"] == "resnet_cifar"
    assert rows["efficientnet_lite0"]["weights_cached"] is True
    assert rows["resnet18"]["weights_cached"] is False  # the test's empty torch hub
    assert rows["mobilenet_v3_large"]["head"] == "classifier.3"


def test_models_text_table(capsys):
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    assert "plain110" in out and "1.73M" in out and "cached" in out


def test_models_name_prints_the_layer_tree(capsys):
    assert main(["models", "resnet20", "--classes", "3"]) == 0
    out = capsys.readouterr().out
    assert "layer3.2.conv2" in out and "64x8x8" in out and "269,267" in out
    assert main(["models", "simple_cnn", "--classes", "5", "--image-size", "64", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["image_size"] == 64 and data["num_classes"] == 5
    block3 = next(c for c in data["tree"]["children"] if c["path"] == "block3")
    assert block3["output_shape"] == [1, 128, 8, 8]
    assert set(data["presets"]) == {"full", "feature-extraction", "last-stage", "from-layer", "custom"}


def test_models_user_errors_exit_2(capsys):
    assert main(["models", "no_such_net"]) == 2
    assert "Unknown model" in capsys.readouterr().err
    assert main(["models", "vgg16_bn_cifar", "--image-size", "16"]) == 2
    assert "at least 32x32" in capsys.readouterr().err
