"""Every config field is type- and range-checked: one sentence, never a traceback (issue 12 item 6)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from cnn_studio.core import config as c
from cnn_studio.core.config import DataConfig, OptimConfig, TrainConfig
from cnn_studio.core.errors import ConfigError


@pytest.mark.parametrize("data, fragment", [
    ({"optim": {"milestones": "half"}}, "'optim.milestones' must be a list of numbers"),
    ({"optim": {"milestones": [0.5, "x"]}}, "'optim.milestones' must be a number"),
    ({"optim": {"milestones": [0.75, 0.5]}}, "increasing"),
    ({"model": {"options": [1]}}, "'model.options' must be an object"),
    ({"model": {"name": 3}}, "'model.name' must be text"),
    ({"freeze": {"frozen": "conv1"}}, "'freeze.frozen' must be a list of texts"),
    ({"freeze": {"lr_multipliers": {"layer1": "fast"}}}, "'freeze.lr_multipliers.layer1' must be a number"),
    ({"freeze": {"lr_multipliers": {"layer1": -1}}}, "multipliers"),
    ({"seed": 99999999999999999999999}, "Seed"),
    ({"seed": -1}, "Seed"),
    ({"epochs": 10**30}, "Epochs"),
    ({"epochs": 1e300}, "Epochs"),
    ({"epochs": 2.5}, "whole number"),
    ({"version": 99}, "newer CNN Studio"),
    ({"version": 0}, "version"),
    ({"data": {"num_workers": -1}}, "workers"),
    ({"data": {"image_size": "32"}}, "'data.image_size' must be a number"),
    ({"data": {"split_seed": 2**40}}, "split seed"),
    ({"data": {"cache_dir": 5}}, "'data.cache_dir' must be text"),
    ({"batch_size": 10**9}, "Batch size"),
    ({"optim": {"gamma": 0}}, "gamma"),
    ({"optim": {"weight_decay": 5}}, "Weight decay"),
    ({"optim": {"nesterov": "yes"}}, "true or false"),
    ({"channels_last": 1}, "true or false"),
    ({"device": None}, "'config.device' must be text"),
    ({"data": {"memory_budget_mb": 0}}, "memory budget"),
    ({"checkpoint_every_s": 0}, "checkpoint interval"),
])
def test_every_bad_field_is_one_sentence(data, fragment):
    with pytest.raises(ConfigError) as err:
        TrainConfig.from_dict(data)
    message = str(err.value)
    assert fragment in message and "\n" not in message and message.endswith(".")


def test_non_finite_numbers_in_json_are_refused():
    with pytest.raises(ConfigError, match="NaN"):
        TrainConfig.from_json('{"optim": {"lr": NaN}}')
    with pytest.raises(ConfigError, match="Infinity"):
        TrainConfig.from_json('{"epochs": Infinity}')


def test_non_utf8_config_file_is_one_sentence(tmp_path):
    path = tmp_path / "run.json"
    path.write_bytes(b'{"epochs": 3, "model": {"name": "caf\xe9"}}')  # Latin-1, not UTF-8
    with pytest.raises(ConfigError) as err:
        TrainConfig.load(path)
    assert "not UTF-8" in str(err.value) and str(path) in str(err.value)


def test_utf8_with_bom_loads(tmp_path):
    path = tmp_path / "run.json"
    path.write_bytes(b"\xef\xbb\xbf" + TrainConfig(epochs=4).to_json().encode("utf-8"))
    assert TrainConfig.load(path).epochs == 4


def test_values_set_from_code_are_checked_too():
    with pytest.raises(ConfigError, match="Seed"):
        TrainConfig(seed=10**25).validate()
    with pytest.raises(ConfigError, match="'config.epochs' must be a whole number"):
        TrainConfig(epochs=3.0).validate()
    with pytest.raises(ConfigError, match="'data.num_workers' must be a number"):
        replace(TrainConfig(), data=DataConfig(num_workers="2")).validate()
    with pytest.raises(ConfigError, match="finite"):
        replace(TrainConfig(), optim=OptimConfig(lr=float("nan"))).validate()


def test_round_trip_keeps_types_and_json_is_strict(tmp_path):
    cfg = TrainConfig.from_dict({"optim": {"lr": 1, "milestones": [0.3, 0.6]}, "freeze": {"frozen": ["conv1"]},
                                 "data": {"image_size": None, "cache_dir": None}})
    assert cfg.optim.lr == 1.0 and isinstance(cfg.optim.lr, float)
    assert cfg.optim.milestones == (0.3, 0.6) and cfg.freeze.frozen == ("conv1",)
    path = tmp_path / "c.json"
    cfg.save(path)
    assert TrainConfig.load(path) == cfg
    json.loads(path.read_text(), parse_constant=lambda name: pytest.fail(f"{name} in config.json"))


def test_cli_choices_are_the_config_vocabulary():
    from cnn_studio.cli import build_parser

    parser = build_parser()
    train = parser._subparsers._group_actions[0].choices["train"]
    choices = {a.dest: tuple(a.choices) for a in train._actions if a.choices}
    assert choices["optimizer"] == c.OPTIMIZERS and choices["schedule"] == c.SCHEDULES
    assert choices["device"] == c.DEVICES and choices["precision"] == c.PRECISIONS
    assert set(choices["freeze"]) <= set(c.FREEZE_PRESETS) and choices["freeze"] == c.SIMPLE_FREEZE_PRESETS
    from cnn_studio.core.export import FORMATS

    export = parser._subparsers._group_actions[0].choices["export"]
    assert [tuple(a.choices) for a in export._actions if a.dest == "export_format"] == [FORMATS]
