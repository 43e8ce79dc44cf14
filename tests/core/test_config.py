"""TrainConfig: JSON round-trip, validation with clear messages, family recipes."""

import json

import pytest

from cnn_studio.core.config import DataConfig, FreezeConfig, ModelConfig, OptimConfig, TrainConfig
from cnn_studio.core.errors import ConfigError


def test_json_round_trip(tmp_path):
    cfg = TrainConfig(
        data=DataConfig(root="/data/cifar", image_size=32, cutout=8),
        model=ModelConfig(name="resnet56", options={"shortcut": "B"}),
        freeze=FreezeConfig(preset="custom", frozen=("conv1", "layer1"), lr_multipliers={"layer3": 0.5}),
        optim=OptimConfig(optimizer="adamw", lr=3e-4, milestones=(0.3, 0.6)),
        epochs=7, batch_size=32, seed=5,
    )
    path = tmp_path / "run.json"
    cfg.save(path)
    again = TrainConfig.load(path)
    assert again == cfg
    assert json.loads(path.read_text())["optim"]["milestones"] == [0.3, 0.6]


@pytest.mark.parametrize(
    "data, fragment",
    [
        ({"epochs": 0}, "Epochs"),
        ({"optim": {"lr": -1}}, "Learning rate"),
        ({"optim": {"optimizer": "rmsprop"}}, "Optimizer"),
        ({"bogus": 1}, "Unknown setting 'config.bogus'"),
        ({"batch_size": "big"}, "must be a number"),
        ({"freeze": {"preset": "from-layer"}}, "needs a layer"),
        ({"data": {"val_fraction": 0.6, "test_fraction": 0.5}}, "fractions"),
    ],
)
def test_bad_values_are_refused_with_one_sentence(data, fragment):
    with pytest.raises(ConfigError) as err:
        TrainConfig.from_dict(data)
    assert fragment in str(err.value)
    assert "\n" not in str(err.value)


def test_bad_json_text_is_a_config_error():
    with pytest.raises(ConfigError, match="not valid JSON"):
        TrainConfig.from_json("{epochs: 3")
