"""The time estimate before Start, the schedule warnings and every group's learning rate."""

from __future__ import annotations

import pytest
import torch

from cnn_studio.core.config import OptimConfig
from cnn_studio.core.progress import CancelToken
from cnn_studio.core.training.optim import group_lrs, schedule_warnings
from tests.core.training_fixtures import make_color_dataset, tiny_config


def test_estimate_times_real_steps_and_scales_them_to_the_run(tmp_path):
    from cnn_studio.core.data.dataset import open_dataset
    from cnn_studio.core.errors import Cancelled
    from cnn_studio.core.training.estimate import WARMUP_STEPS, estimate_run_time

    cfg = tiny_config(make_color_dataset(tmp_path / "d"), epochs=4)
    ds = open_dataset(cfg.data)
    calls: list[tuple[int, int]] = []
    est = estimate_run_time(cfg, ds, steps=3, progress=lambda d, t: calls.append((d, t)))
    assert est.timed_steps == 3 and est.epochs == 4 and est.device == "cpu"
    assert est.steps_per_epoch == 72 // 16 + (72 % 16 > 0)  # 24 images x 3 classes, batch 16
    assert est.seconds_per_step > 0 and est.images_per_second > 0
    # the run is 4 epochs of steps plus the held-out forward passes: more than the steps alone
    assert est.seconds > 4 * est.steps_per_epoch * est.seconds_per_step
    assert est.seconds < 4 * est.steps_per_epoch * est.seconds_per_step * 1.5
    assert calls[-1] == (WARMUP_STEPS + 3, WARMUP_STEPS + 3)
    assert estimate_run_time(cfg, ds, steps=5, max_seconds=0.0).timed_steps == 1  # a slow model: one timed step
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        estimate_run_time(cfg, ds, cancel=token)



def test_estimate_of_a_cached_feature_run_counts_the_features_once_then_reuses_them(tmp_path):
    from dataclasses import replace

    from cnn_studio.core.config import FreezeConfig
    from cnn_studio.core.data.dataset import open_dataset
    from cnn_studio.core.training.engine import train
    from cnn_studio.core.training.estimate import estimate_run_time

    cfg = tiny_config(make_color_dataset(tmp_path / "d"), tmp_path / "runs", epochs=2)
    cfg = replace(cfg, data=replace(cfg.data, augment_translate=0, cutout=0, cache_dir=str(tmp_path / "cache")),
                  freeze=FreezeConfig(preset="from-layer", trainable_from="block3"))
    ds = open_dataset(cfg.data)
    first = estimate_run_time(cfg, ds, steps=3)
    assert first.features == "compute" and first.feature_seconds > 0
    assert first.steps_per_epoch == 72 // 16 + 1  # the cached loader's batches: the same as the images'
    # two epochs of the suffix on features plus the features once
    assert first.seconds == pytest.approx(first.feature_seconds + 2 * (first.seconds_per_step * first.steps_per_epoch
                                                                       + 24 / first.images_per_second / 3))
    full = estimate_run_time(replace(cfg, feature_cache=False), ds, steps=3)
    assert full.features == "" and full.feature_seconds == 0
    assert train(cfg).status == "completed"  # stores the features in the cache folder
    again = estimate_run_time(cfg, ds, steps=3)
    assert again.features == "reuse" and again.feature_seconds == 0 and again.seconds < first.seconds
    other_lr = replace(cfg, optim=replace(cfg.optim, lr=1e-3))  # the learning rate is not in the key
    assert estimate_run_time(other_lr, ds, steps=3).features == "reuse"
    other_seed = replace(cfg, seed=5)  # random frozen weights from another seed: other features
    assert estimate_run_time(other_seed, ds, steps=3).features == "compute"

def test_step_schedule_warns_when_a_short_run_drops_the_rate_early():
    step = OptimConfig(schedule="step", milestones=(0.5, 0.75))
    assert schedule_warnings(step, 30) == []
    assert schedule_warnings(step, 4) == []  # first drop after 2 epochs
    (early,) = schedule_warnings(step, 3)
    assert early.kind == "early_drop" and early.drop_epoch == pytest.approx(1.5)
    assert "3 epochs" in early.message and "after 1.5 epochs" in early.message
    (first,) = schedule_warnings(step, 1)
    assert first.kind == "drop_in_first_epoch" and "inside the first epoch" in first.message
    kinds = [w.kind for w in schedule_warnings(OptimConfig(schedule="step", warmup_epochs=5), 6)]
    assert kinds == ["warmup_past_drop"]
    assert schedule_warnings(OptimConfig(schedule="cosine"), 1) == []


def test_group_lrs_names_every_parameter_group():
    a, b = torch.nn.Linear(2, 2), torch.nn.Linear(2, 2)
    opt = torch.optim.SGD([{"params": a.parameters(), "lr": 1e-4, "name": "backbone"},
                           {"params": b.parameters(), "lr": 1e-3}], lr=0.1)
    assert group_lrs(opt) == (("backbone", 1e-4), ("group 1", 1e-3))


def test_engine_events_carry_every_groups_lr(tmp_path):
    from cnn_studio.core.training.callbacks import Callback
    from cnn_studio.core.training.engine import train
    from cnn_studio.core.training.events import BatchProgress, EpochEnded

    events = []

    class Record(Callback):
        def on_event(self, event):
            if isinstance(event, (BatchProgress, EpochEnded)):
                events.append(event)

    cfg = tiny_config(make_color_dataset(tmp_path / "d"), tmp_path / "run", epochs=1)
    assert train(cfg, callbacks=[Record()]).status == "completed"
    ended = [e for e in events if isinstance(e, EpochEnded)]
    assert ended and all(e.lrs and [name for name, _ in e.lrs] == ["backbone", "head"] for e in ended)
    lrs = dict(ended[-1].lrs)  # no pretrained backbone: both groups at the scheduled rate; lr is the first's
    assert lrs["backbone"] == ended[-1].lr and lrs["head"] == pytest.approx(ended[-1].lr)
