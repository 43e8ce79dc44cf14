"""The training engine on a small generated dataset: learning, run folder, events, control,
resume equality, NaN handling."""

from __future__ import annotations

import json
import threading
from dataclasses import replace

import numpy as np
import pytest
import torch

from cnn_studio.core import runs
from cnn_studio.core.checkpoint import load_checkpoint
from cnn_studio.core.config import DataConfig
from cnn_studio.core.data.dataset import open_dataset
from cnn_studio.core.training.callbacks import Callback, EventRecorder
from cnn_studio.core.training.control import TrainingControl
from cnn_studio.core.training.engine import train
from cnn_studio.core.training.events import EpochEnded, RunFailed, RunFinished, RunStarted, WeightsSnapshot
from tests.core.training_fixtures import make_color_dataset, tiny_config


@pytest.fixture(scope="module")
def data_root(tmp_path_factory):
    return make_color_dataset(tmp_path_factory.mktemp("colors"))


def _epochs(result):
    return [(h["epoch"], h["train_loss"], h["train_accuracy"], h["heldout_loss"], h["heldout_accuracy"])
            for h in result.history]


def test_short_run_learns_and_writes_the_run_folder(data_root, tmp_path):
    rec = EventRecorder()
    control = TrainingControl(snapshot_layers={"block1.conv", "classifier.4", "no.such.layer"})
    result = train(tiny_config(data_root, tmp_path / "run"), callbacks=[rec], control=control)
    assert result.status == "completed" and result.epochs == 3
    assert result.heldout_name == "val"
    assert result.test_accuracy is not None and result.test_accuracy >= 0.8  # chance is 1/3
    assert result.best_val_accuracy >= 0.8
    folder = tmp_path / "run"
    for name in ("config.json", "metrics.jsonl", "last.pt", "best.pt", "summary.json", "test_results.json"):
        assert (folder / name).is_file(), name
    assert [r["epoch"] for r in runs.read_metrics(folder, kind="epoch")] == [1, 2, 3]
    assert runs.read_summary(folder)["status"] == "completed"
    tests = runs.read_test_results(folder)
    assert tests["count"] == 24 and sum(map(sum, tests["confusion_matrix"])) == 24
    assert set(tests["per_class_accuracy"]) == {"blue", "green", "red"}
    assert tests["misclassified_total"] == round(24 * (1 - tests["accuracy"]))
    for m in tests["misclassified"]:
        assert m["true"] != m["predicted"] and 0 <= m["confidence"] <= 1 and m["path"].endswith(".png")
    # every test image has its prediction, so each confusion cell can list its images
    preds = tests["predictions"]
    assert len(preds) == 24 and len({p["path"] for p in preds}) == 24
    cells = np.zeros((3, 3), dtype=int)
    for p in preds:
        cells[p["true_index"], p["predicted_index"]] += 1
    assert cells.tolist() == tests["confusion_matrix"]
    best = load_checkpoint(folder / "best.pt")
    assert best["class_names"] == ["blue", "green", "red"] and best["input_size"] == 16
    last = load_checkpoint(folder / "last.pt")
    assert last["epoch"] == 3 and last["optimizer_state"] is not None
    # events: started, 3 epochs, snapshots of the conv layer only (numpy copies), finished
    assert isinstance(rec.events[0], RunStarted) and isinstance(rec.events[-1], RunFinished)
    assert [e.epoch for e in rec.of_type(EpochEnded)] == [1, 2, 3]
    snaps = rec.of_type(WeightsSnapshot)
    assert len(snaps) == 3 and set(snaps[0].weights) == {"block1.conv"}
    assert isinstance(snaps[0].weights["block1.conv"], np.ndarray)
    assert snaps[0].weights["block1.conv"].shape == (8, 3, 3, 3)
    assert not np.array_equal(snaps[0].weights["block1.conv"], snaps[2].weights["block1.conv"])
    assert rec.of_type(RunFinished)[0].status == "completed"


def test_same_seed_same_metrics_and_resume_equals_uninterrupted(data_root, tmp_path):
    cfg = tiny_config(data_root)
    full = train(cfg.replace(out_dir=str(tmp_path / "a")))
    again = train(cfg.replace(out_dir=str(tmp_path / "b")))
    assert _epochs(full) == _epochs(again)  # deterministic on CPU

    class StopAfterFirstEpoch(Callback):
        def __init__(self, control):
            self.control = control

        def on_event(self, event):
            if isinstance(event, EpochEnded) and event.epoch == 1:
                self.control.stop()

    control = TrainingControl()
    stopped = train(cfg.replace(out_dir=str(tmp_path / "c")), callbacks=[StopAfterFirstEpoch(control)],
                    control=control)
    assert stopped.status == "stopped" and stopped.epochs == 1 and stopped.test_accuracy is None
    resumed = train(None, resume_from=tmp_path / "c")
    assert resumed.status == "completed" and resumed.run_dir == str(tmp_path / "c")
    assert _epochs(resumed) == _epochs(full)
    assert resumed.test_accuracy == full.test_accuracy
    assert [r["epoch"] for r in runs.read_metrics(tmp_path / "c", kind="epoch")] == [1, 2, 3]
    a, c = load_checkpoint(tmp_path / "a" / "last.pt"), load_checkpoint(tmp_path / "c" / "last.pt")
    for key, value in a["model_state"].items():
        assert torch.equal(value, c["model_state"][key]), key


class StopAtBatch(TrainingControl):
    """Requests a stop at the n-th batch check: a deterministic stop in the middle of an epoch."""

    def __init__(self, n):
        super().__init__()
        self.n, self.calls = n, 0

    def check(self):
        self.calls += 1
        if self.calls == self.n:
            self.stop()
        super().check()


def test_stop_mid_epoch_then_resume_equals_uninterrupted(data_root, tmp_path):
    cfg = tiny_config(data_root).replace(epochs=2)
    full = train(cfg.replace(out_dir=str(tmp_path / "a")))
    # epoch 1 makes 6 checks (5 training batches, 1 held-out batch); the 9th is before batch 3 of epoch 2
    stopped = train(cfg.replace(out_dir=str(tmp_path / "b")), control=StopAtBatch(9))
    assert stopped.status == "stopped" and stopped.epochs == 1
    assert load_checkpoint(tmp_path / "b" / "last.pt")["epoch_step"] == 2
    resumed = train(None, resume_from=tmp_path / "b" / "last.pt")
    assert resumed.status == "completed"
    for (e1, *m1), (e2, *m2) in zip(_epochs(full), _epochs(resumed)):
        assert e1 == e2 and m1 == pytest.approx(m2, rel=1e-6, abs=1e-9)


def test_stop_pause_resume_from_another_thread(data_root, tmp_path):
    control = TrainingControl()
    second_epoch, third_epoch = threading.Event(), threading.Event()
    rec = EventRecorder()

    class Signals(Callback):
        def on_event(self, event):
            if not isinstance(event, EpochEnded):
                return
            if event.epoch == 2:
                second_epoch.set()
            if event.epoch == 3:
                third_epoch.set()

    outcome = {}
    dataset = open_dataset(tiny_config(data_root).data)  # pre-opened, as the GUI does
    worker = threading.Thread(target=lambda: outcome.setdefault("result", train(
        tiny_config(data_root, tmp_path / "run").replace(epochs=500), callbacks=[rec, Signals()],
        control=control, dataset=dataset)))
    worker.start()
    try:
        assert second_epoch.wait(30)
        control.pause()
        assert control.is_paused
        threading.Event().wait(0.3)  # let the loop reach its next batch boundary
        seen = len(rec.of_type(EpochEnded))
        threading.Event().wait(0.5)
        assert len(rec.of_type(EpochEnded)) == seen  # paused: no progress
        assert worker.is_alive()
        control.resume()
        assert third_epoch.wait(30)
        control.stop()
    finally:
        control.stop()
        worker.join(30)
    assert not worker.is_alive()
    result = outcome["result"]
    assert result.status == "stopped" and 3 <= result.epochs < 500
    assert (tmp_path / "run" / "last.pt").is_file()
    assert rec.of_type(RunFinished)[0].status == "stopped"
    assert load_checkpoint(tmp_path / "run" / "last.pt")["epoch"] >= 3


def test_nan_loss_fails_with_advice(data_root, tmp_path):
    cfg = tiny_config(data_root, tmp_path / "run")
    cfg = cfg.replace(optim=replace(cfg.optim, optimizer="sgd", lr=90.0, momentum=0.9, schedule="constant"))
    rec = EventRecorder()
    result = train(cfg, callbacks=[rec])
    assert result.status == "failed" and "learning rate" in result.message
    failed = rec.of_type(RunFailed)
    assert len(failed) == 1 and failed[0].kind == "nonfinite" and failed[0].user_error
    assert runs.read_summary(tmp_path / "run")["status"] == "failed"


def test_nan_after_first_epoch_keeps_last_good_checkpoint(data_root, tmp_path, monkeypatch):
    import torch.nn.functional as F

    real = F.cross_entropy
    calls = {"n": 0}

    def poisoned(logits, target, *args, **kwargs):
        loss = real(logits, target, *args, **kwargs)
        if logits.requires_grad:
            calls["n"] += 1
            if calls["n"] > 6:  # epoch 1 has 5 batches; epoch 2 goes bad
                return loss * float("nan")
        return loss

    monkeypatch.setattr(F, "cross_entropy", poisoned)
    result = train(tiny_config(data_root, tmp_path / "run"))
    assert result.status == "failed" and "epoch 2" in result.message and "last.pt from epoch 1" in result.message
    last = load_checkpoint(tmp_path / "run" / "last.pt")
    assert last["epoch"] == 1
    assert all(torch.isfinite(v).all() for v in last["model_state"].values() if v.is_floating_point())


def test_engine_holds_out_the_carved_val_not_test(tmp_path):
    data = make_color_dataset(tmp_path / "data", {"train": 10, "test": 4})
    result = train(tiny_config(data, tmp_path / "run", epochs=1))
    assert result.heldout_name == "val" and result.test_accuracy is not None
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["heldout_name"] == "val"
    fallback = train(tiny_config(data, tmp_path / "run2", epochs=1).replace(
        data=DataConfig(root=str(data), image_size=16, num_workers=0, val_fraction=0.0)))
    assert fallback.heldout_name == "test"  # labelled: the summary says test picked best.pt
