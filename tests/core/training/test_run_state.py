"""The training run's pieces on their own: RunState, RunContext, checkpoints, callbacks (no loop)."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch

from cnn_studio.core.training import checkpoints
from cnn_studio.core.training.callbacks import Callback, EventRecorder
from cnn_studio.core.training.context import build_context, started_event
from cnn_studio.core.training.events import EpochEnded, RunFailed, RunStarted, TrainingEvent
from cnn_studio.core.training.metrics import RunningStats
from cnn_studio.core.training.run_state import (
    ResumePoint, RunState, make_result, nonfinite_message, oom_message,
)
from cnn_studio.core.training.setup import DistContext
from tests.core.training_fixtures import make_color_dataset, tiny_config


@pytest.fixture(scope="module")
def data_root(tmp_path_factory):
    return make_color_dataset(tmp_path_factory.mktemp("colors"), per_class={"train": 8, "val": 4})


def _epoch_record(epoch: int, acc: float) -> dict:
    return {"kind": "epoch", "epoch": epoch, "train_loss": 1.0, "train_accuracy": 0.5, "heldout_name": "val",
            "heldout_loss": 0.9, "heldout_accuracy": acc, "lr": 0.001, "seconds": 1.0, "images_per_second": 10.0}


def test_callback_base_ignores_events_and_recorder_keeps_them_in_order():
    failed = RunFailed(message="x", details="")
    assert Callback().on_event(failed) is None
    rec = EventRecorder()
    for event in (failed, "anything"):
        rec.on_event(event)
    assert rec.events == [failed, "anything"] and rec.of_type(RunFailed) == [failed]
    assert RunFailed in TrainingEvent.__args__ and EpochEnded in TrainingEvent.__args__


def test_stopped_mid_epoch_only_after_new_batches():
    state = RunState(stats=RunningStats("cpu"))
    assert not state.stopped_mid_epoch()  # nothing trained yet
    state.epoch, state.step_in_epoch = 0, 3
    assert state.stopped_mid_epoch()
    state.history.append(_epoch_record(1, 0.5))  # epoch 0 ended: its last.pt is already written
    assert not state.stopped_mid_epoch()
    state.epoch, state.step_in_epoch = 1, 0
    assert not state.stopped_mid_epoch()


def test_make_result_reports_only_existing_checkpoints_and_the_rate(tmp_path):
    state = RunState(stats=RunningStats("cpu"), best_accuracy=0.75, images_seen=300, train_seconds=2.0)
    state.history = [_epoch_record(1, 0.75)]
    (tmp_path / "last.pt").write_bytes(b"x")
    result = make_result(state, run_dir=str(tmp_path), heldout_name="val", world_size=2, status="stopped",
                         message="m", seconds=3.0)
    assert result.last_checkpoint == str(tmp_path / "last.pt") and result.best_checkpoint is None
    assert result.images_per_second == 300.0 and result.epochs == 1 and result.best_val_accuracy == 0.75
    assert result.history == state.history and result.history is not state.history
    empty = make_result(RunState(stats=RunningStats("cpu")), run_dir=None, heldout_name="", world_size=1,
                        status="failed", message="", seconds=0.0)
    assert empty.run_dir == "" and empty.images_per_second is None and empty.last_checkpoint is None


def test_failure_messages_name_the_cause_and_the_fix():
    assert "epoch 3" in nonfinite_message(2, 0.5, checkpoint_kept=True)
    assert "last.pt from epoch 2 was kept" in nonfinite_message(2, 0.5, checkpoint_kept=True)
    assert "no checkpoint was written yet" in nonfinite_message(0, 0.5, checkpoint_kept=True)
    assert "(0.5)" in nonfinite_message(2, 0.5, checkpoint_kept=False)
    text = oom_message(torch.device("cuda", 0), 256, 224)
    assert "CUDA" in text and "batch size 256" in text and "input size 224" in text


def test_skip_trained_batches_restores_sums_on_rank_0_and_the_rng():
    torch.manual_seed(5)
    from cnn_studio.core.checkpoint import capture_rng_state

    rng_now = capture_rng_state()
    expected = torch.rand(3)
    torch.manual_seed(99)
    batches = iter(range(10))
    stats = RunningStats("cpu")
    resume = ResumePoint(epoch_step=4, epoch_sums=[8.0, 3.0, 16.0], rng_now=rng_now)
    checkpoints.skip_trained_batches(batches, resume, stats, is_main=True)
    assert next(batches) == 4 and stats.sums.tolist() == [8.0, 3.0, 16.0]
    assert torch.equal(torch.rand(3), expected)
    other = RunningStats("cpu")
    checkpoints.skip_trained_batches(iter(range(10)), resume, other, is_main=False)
    assert other.sums.tolist() == [0.0, 0.0, 0.0]  # the sums were saved summed over ranks: counted once


def test_context_checkpoint_and_restore_round_trip_without_the_loop(data_root, tmp_path):
    cfg = tiny_config(data_root, epochs=4)
    ctx = build_context(cfg, DistContext(), None, resuming=False, cancel=lambda: False)
    assert ctx.heldout_name == "val" and sorted(ctx.classes) == ["blue", "green", "red"]
    assert ctx.steps_per_epoch == 2 and ctx.model is ctx.prepared.model
    ctx.run_dir = str(tmp_path)
    event = started_event(ctx, start_epoch=0)
    assert isinstance(event, RunStarted) and event.train_images == 24 and event.heldout_images == 12
    state = RunState(stats=RunningStats(ctx.device), epoch=1, global_step=4, best_accuracy=0.5,
                     history=[_epoch_record(1, 0.5), _epoch_record(2, 0.25)])
    checkpoints.save_epoch_checkpoints(ctx, state, 2, is_best=False)
    assert (tmp_path / "last.pt").is_file() and not (tmp_path / "best.pt").exists()
    ckpt, folder = checkpoints.load_resume(tmp_path)
    assert folder == tmp_path and ckpt["epoch"] == 2
    fresh = build_context(cfg, DistContext(), ctx.dataset, resuming=True, cancel=lambda: False)
    restored = checkpoints.restore(fresh, ckpt)
    assert (restored.start_epoch, restored.epoch, restored.global_step) == (2, 2, 4)
    assert restored.best_accuracy == 0.5 and [r["epoch"] for r in restored.history] == [1, 2]
    assert restored.resume.epoch_step == 0
    for key, value in ctx.model.state_dict().items():
        assert torch.equal(fresh.model.state_dict()[key], value)


def test_run_helpers_import_without_the_engine():
    code = ("import sys; import cnn_studio.core.training.run_state, cnn_studio.core.training.checkpoints, "
            "cnn_studio.core.training.context, cnn_studio.core.training.callbacks; "
            "print('cnn_studio.core.training.engine' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "False"


class _RaiseOnFirstEpoch(EventRecorder):
    def __init__(self, exc: Exception) -> None:
        super().__init__()
        self.exc = exc

    def on_event(self, event: TrainingEvent) -> None:
        super().on_event(event)
        if isinstance(event, EpochEnded):
            raise self.exc


def test_out_of_memory_ends_the_run_failed_with_advice_and_other_errors_are_reraised(data_root, tmp_path):
    from cnn_studio.core.training.engine import train
    from cnn_studio.core.training.events import RunFinished

    rec = _RaiseOnFirstEpoch(RuntimeError("CUDA out of memory. Tried to allocate 2 GiB"))
    result = train(tiny_config(data_root, tmp_path / "oom", epochs=2), callbacks=[rec])
    assert result.status == "failed" and "batch size 16" in result.message and result.epochs == 1
    failed = rec.of_type(RunFailed)
    assert [f.kind for f in failed] == ["out_of_memory"] and failed[0].user_error
    assert [type(e) for e in rec.events][-2:] == [RunFailed, RunFinished]
    assert rec.of_type(RunFinished)[0].status == "failed" and result.last_checkpoint  # epoch 1's last.pt kept
    bug = _RaiseOnFirstEpoch(ValueError("a bug"))
    with pytest.raises(ValueError, match="a bug"):
        train(tiny_config(data_root, tmp_path / "bug", epochs=2), callbacks=[bug])
    failed = bug.of_type(RunFailed)
    assert [f.kind for f in failed] == ["error"] and not failed[0].user_error and "ValueError" in failed[0].details
    assert bug.of_type(RunFinished)[0].status == "failed" and bug.of_type(RunFinished)[0].message == "a bug"
