"""The lab's run queue: real (tiny) runs; pause, stop, cancel and resume without redoing finished runs."""

import threading
import time
from dataclasses import replace

import pytest

from cnn_studio.core import runs
from cnn_studio.core.config import DataConfig
from cnn_studio.core.data.dataset import open_dataset
from cnn_studio.core.lab.queue import LabQueue, read_outcome, run_folder, subset_train
from cnn_studio.core.training.events import BatchProgress, EpochEnded, RunFinished, RunStarted
from tests.core.lab.lab_fixtures import tiny_spec
from tests.core.training_fixtures import make_color_dataset


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory):
    root = make_color_dataset(tmp_path_factory.mktemp("lab_data"), {"train": 24, "test": 8})
    data = DataConfig(root=str(root), image_size=16, num_workers=0, validation="test",
                      cache_dir=str(tmp_path_factory.mktemp("lab_cache")))
    return root, open_dataset(data, workers=1)


def _specs(root):
    return [tiny_spec("a", root), tiny_spec("b", root, epochs=3), tiny_spec("c", root)]


def test_queue_trains_every_run_and_reports_progress_and_events(tiny_data, tmp_path):
    root, dataset = tiny_data
    events, progress = [], []
    queue = LabQueue(tmp_path, _specs(root), dataset=dataset, on_event=events.append,
                     progress=lambda d, t: progress.append((d, t)))
    assert queue.run() == "completed"
    assert progress[0] == (0, 7) and progress[-1] == (7, 7)
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)
    started = [e for e in events if isinstance(e.event, RunStarted)]
    assert [(e.run, e.index, e.total) for e in started] == [("a", 0, 3), ("b", 1, 3), ("c", 2, 3)]
    assert sum(isinstance(e.event, EpochEnded) for e in events) == 7
    outcomes = queue.outcomes()
    assert [o.status for o in outcomes] == ["completed"] * 3
    assert [len(o.history) for o in outcomes] == [2, 3, 2]
    assert all(o.seconds > 0 for o in outcomes)
    assert runs.read_summary(run_folder(tmp_path, outcomes[1].spec))["epochs"] == 3


def test_stop_then_resume_skips_finished_runs_and_continues_the_stopped_one(tiny_data, tmp_path):
    root, dataset = tiny_data
    specs = _specs(root)
    queue = LabQueue(tmp_path, specs, dataset=dataset)

    def stop_after_first_epoch_of_b(item):
        if item.run == "b" and isinstance(item.event, EpochEnded) and item.event.epoch == 1:
            queue.stop()

    queue.on_event = stop_after_first_epoch_of_b
    assert queue.run() == "stopped"
    assert [o.status for o in queue.outcomes()] == ["completed", "stopped", "pending"]
    assert len(queue.outcomes()[1].history) == 1
    a_summary = (run_folder(tmp_path, specs[0]) / runs.SUMMARY_FILE).stat().st_mtime_ns

    events, progress = [], []
    again = LabQueue(tmp_path, specs, dataset=dataset, on_event=events.append,
                     progress=lambda d, t: progress.append((d, t)))
    assert again.run() == "completed"
    started = [e for e in events if isinstance(e.event, RunStarted)]
    assert [e.run for e in started] == ["b", "c"]  # "a" was finished: not redone
    assert started[0].event.start_epoch == 1  # "b" resumed from its last.pt
    assert (run_folder(tmp_path, specs[0]) / runs.SUMMARY_FILE).stat().st_mtime_ns == a_summary
    assert progress[0] == (3, 7) and progress[-1] == (7, 7)
    b = read_outcome(tmp_path, specs[1])
    assert b.status == "completed" and [r["epoch"] for r in b.history] == [1, 2, 3]


def test_pause_holds_the_run_until_resume(tiny_data, tmp_path):
    root, dataset = tiny_data
    queue = LabQueue(tmp_path, [tiny_spec("a", root)], dataset=dataset)
    stamps, paused = [], []

    def on_event(item):
        stamps.append((time.perf_counter(), type(item.event).__name__))
        if isinstance(item.event, EpochEnded) and item.event.epoch == 1 and not paused:
            queue.pause()
            paused.append(queue.is_paused)
            threading.Timer(0.6, queue.resume).start()

    queue.on_event = on_event
    assert queue.run() == "completed"
    assert paused == [True] and not queue.is_paused
    ends = [t for t, name in stamps if name == "EpochEnded"]
    assert ends[1] - ends[0] >= 0.5  # the second epoch waited for resume
    assert queue.outcomes()[0].status == "completed"


def test_cancel_flag_stops_the_queue(tiny_data, tmp_path):
    root, dataset = tiny_data
    epochs = []

    def on_event(item):
        if isinstance(item.event, EpochEnded):
            epochs.append(item.run)

    queue = LabQueue(tmp_path, _specs(root), dataset=dataset, on_event=on_event, cancel=lambda: len(epochs) >= 1)
    assert queue.run() == "stopped"
    assert queue.stop_requested
    assert [o.status for o in queue.outcomes()] == ["stopped", "pending", "pending"]


def test_a_diverged_run_is_failed_and_the_queue_goes_on(tiny_data, tmp_path):
    root, dataset = tiny_data
    base = tiny_spec("bad", root)
    optim = replace(base.config.optim, optimizer="sgd", lr=90.0, momentum=0.9, schedule="constant")
    bad = replace(base, config=base.config.replace(optim=optim))  # the loss becomes NaN
    finished = []
    queue = LabQueue(tmp_path, [bad, tiny_spec("ok", root)], dataset=dataset,
                     on_event=lambda e: finished.append(e.event.status) if isinstance(e.event, RunFinished) else None)
    assert queue.run() == "completed"
    outcomes = queue.outcomes()
    assert outcomes[0].status == "failed" and "learning rate" in outcomes[0].message and not outcomes[0].ok
    assert outcomes[1].ok
    assert finished == ["failed", "completed"]
    # a failed run is a result: a second run of the queue does not retry it
    events = []
    LabQueue(tmp_path, [bad, tiny_spec("ok", root)], dataset=dataset, on_event=events.append).run()
    assert not [e for e in events if isinstance(e.event, (RunStarted, BatchProgress))]


def test_subset_train_keeps_a_seeded_subset(tiny_data):
    _, dataset = tiny_data
    small = subset_train(dataset, 30, seed=1)
    assert len(small.splits["train"].labels) == 30 == len(small.splits["train"].paths)
    assert small.splits["train"].images.shape[0] == 30
    assert small.splits["test"] is dataset.splits["test"]
    assert len(dataset.splits["train"].labels) == 72  # the original is untouched
    again = subset_train(dataset, 30, seed=1)
    assert again.splits["train"].paths == small.splits["train"].paths
    assert subset_train(dataset, None) is dataset and subset_train(dataset, 1000) is dataset
