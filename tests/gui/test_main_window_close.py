"""Closing the window right after Start keeps what the dialog promises: a last.pt (issue 12 item 3)."""

from __future__ import annotations

from pathlib import Path

from cnn_studio.core import runs
from cnn_studio.core.checkpoint import load_checkpoint
from cnn_studio.core.training.events import RunFinished
from tests.gui.conftest import configure_tiny_run, wait_for_dataset


def test_close_right_after_start_keeps_a_resumable_checkpoint(qtbot, window, tiny_dataset, dialogs):
    w = window
    w.open_dataset(str(tiny_dataset))
    wait_for_dataset(qtbot, w)
    configure_tiny_run(w, epochs=200, batch_size=4)
    finished: list = []
    w.controller.subscribe(RunFinished, finished.append)
    dialogs.answer = dialogs.answer.Yes
    w.start_training()
    w.close()  # before a single batch could finish
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=60000)
    assert len(dialogs.questions) == 1 and "last checkpoint is kept" in dialogs.questions[0]
    assert finished and finished[0].status == "stopped"
    last = Path(finished[0].run_dir, runs.LAST_CHECKPOINT)
    assert last.is_file() and load_checkpoint(last)["epoch"] == 0
    assert runs.run_info(finished[0].run_dir).resumable
