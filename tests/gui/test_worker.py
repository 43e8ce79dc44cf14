"""One event path: the worker relays every core event on ``event``; the controller calls the subscribers of its type."""

from __future__ import annotations

import numpy as np

from cnn_studio.core.training.events import (
    BatchProgress, EpochEnded, RunFailed, RunFinished, RunStarted, TrainingEvent, WeightsSnapshot,
)
from cnn_studio.gui.controller import Controller
from cnn_studio.gui.worker import TrainingWorker
from tests.core.training_fixtures import tiny_config


def _events() -> list:
    return [
        RunStarted(run_dir="r", model_name="simple_cnn", device="cpu", precision="fp32", classes=("a", "b"),
                   epochs=1, start_epoch=0, steps_per_epoch=2, train_images=4, heldout_name="", heldout_images=0,
                   image_size=16, input_size=16, world_size=1),
        BatchProgress(epoch=1, step=1, steps_per_epoch=2, global_step=1, total_steps=2, epoch_fraction=0.5,
                      loss=1.0, accuracy=0.5, lr=0.1, images_per_second=10.0),
        EpochEnded(epoch=1, epochs=1, train_loss=1.0, train_accuracy=0.5, heldout_name="", heldout_loss=None,
                   heldout_accuracy=None, best_accuracy=None, is_best=False, lr=0.1, seconds=1.0,
                   images_per_second=4.0),
        WeightsSnapshot(epoch=1, weights={"conv": np.zeros((1, 1, 3, 3), dtype=np.float32)}),
        RunFailed(message="Too high.", details="trace", kind="nonfinite", user_error=True),
        RunFinished(status="failed", run_dir="r", epochs_completed=1, best_accuracy=None, best_checkpoint=None,
                    last_checkpoint=None, test_accuracy=None, message="Too high.", seconds=1.0),
    ]


def test_controller_calls_the_subscribers_of_each_events_type(qtbot):
    controller = Controller()
    seen: dict[str, list] = {name: [] for name in ("all", "started", "progress", "epoch", "snapshot", "finished",
                                                   "failed")}
    controller.subscribe(TrainingEvent, seen["all"].append)
    controller.subscribe(RunStarted, seen["started"].append)
    controller.subscribe(BatchProgress, seen["progress"].append)
    controller.subscribe(EpochEnded, seen["epoch"].append)
    controller.subscribe(WeightsSnapshot, seen["snapshot"].append)
    controller.subscribe(RunFinished, seen["finished"].append)
    controller.subscribe(RunFailed, lambda e: seen["failed"].append((e.message, e.details, e.user_error)))
    events = _events()
    for event in events:
        controller._on_training_event(event)
    assert seen["all"] == events
    assert seen["started"] == [events[0]] and seen["progress"] == [events[1]] and seen["epoch"] == [events[2]]
    assert seen["snapshot"] == [events[3]] and seen["finished"] == [events[5]]
    assert seen["failed"] == [("Too high.", "trace", True)]


def test_worker_relays_an_error_before_the_run_as_one_run_failed_event(qtbot, tmp_path):
    worker = TrainingWorker(tiny_config(tmp_path / "no-such-folder", tmp_path / "run"), control=None)
    events, results, finished = [], [], []
    worker.event.connect(events.append)
    worker.result_ready.connect(results.append)
    worker.finished.connect(lambda: finished.append(True))
    worker.run()  # synchronously, in this thread
    assert len(events) == 1 and isinstance(events[0], RunFailed)
    assert events[0].user_error and events[0].kind == "user_error" and events[0].details == ""
    assert "no-such-folder" in events[0].message and "does not exist" in events[0].message
    assert results == [None] and finished == [True]


def test_a_failed_start_reaches_the_controller_from_the_training_thread(qtbot, tmp_path):
    controller = Controller()
    failures, all_events = [], []
    controller.subscribe(RunFailed, lambda e: failures.append((e.message, e.details, e.user_error)))
    controller.subscribe(TrainingEvent, all_events.append)
    with qtbot.waitSignal(controller.training_thread_finished, timeout=60000):
        controller.start_training(tiny_config(tmp_path / "missing", tmp_path / "run"))
    assert len(failures) == 1 and failures[0][2] is True
    assert [type(e) for e in all_events] == [RunFailed] and all_events[0].message == failures[0][0]
    assert controller.state == "idle" and controller.last_result is None


def test_unsubscribing_stops_the_calls_and_a_subclass_reaches_its_base_subscribers(qtbot):
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class LateEpochEnded(EpochEnded):
        """A new event kind derived from an existing one."""

    controller = Controller()
    epochs: list = []
    unsubscribe = controller.subscribe(EpochEnded, epochs.append)
    events = _events()
    late = LateEpochEnded(**{f: getattr(events[2], f) for f in events[2].__dataclass_fields__})
    controller._on_training_event(late)
    unsubscribe()
    controller._on_training_event(events[2])
    assert epochs == [late]
    controller.subscribe(BatchProgress, epochs.append)
    controller.clear_subscribers(TrainingEvent)
    controller._on_training_event(events[1])
    assert epochs == [late]
