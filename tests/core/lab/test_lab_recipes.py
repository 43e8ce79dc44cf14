"""The lab's recipes: registry, planned runs per budget, verdict logic on synthetic curves, estimates."""

import numpy as np
import pytest

from cnn_studio.core.errors import ConfigError
from cnn_studio.core.lab import batchnorm, degradation, filters, transfer
from cnn_studio.core.lab.estimate import estimate_seconds, format_duration
from cnn_studio.core.lab.registry import get_experiment, list_experiments
from tests.core.lab.lab_fixtures import facts, outcome


def test_registry_lists_the_four_experiments_with_their_texts():
    assert list_experiments() == ["degradation", "batchnorm", "transfer-strategies", "filters"]
    for name in list_experiments():
        d = get_experiment(name).describe()
        assert d["name"] == name and d["version"] >= 1
        assert d["budgets"] == ["smoke", "quick", "paper"]
        assert d["claim"] and d["paper_figure"] and d["title"]
        assert 2 <= d["idea"].count(". ") + 1 <= 4  # two or three sentences
    with pytest.raises(ConfigError, match="lab list"):
        get_experiment("nope")


@pytest.mark.parametrize("name", ["degradation", "batchnorm", "transfer-strategies", "filters"])
@pytest.mark.parametrize("budget", ["smoke", "quick", "paper"])
def test_every_planned_run_is_a_valid_config(name, budget):
    specs = get_experiment(name).runs(facts(), budget, device="cpu")
    assert specs and len({s.name for s in specs}) == len(specs)
    for s in specs:
        s.config.validate()
        assert s.config.device == "cpu" and s.config.data.root == "/data"


def test_unknown_budget_is_one_sentence():
    with pytest.raises(ConfigError, match="no budget 'huge'"):
        get_experiment("degradation").runs(facts(), "huge")


def test_degradation_runs_share_one_recipe_with_warmup():
    specs = get_experiment("degradation").runs(facts(), "quick")
    assert [s.name for s in specs] == ["plain20", "plain56", "resnet20", "resnet56"]
    optims = {s.config.optim for s in specs}
    assert len(optims) == 1
    optim = optims.pop()
    assert optim.lr == 0.1 and optim.warmup_epochs >= 1 and optim.optimizer == "sgd"
    assert {s.config.epochs for s in specs} == {4} and {s.max_train_images for s in specs} == {3000}
    paper = get_experiment("degradation").runs(facts(), "paper")
    assert paper[0].config.optim.schedule == "step" and paper[0].config.epochs == 164


def _degradation(errors):
    exp = get_experiment("degradation")
    specs = exp.runs(facts(), "quick")
    return exp, [outcome(s, errors[s.name]) for s in specs]


def test_degradation_verdict_shown_with_numbers():
    exp, outs = _degradation({"plain20": [40, 20, 10], "plain56": [60, 35, 18],
                              "resnet20": [38, 19, 9], "resnet56": [37, 17, 7]})
    v = exp.verdict(outs)
    assert v.shown is True and v.word == "shown"
    assert v.numbers["plain_gap_pp"] == pytest.approx(8.0)
    assert v.numbers["resnet_gap_pp"] == pytest.approx(-2.0)
    assert "plain-56 18.0% vs plain-20 10.0% (+8.0 points)" in v.summary


def test_degradation_verdict_not_shown_when_deep_plain_trains_as_well():
    exp, outs = _degradation({"plain20": [40, 20, 10], "plain56": [45, 22, 10.2],
                              "resnet20": [38, 19, 9], "resnet56": [37, 17, 7]})
    v = exp.verdict(outs)
    assert v.shown is False and "not worse by more than" in v.summary


def test_degradation_verdict_not_shown_when_resnets_degrade_as_much():
    exp, outs = _degradation({"plain20": [40, 20, 10], "plain56": [60, 35, 18],
                              "resnet20": [38, 19, 9], "resnet56": [60, 40, 30]})
    v = exp.verdict(outs)
    assert v.shown is False and "residual cure is not shown" in v.summary


def test_a_diverged_run_makes_the_verdict_inconclusive_and_names_it():
    exp = get_experiment("degradation")
    specs = exp.runs(facts(), "quick")
    outs = [outcome(s, [40, 20]) for s in specs]
    outs[1] = outcome(specs[1], [90], status="failed", message="The training loss became NaN")
    v = exp.verdict(outs)
    assert v.shown is None and v.word == "inconclusive"
    assert "plain-56" in v.summary and "NaN" in v.summary


def test_batchnorm_runs_and_verdict():
    exp = get_experiment("batchnorm")
    specs = {s.name: s for s in exp.runs(facts(), "quick")}
    assert specs["simple_bn"].config.optim.lr == specs["simple_nobn"].config.optim.lr == batchnorm.LR
    assert specs["simple_bn_high"].config.optim.lr == batchnorm.HIGH_LR
    assert specs["simple_nobn"].config.model.options["batch_norm"] is False
    assert specs["vgg_nobn"].config.model.options == {"batch_norm": False}
    outs = [outcome(specs["simple_nobn"], [80, 60, 50, 40], [80, 60, 50, 40]),
            outcome(specs["simple_bn"], [60, 40, 30, 25], [60, 40, 30, 25]),
            outcome(specs["simple_bn_high"], [55, 35, 25, 20], [55, 35, 25, 20]),
            outcome(specs["simple_nobn_high"], [90], status="failed", message="NaN"),
            outcome(specs["vgg_nobn"], [85, 70], [85, 70]), outcome(specs["vgg_bn"], [60, 45], [60, 45])]
    v = exp.verdict(outs)
    assert v.shown is True
    assert "failed (diverged) without" in v.summary
    assert "(without BN at lr 0.01: 60.0%)" in v.summary
    rows = {r["run"]: r for r in exp.table(outs)}
    # target = 95% of min(best) = 0.95 * 60% = 57%: no-BN gets there in epoch 4, BN in epoch 2
    assert rows[specs["simple_nobn"].label]["epochs_to_target"] == 4
    assert rows[specs["simple_bn"].label]["epochs_to_target"] == 2
    assert rows[specs["simple_bn"].label]["seconds_to_target"] == 20.0
    assert rows[specs["simple_bn"].label]["best_accuracy"] == 75.0


def test_batchnorm_not_shown_when_bn_is_slower():
    exp = get_experiment("batchnorm")
    specs = {s.name: s for s in exp.runs(facts(), "quick")}
    outs = [outcome(specs["simple_nobn"], [50, 30], [50, 30]), outcome(specs["simple_bn"], [70, 50], [70, 50]),
            outcome(specs["simple_bn_high"], [60, 40], [60, 40]), outcome(specs["simple_nobn_high"], [65, 45], [65, 45])]
    assert exp.verdict(outs).shown is False
    # BN faster at the same rate, but the 10x rate trains worse with BN than without: not shown
    outs[:2] = [outcome(specs["simple_nobn"], [70, 50], [70, 50]), outcome(specs["simple_bn"], [50, 30], [50, 30])]
    outs[3] = outcome(specs["simple_nobn_high"], [55, 35], [55, 35])
    v = exp.verdict(outs)
    assert v.shown is False and "60.0% with BN vs 65.0% without" in v.summary
    # without the high-rate pair the claim's second half is untested
    assert exp.verdict(outs[:2]).shown is None


def test_transfer_strategies_configs_and_verdict():
    exp = get_experiment("transfer-strategies")
    specs = {s.name: s for s in exp.runs(facts(image_size=32), "quick")}
    assert list(specs) == ["scratch", "feature_extraction", "last_stage", "full_finetune"]
    assert str(specs["scratch"].config.model.pretrained) == "none"
    assert specs["feature_extraction"].config.freeze.preset == "feature-extraction"
    assert specs["last_stage"].config.freeze.preset == "last-stage"
    full = specs["full_finetune"].config
    assert full.freeze.preset == "full" and full.freeze.backbone_lr_mult == 0.1
    assert str(full.model.pretrained) == "imagenet" and full.data.input_size == 64
    outs = [outcome(specs["scratch"], [70, 60], [70, 60], seconds_per_epoch=20),
            outcome(specs["feature_extraction"], [40, 30], [40, 30], seconds_per_epoch=8),
            outcome(specs["last_stage"], [35, 25], [35, 25], seconds_per_epoch=12),
            outcome(specs["full_finetune"], [30, 20], [30, 20], seconds_per_epoch=20)]
    v = exp.verdict(outs)
    assert v.shown is True and v.numbers["gap_pp"] == pytest.approx(40.0)
    assert "feature extraction (head only)'s (8.0 s)" in v.summary
    rows = exp.table(outs)
    params = [r["trainable_parameters"] for r in rows]
    assert params[0] == params[3] > params[2] > params[1] > 0  # all > last stage > head only
    assert rows[1]["seconds_per_epoch"] == 8.0 and rows[3]["best_accuracy"] == 80.0


def test_low_frequency_share_separates_noise_from_smooth_kernels():
    rng = np.random.default_rng(0)
    noise = rng.normal(size=(64, 3, 3, 3))
    assert filters.low_frequency_share(noise) == pytest.approx(1 / 3, abs=0.06)
    ramp = np.broadcast_to(np.array([-1.0, 0.0, 1.0]), (8, 3, 3, 3))  # horizontal edges
    assert filters.low_frequency_share(ramp) == pytest.approx(1.0)
    checker = np.broadcast_to(np.array([[1.0, -1, 1], [-1, 1, -1], [1, -1, 1]]), (8, 3, 3, 3))
    assert filters.low_frequency_share(checker) < 0.2


def test_filters_verdict_from_extra_numbers():
    exp = get_experiment("filters")
    spec = exp.runs(facts(), "quick")[0]
    outs = [outcome(spec, [50, 40])]
    extra = {"filters": {"low_frequency_share": {"random": 0.33, "trained": 0.52, "imagenet": 0.8},
                         "relative_change_from_init": 0.4}}
    v = exp.verdict(outs, extra)
    assert v.shown is True and "random 0.33, trained 0.52, ImageNet 0.80" in v.summary
    assert exp.verdict(outs, {}).shown is None


def test_estimate_scales_with_depth_and_images():
    exp = get_experiment("degradation")
    data = facts(train=5000, test=1000)
    specs = exp.runs(data, "quick")
    seconds = estimate_seconds(specs, data)
    assert 120 < seconds < 600  # the quick budget is planned for under ten minutes
    by = {s.name: estimate_seconds([s], data) for s in specs}
    assert by["plain56"] > 2 * by["plain20"]
    assert estimate_seconds(exp.runs(data, "paper"), data) > 20 * seconds
    assert format_duration(30) == "about 30 s" and format_duration(420) == "about 7 min"
    assert format_duration(5 * 3600) == "about 5.0 h"


def test_estimate_counts_feature_extraction_on_cached_features_once():
    from dataclasses import replace

    exp = get_experiment("transfer-strategies")
    data = facts(train=600, test=100)
    specs = {s.name: s for s in exp.runs(data, "quick")}
    cached = specs["feature_extraction"]
    assert cached.config.freeze.preset == "feature-extraction" and cached.config.feature_cache
    full = replace(cached, config=replace(cached.config, feature_cache=False))
    epochs = cached.config.epochs
    assert epochs > 2
    # the backbone once per image (and mirror), instead of every epoch
    assert estimate_seconds([cached], data) < estimate_seconds([full], data) * 2 / epochs
    assert estimate_seconds([specs["last_stage"]], data) > estimate_seconds([cached], data)


def test_recipe_constants_document_the_quick_budget():
    assert degradation.BUDGET_SETTINGS["quick"][0] >= 3
    assert transfer.BUDGET_SETTINGS["quick"][2] <= 4000
