"""Cached-feature training through the engine (issue 15): same results as the full forward, whole
checkpoints, the store reused by the next run, and the fallback said in the log."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from cnn_studio.core import runs
from cnn_studio.core.config import FreezeConfig
from cnn_studio.core.inference import Predictor
from cnn_studio.core.training.callbacks import EventRecorder
from cnn_studio.core.training.engine import train
from cnn_studio.core.training.events import BatchProgress, EpochEnded, FeaturesCached
from tests.core.training_fixtures import make_color_dataset, tiny_config


@pytest.fixture(scope="module")
def data_root(tmp_path_factory):
    return make_color_dataset(tmp_path_factory.mktemp("colors"), {"train": 16, "val": 6, "test": 6})


def _cfg(data_root: Path, out: Path, cache: Path, **changes):
    cfg = tiny_config(data_root, out, epochs=2)
    data = replace(cfg.data, augment_translate=0, augment_flip=True, cutout=0, cache_dir=str(cache))
    freeze = FreezeConfig(preset="from-layer", trainable_from="block3")
    return replace(cfg, data=data, freeze=freeze, **changes)


def _run(cfg):
    recorder = EventRecorder()
    result = train(cfg, callbacks=[recorder])
    assert result.status == "completed", result.message
    return result, recorder


def test_cached_run_equals_the_full_forward_and_keeps_whole_checkpoints(data_root, tmp_path):
    cache = tmp_path / "cache"
    full, full_events = _run(_cfg(data_root, tmp_path / "full", cache, feature_cache=False))
    cached, events = _run(_cfg(data_root, tmp_path / "cached", cache))
    off = full_events.of_type(FeaturesCached)
    assert [e.stage for e in off] == ["off"] and "off in the settings" in off[0].message
    stages = [e.stage for e in events.of_type(FeaturesCached)]
    assert stages[0] == "computing" and stages[-1] == "ready"
    ready = events.of_type(FeaturesCached)[-1]
    assert ready.boundary == "block3.conv" and "mirrored" in ready.message
    assert events.events.index(events.of_type(FeaturesCached)[-1]) < events.events.index(events.of_type(EpochEnded)[0])
    for a, b in zip(full.history, cached.history, strict=True):
        for key in ("train_loss", "heldout_loss"):
            assert a[key] == pytest.approx(b[key], rel=1e-4, abs=1e-6)
        assert a["train_accuracy"] == pytest.approx(b["train_accuracy"])
        assert a["heldout_accuracy"] == pytest.approx(b["heldout_accuracy"])
    assert cached.test_accuracy == pytest.approx(full.test_accuracy)
    # an epoch on features is shorter than the progress interval: its last step still reaches the
    # step curves (learning rate, throughput), once per epoch
    ends = [e for e in events.of_type(BatchProgress) if e.step == e.steps_per_epoch]
    assert [e.epoch for e in ends] == [1, 2] and all(e.lrs and e.images_per_second > 0 for e in ends)
    # best.pt is the whole model: it loads and predicts the test images as the cached test pass did.
    predictor = Predictor.from_checkpoint(cached.best_checkpoint)
    results = json.loads((Path(cached.run_dir) / runs.TEST_RESULTS_FILE).read_text())
    paths = [r["path"] for r in results["predictions"]]
    predicted = [p.top[0].index for p in predictor.predict(paths, topk=1)]
    expected = [r["predicted_index"] for r in results["predictions"]]
    assert predicted == expected


def test_next_run_reuses_the_stored_features(data_root, tmp_path):
    cache = tmp_path / "cache"
    first, _ = _run(_cfg(data_root, tmp_path / "a", cache))
    second, events = _run(_cfg(data_root, tmp_path / "b", cache))
    assert [e.stage for e in events.of_type(FeaturesCached)] == ["reused"]
    assert np.allclose([h["train_loss"] for h in first.history], [h["train_loss"] for h in second.history])


def test_non_prefix_freezing_falls_back_to_the_full_forward(data_root, tmp_path):
    cfg = _cfg(data_root, tmp_path / "custom", tmp_path / "cache")
    cfg = replace(cfg, freeze=FreezeConfig(preset="custom", frozen=("block2",)))
    result, events = _run(cfg)
    off = events.of_type(FeaturesCached)
    assert [e.stage for e in off] == ["off"]
    assert "first layer already trains" in off[0].message
    assert len(result.history) == 2


def test_cli_prints_the_decision_and_progress_and_has_the_flag():
    import argparse
    import io

    from cnn_studio.cli import train as train_cli
    from cnn_studio.cli.train import print_features

    out = io.StringIO()
    print_features(FeaturesCached(stage="computing", message="Cached features: here.", total=4), tty=False, stream=out)
    print_features(FeaturesCached(stage="computing", message="", done=2, total=4), tty=False, stream=out)
    print_features(FeaturesCached(stage="reused", message="Training on cached features."), tty=False, stream=out)
    assert out.getvalue().splitlines() == ["Cached features: here.", "Training on cached features."]
    tty = io.StringIO()
    print_features(FeaturesCached(stage="computing", message="", done=2, total=4), tty=True, stream=tty)
    assert "50% (2/4 images)" in tty.getvalue()
    parser = argparse.ArgumentParser()
    train_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["train", "--data", "d", "--model", "resnet20", "--no-feature-cache"])
    assert train_cli.build_config(args).feature_cache is False


def test_stop_while_computing_features_ends_the_run_stopped(data_root, tmp_path):
    from cnn_studio.core.training.callbacks import Callback
    from cnn_studio.core.training.control import TrainingControl

    control = TrainingControl()

    class StopOnProgress(Callback):
        def on_event(self, event):
            if isinstance(event, FeaturesCached) and event.stage == "computing":
                control.stop()

    cfg = _cfg(data_root, tmp_path / "stopped", tmp_path / "cache")
    result = train(cfg, callbacks=[StopOnProgress()], control=control)
    assert result.status == "stopped" and result.epochs == 0
    assert not list((tmp_path / "cache" / "features").glob("*/meta.json"))  # nothing half-written kept
