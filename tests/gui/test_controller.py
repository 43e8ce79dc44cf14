"""Training from the real window: a tiny run to completion, pause/resume/stop, close during training."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cnn_studio.core.runs import read_metrics
from cnn_studio.core.training.events import BatchProgress, EpochEnded, RunFinished
from tests.gui.conftest import configure_tiny_run, wait_for_dataset


@pytest.fixture
def ready_window(qtbot, window, tiny_dataset):
    window.open_dataset(str(tiny_dataset))
    wait_for_dataset(qtbot, window)
    return window


def test_tiny_run_completes_and_curves_hold_epoch_values(qtbot, ready_window):
    w = ready_window
    configure_tiny_run(w, epochs=2)
    epochs, finished, progress = [], [], []
    w.controller.subscribe(EpochEnded, epochs.append)
    w.controller.subscribe(RunFinished, finished.append)
    w.controller.subscribe(BatchProgress, progress.append)
    assert w.train_view.start_button.isEnabled()
    with qtbot.waitSignal(w.controller.training_thread_finished, timeout=120000):
        w.train_view.start_button.click()
        assert w.controller.state == "training"
        assert not w.train_view.start_button.isEnabled()
    assert [e.epoch for e in epochs] == [1, 2]
    assert finished and finished[0].status == "completed"
    x, y = w.train_view.curves["train_loss"].xData, w.train_view.curves["train_loss"].yData  # raw values (the loss axis is log-scaled)
    assert list(x) == [1.0, 2.0]
    assert np.allclose(y, [e.train_loss for e in epochs])
    _x, acc = w.train_view.curves["heldout_accuracy"].getData()
    assert np.allclose(acc, [e.heldout_accuracy for e in epochs])
    # the per-step curve holds one point per (throttled) progress event, and the run folder has the
    # same epoch values
    step_x, _ = w.train_view.curves["step_loss"].getData()
    assert (0 if step_x is None else len(step_x)) == len(progress)
    run_dir = finished[0].run_dir
    recorded = read_metrics(run_dir, kind="epoch")
    assert np.allclose([r["train_loss"] for r in recorded], y)
    assert w.controller.state == "idle" and w.train_view.start_button.isEnabled()
    assert "Run completed" in w.train_view.log.toPlainText()
    # results and runs views follow the finished run
    assert w.results_view.results is not None
    assert w.results_view.results["count"] == 18
    assert "Test accuracy" in w.results_view.header.text()
    assert [r.path for r in w.runs_view.runs] == [run_dir]
    assert w.runs_view.table.item(0, 2).text() == "completed"


def start_long_run(qtbot, w, batches: int) -> tuple[list, list]:
    """Start a run far longer than the test; return its (progress, finished) event lists once
    ``batches`` progress events have arrived."""
    configure_tiny_run(w, epochs=200, batch_size=4)
    progress: list = []
    finished: list = []
    w.controller.subscribe(BatchProgress, progress.append)
    w.controller.subscribe(RunFinished, finished.append)
    w.start_training()
    qtbot.waitUntil(lambda: len(progress) >= batches, timeout=60000)
    return progress, finished


def test_pause_resume_stop(qtbot, ready_window):
    w = ready_window
    progress, finished = start_long_run(qtbot, w, batches=2)
    w.train_view.pause_button.click()
    assert w.controller.state == "paused" and w.controller.control.is_paused
    assert w.train_view.pause_button.text() == "Resume"
    qtbot.wait(400)  # let batches already in flight arrive
    seen = len(progress)
    qtbot.wait(800)
    assert len(progress) == seen, "training went on while paused"
    w.train_view.pause_button.click()
    assert w.controller.state == "training"
    qtbot.waitUntil(lambda: len(progress) > seen, timeout=30000)
    with qtbot.waitSignal(w.controller.training_thread_finished, timeout=60000):
        w.train_view.stop_button.click()
        assert w.controller.state == "stopping"
    assert finished and finished[0].status == "stopped"
    assert Path(finished[0].run_dir, "last.pt").is_file()
    assert w.controller.state == "idle"


def test_close_during_training_stops_keeps_checkpoint_and_closes(qtbot, ready_window, dialogs):
    w = ready_window
    progress, finished = start_long_run(qtbot, w, batches=1)
    dialogs.answer = dialogs.answer.No
    w.close()
    assert w.isVisible() and w.controller.is_training()  # said no: keeps training
    dialogs.answer = dialogs.answer.Yes
    w.close()
    assert len(dialogs.questions) == 2
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=60000)
    assert not w.controller.has_running_threads()
    assert finished and finished[0].status == "stopped"
    assert Path(finished[0].run_dir, "last.pt").is_file()
