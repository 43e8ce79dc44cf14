"""The engine's side of issue 12: divergence, interval last.pt, a stop before the first batch."""

from __future__ import annotations

import json
import math
import time
from dataclasses import replace

import pytest
import torch

from cnn_studio.core import runs
from cnn_studio.core.checkpoint import first_nonfinite, load_checkpoint
from cnn_studio.core.errors import ConfigError
from cnn_studio.core.training.callbacks import Callback, EventRecorder
from cnn_studio.core.training.control import TrainingControl
from cnn_studio.core.training.divergence import EXPLODE_FACTOR, Diverged, DivergenceGuard
from cnn_studio.core.training.engine import train
from cnn_studio.core.training.events import BatchProgress, RunFailed
from tests.core.training_fixtures import make_color_dataset, tiny_config


@pytest.fixture(scope="module")
def data_root(tmp_path_factory):
    return make_color_dataset(tmp_path_factory.mktemp("colors"), {"train": 24, "val": 6})


def test_guard_catches_an_exploding_loss_and_nan_weights():
    guard = DivergenceGuard(num_classes=10, lr=99.0)
    guard.check_loss(2.3, epoch=0)
    guard.check_loss(EXPLODE_FACTOR * math.log(10) * 0.99, epoch=0)  # a bad spike, not yet divergence
    with pytest.raises(Diverged) as err:
        guard.check_loss(2e24, epoch=1, kept="last.pt from epoch 1 was kept")
    message = str(err.value)
    assert "diverged in epoch 2" in message and "2e+24" in message and "lower it" in message
    assert "warm-up" in message and "last.pt from epoch 1 was kept" in message and "\n" not in message
    guard.check_loss(1.9e12, epoch=0, what="held-out loss")  # BatchNorm statistics of a tiny run: not divergence
    assert guard.heldout_exploded(1.9e12)  # ... but the epoch carries a warning (the plain56 case of issue 12)
    assert not guard.heldout_exploded(2.5) and not guard.heldout_exploded(None)
    assert not guard.heldout_exploded(float("nan"))  # NaN is a failure, handled by check_loss
    with pytest.raises(Diverged, match="held-out loss became NaN"):
        guard.check_loss(float("nan"), epoch=0, what="held-out loss")
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4))
    guard.check_weights(model, epoch=0)
    model[1].running_var.fill_(float("inf"))
    with pytest.raises(Diverged, match="BatchNorm statistic '1.running_var'"):
        guard.check_weights(model, epoch=0)


def test_nan_batchnorm_statistics_fail_the_run_and_keep_last_good(data_root, tmp_path, monkeypatch):
    real_forward = torch.nn.BatchNorm2d.forward
    calls = {"n": 0}

    def poisoned(self, x):
        out = real_forward(self, x)
        if self.training:
            calls["n"] += 1
            if calls["n"] > 3 * 5:  # epoch 1 (5 batches, 3 BN layers) is fine; then the statistics overflow
                self.running_var = torch.full_like(self.running_var, float("inf"))  # a new tensor: autograd intact
        return out

    monkeypatch.setattr(torch.nn.BatchNorm2d, "forward", poisoned)
    rec = EventRecorder()
    result = train(tiny_config(data_root, tmp_path / "run", epochs=3), callbacks=[rec])
    assert result.status == "failed" and "BatchNorm statistic" in result.message
    assert "diverged in epoch 2" in result.message and "last.pt from epoch 1 was kept" in result.message
    assert rec.of_type(RunFailed)[0].kind == "nonfinite"
    last = load_checkpoint(tmp_path / "run" / runs.LAST_CHECKPOINT)
    assert last["epoch"] == 1 and first_nonfinite(last["model_state"]) is None
    assert runs.read_summary(tmp_path / "run")["status"] == "failed"


class _Slow(Callback):
    """Makes each batch look slow, and stops the run after a few progress reports."""

    def __init__(self, control: TrainingControl, folder, stop_after: int) -> None:
        self.control, self.folder, self.stop_after, self.seen = control, folder, stop_after, []

    def on_event(self, event) -> None:
        if isinstance(event, BatchProgress):
            time.sleep(0.15)
            self.seen.append(event.step)
            last = self.folder / runs.LAST_CHECKPOINT
            if len(self.seen) == self.stop_after:
                assert last.is_file()  # written inside the epoch, before any stop
                self.mid_epoch = load_checkpoint(last)
                self.control.stop()


def test_last_pt_is_written_inside_long_epochs(data_root, tmp_path, monkeypatch):
    from cnn_studio.core.training import engine

    monkeypatch.setattr(engine, "PROGRESS_INTERVAL_S", 0.0)  # a progress event (and a slow callback) every batch
    control = TrainingControl()
    folder = tmp_path / "run"
    slow = _Slow(control, folder, stop_after=3)
    cfg = tiny_config(data_root, folder, epochs=1, batch_size=4, checkpoint_every_s=0.1)
    result = train(cfg, callbacks=[slow], control=control)
    assert result.status == "stopped"
    assert slow.mid_epoch["epoch"] == 0 and 0 < slow.mid_epoch["epoch_step"] < 18
    done = train(None, resume_from=folder)
    assert done.status == "completed" and done.epochs == 1


def test_stop_before_the_first_batch_still_leaves_last_pt(data_root, tmp_path):
    from cnn_studio.core.data.dataset import open_dataset

    cfg = tiny_config(data_root, tmp_path / "run", epochs=2)
    dataset = open_dataset(cfg.data)  # the GUI hands the opened dataset to the run
    control = TrainingControl()
    control.stop()  # the window closed within a second of Start
    folder = tmp_path / "run"
    result = train(cfg, control=control, dataset=dataset)
    assert result.status == "stopped" and result.last_checkpoint
    assert load_checkpoint(folder / runs.LAST_CHECKPOINT)["epoch"] == 0
    assert runs.run_info(folder).status == "stopped"
    done = train(None, resume_from=folder)
    assert done.status == "completed" and done.epochs == 2


def test_resume_asking_for_fewer_epochs_than_done_is_refused(data_root, tmp_path):
    folder = tmp_path / "run"
    cfg = tiny_config(data_root, folder, epochs=2)
    assert train(cfg).status == "completed"
    with pytest.raises(ConfigError, match="already completed 2 epochs"):
        train(replace(cfg, epochs=1), resume_from=folder)
    assert json.loads((folder / runs.CONFIG_FILE).read_text())["epochs"] == 2
