"""Pieces of the engine: schedules, optimisers, device-side metrics, control, run folders."""

from __future__ import annotations

import json
import threading
import time

import pytest
import torch

from cnn_studio.core import runs
from cnn_studio.core.config import OptimConfig
from cnn_studio.core.training.control import StopTraining, TrainingControl
from cnn_studio.core.training.metrics import ConfusionMatrix, RunningStats, per_class_accuracy
from cnn_studio.core.training.optim import build_optimizer, build_scheduler, lr_factor_fn


def test_schedules_shape():
    step = lr_factor_fn(OptimConfig(schedule="step", milestones=(0.5, 0.75), gamma=0.1), 10, 10)
    assert [step(s) for s in (0, 49, 50, 74, 75, 99)] == pytest.approx([1, 1, 0.1, 0.1, 0.01, 0.01])
    cos = lr_factor_fn(OptimConfig(schedule="cosine"), 10, 10)
    assert cos(0) == 1 and cos(50) == pytest.approx(0.5) and cos(100) == pytest.approx(0)
    warm = lr_factor_fn(OptimConfig(schedule="constant", warmup_epochs=1), 10, 10)
    assert warm(0) < warm(5) < warm(9) < 1 == warm(10)
    one = lr_factor_fn(OptimConfig(schedule="onecycle"), 10, 10)
    assert one(0) == pytest.approx(1 / 25) and one(30) == pytest.approx(1) and one(99) < 1e-3


def test_scheduler_keeps_group_multipliers_and_state():
    w1, w2 = torch.nn.Parameter(torch.zeros(2)), torch.nn.Parameter(torch.zeros(2))
    cfg = OptimConfig(optimizer="sgd", lr=0.1, nesterov=True, schedule="cosine")
    opt = build_optimizer([{"params": [w1], "lr": 0.1}, {"params": [w2], "lr": 0.01}], cfg)
    assert opt.param_groups[0]["nesterov"]
    sched = build_scheduler(opt, cfg, steps_per_epoch=5, epochs=2)
    for _ in range(5):
        opt.step()
        sched.step()
    assert opt.param_groups[0]["lr"] == pytest.approx(0.05) and opt.param_groups[1]["lr"] == pytest.approx(0.005)
    state = sched.state_dict()
    again = build_scheduler(build_optimizer([w1], OptimConfig(optimizer="adamw")), cfg, 5, 2)
    again.load_state_dict(state)
    assert again.last_epoch == 5
    assert isinstance(build_optimizer([w1], OptimConfig(optimizer="adam")), torch.optim.Adam)


def test_running_stats_and_confusion():
    stats = RunningStats("cpu")
    logits = torch.tensor([[2.0, 0.0], [0.0, 1.0], [3.0, 0.0]])
    stats.update(torch.tensor(0.5), logits, torch.tensor([0, 1, 1]))
    stats.update(torch.tensor(1.0), logits[:1], torch.tensor([1]))
    loss, acc, n = stats.compute()
    assert n == 4 and acc == pytest.approx(0.5) and loss == pytest.approx((0.5 * 3 + 1.0) / 4)
    doubled = stats.compute(reduce=lambda t: t * 2)  # what an all_reduce over 2 equal ranks gives
    assert doubled[2] == 8 and doubled[1] == pytest.approx(0.5)
    cm = ConfusionMatrix(3, "cpu")
    cm.update(torch.tensor([0, 1, 1, 2]), torch.tensor([0, 1, 2, 2]))
    m = cm.compute()
    assert m.tolist() == [[1, 0, 0], [0, 1, 0], [0, 1, 1]]
    assert per_class_accuracy(m) == [1.0, 1.0, 0.5]
    cm2 = ConfusionMatrix(3, "cpu")
    cm2.update(torch.tensor([0]), torch.tensor([0]))
    assert per_class_accuracy(cm2.compute()) == [1.0, None, None]


def test_control_pause_blocks_until_resume_and_stop_unblocks():
    control = TrainingControl()
    control.check()  # nothing requested
    control.pause()
    passed = threading.Event()

    def worker():
        try:
            control.check()
            passed.set()
        except StopTraining:
            passed.set()

    t = threading.Thread(target=worker)
    t.start()
    assert not passed.wait(0.2)  # blocked while paused
    control.resume()
    assert passed.wait(2)
    t.join()
    control.pause()
    stopped = []
    t = threading.Thread(target=lambda: stopped.append(pytest.raises(StopTraining, control.check)))
    t.start()
    time.sleep(0.1)
    control.stop()  # a stop ends a pause and raises in the training thread
    t.join(2)
    assert not t.is_alive() and stopped and control.stop_requested and not control.is_paused
    control.snapshot_layers = ["conv1", "layer1.0.conv1"]
    assert control.snapshot_layers == frozenset({"conv1", "layer1.0.conv1"})


def test_run_folders(tmp_path):
    a = runs.new_run_dir(tmp_path, "resnet20")
    b = runs.new_run_dir(tmp_path, "resnet20")
    assert a != b and a.is_dir() and b.name.startswith(a.name)
    (a / "config.json").write_text(json.dumps({"model": {"name": "resnet20"}}))
    runs.append_metrics(a, {"kind": "epoch", "epoch": 1, "heldout_accuracy": 0.5})
    runs.append_metrics(a, {"kind": "step", "epoch": 2, "loss": 1.0})
    runs.append_metrics(a, {"kind": "epoch", "epoch": 2, "heldout_accuracy": 0.7})
    with open(a / "metrics.jsonl", "a") as f:
        f.write('{"kind": "ep')  # a torn last line (killed mid-write) is skipped
    assert [r["epoch"] for r in runs.read_metrics(a, kind="epoch")] == [1, 2]
    info = runs.list_runs(tmp_path)
    assert [r.path for r in info] == [str(a)]  # b has no config.json: not a run
    assert info[0].status == "running" and info[0].best_accuracy == 0.7 and info[0].model_name == "resnet20"
    runs.truncate_metrics_after(a, 1)
    assert [r["epoch"] for r in runs.read_metrics(a)] == [1]
    runs.write_json_atomic(a / "summary.json", {"status": "completed", "best_val_accuracy": 0.9,
                                                "test_accuracy": 0.8, "epochs": 2})
    info = runs.run_info(a)
    assert info.status == "completed" and info.test_accuracy == 0.8 and info.epochs_completed == 2


def test_compile_is_refused_with_a_clear_message_in_the_packaged_app(monkeypatch):
    from cnn_studio.core.config import TrainConfig
    from cnn_studio.core.errors import ConfigError
    from cnn_studio.core.training import setup

    monkeypatch.setattr(setup, "is_frozen", lambda: True)
    cfg = TrainConfig(compile=True)
    with pytest.raises(ConfigError, match="not available in the packaged app"):
        setup.prepare_model(cfg, 3, torch.device("cpu"), resuming=False)
