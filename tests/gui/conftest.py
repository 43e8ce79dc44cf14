"""GUI test set-up: offscreen Qt, no blocking dialogs, and a failure for any leaked running QThread."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QThread
from PySide6.QtWidgets import QMessageBox

_started_threads: list[QThread] = []
_original_start = QThread.start


def _recording_start(self: QThread, *args, **kwargs):  # type: ignore[no-untyped-def]
    _started_threads.append(self)
    return _original_start(self, *args, **kwargs)


QThread.start = _recording_start  # type: ignore[method-assign]


def _is_running(thread: QThread) -> bool:
    try:
        return thread.isRunning()
    except RuntimeError:  # the C++ object was deleted (deleteLater after finishing)
        return False


@pytest.fixture(autouse=True)
def fail_on_leaked_threads(qapp):
    """Fail the test if a QThread it started is still running shortly after it ends."""
    _started_threads.clear()
    yield
    deadline = time.monotonic() + 10.0
    while any(_is_running(t) for t in _started_threads) and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.01)
    leaked = [t for t in _started_threads if _is_running(t)]
    names = [t.objectName() or repr(t) for t in leaked]
    for t in leaked:  # let the session end cleanly even after a failure
        t.quit()
        t.wait(5000)
    _started_threads.clear()
    assert not leaked, f"test left QThreads running: {names}"


class DialogRecorder:
    """Records message boxes instead of showing them; ``answer`` is what question() returns."""

    def __init__(self) -> None:
        self.messages: list[dict[str, str]] = []
        self.questions: list[str] = []
        self.answer = QMessageBox.StandardButton.Yes


@pytest.fixture(autouse=True)
def dialogs(monkeypatch) -> DialogRecorder:
    """Patch QMessageBox so no test ever blocks on a modal dialog."""
    recorder = DialogRecorder()

    def fake_exec(box: QMessageBox) -> int:
        recorder.messages.append({"title": box.windowTitle(), "text": box.text(), "details": box.detailedText()})
        return int(QMessageBox.StandardButton.Ok.value)

    def fake_question(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        recorder.questions.append(text)
        return recorder.answer

    def fake_about(parent, title, text):  # type: ignore[no-untyped-def]
        recorder.messages.append({"title": title, "text": text, "details": ""})

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    monkeypatch.setattr(QMessageBox, "question", staticmethod(fake_question))
    monkeypatch.setattr(QMessageBox, "about", staticmethod(fake_about))
    return recorder


def make_image_folder(root: Path, classes: tuple[str, ...] = ("blue", "green", "red"), train: int = 16,
                      test: int = 6, size: int = 16, seed: int = 0) -> Path:
    """Write a tiny train/test dataset of coloured noisy squares (one colour per class)."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    colours = {"red": (200, 30, 30), "green": (30, 180, 40), "blue": (30, 40, 200)}
    for split, count in (("train", train), ("test", test)):
        for index, name in enumerate(classes):
            folder = root / split / name
            folder.mkdir(parents=True, exist_ok=True)
            base = np.array(colours.get(name, (40 * index, 255 - 40 * index, 120)), dtype=float)
            for i in range(count):
                pixels = np.clip(base + rng.normal(0, 25, (size, size, 3)), 0, 255).astype(np.uint8)
                Image.fromarray(pixels).save(folder / f"{name}_{i:03d}.png")
    return root


@pytest.fixture
def tiny_dataset(tmp_path: Path) -> Path:
    """A 3-class, 16 px dataset with train/ and test/ folders."""
    return make_image_folder(tmp_path / "tiny")


@pytest.fixture
def window(qtbot):
    """The real main window, with settings in the per-test data folder."""
    from cnn_studio.gui.app import make_application
    from cnn_studio.gui.main_window import MainWindow

    make_application()
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    yield w
    w.controller.shutdown(20000)


def wait_for_dataset(qtbot, window, timeout: int = 60000) -> None:
    """Wait until the window has opened a dataset."""
    qtbot.waitUntil(lambda: window.dataset is not None and window._scan_task is None, timeout=timeout)


def configure_tiny_run(window, epochs: int = 2, batch_size: int = 8) -> None:
    """Pick the small CNN and a short run in the form."""
    window.model_view.select_model("simple_cnn")
    form = window.train_view.form
    form.epochs.setValue(epochs)
    form.batch_size.setValue(batch_size)
    form.device.setCurrentText("cpu")
    form.lr.setText("0.003")


def make_fake_run(base: Path, name: str, epochs: int = 2) -> Path:
    from cnn_studio.core.config import TrainConfig

    run = base / name
    run.mkdir(parents=True)
    TrainConfig().replace(epochs=5, batch_size=7).save(run / "config.json")
    (run / "best.pt").write_bytes(b"x")
    (run / "last.pt").write_bytes(b"x")
    with open(run / "metrics.jsonl", "w") as f:
        for e in range(1, epochs + 1):
            f.write(json.dumps({"kind": "step", "epoch": e, "epoch_fraction": e - 0.5, "loss": 2.0 / e,
                                "lr": 0.1, "images_per_second": 100.0}) + "\n")
            f.write(json.dumps({"kind": "epoch", "epoch": e, "train_loss": 1.0 / e, "train_accuracy": 0.3 * e,
                                "heldout_loss": 1.5 / e, "heldout_accuracy": 0.25 * e}) + "\n")
    return run
