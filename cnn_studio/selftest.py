"""``cnn-studio --self-test``: check an installation (or the frozen app) end to end, offscreen.

Steps, in order: the main window (shown offscreen), torch and torchvision's compiled operators,
a scan of the bundled demo dataset, decoding in spawned worker processes, one short training epoch of a small model, a prediction with
the trained checkpoint and one with the bundled ImageNet model. Everything the test writes (runs,
caches, settings) goes to a temporary folder that is removed at the end; nothing is written
inside the bundle.

Success prints one line of results on stdout and returns 0; a failure prints the step and the
reason on stderr (with the traceback) and returns 1.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

EXIT_OK = 0
EXIT_FAILED = 1

# One short epoch: small enough to take seconds on two CPU cores, large enough that the model
# learns something (the demo shapes are easy), so a broken training loop shows as chance accuracy.
SELF_TEST_MODEL = "simple_cnn"
SELF_TEST_EPOCHS = 1
SELF_TEST_BATCH_SIZE = 32
# Decoder processes are spawned (on every OS), which in a frozen app re-runs the executable: check it.
DECODE_CHECK_WORKERS = 2
DECODE_CHECK_FILES = 8
DECODE_CHECK_SIZE = 32
# Seconds to wait for the offscreen window to be exposed before calling it a failure.
WINDOW_TIMEOUT_MS = 10_000

_USER_DIR_VARIABLES = ("CNN_STUDIO_DATA_DIR", "CNN_STUDIO_CACHE_DIR", "CNN_STUDIO_RUNS_DIR")


class SelfTestError(RuntimeError):
    """A self-test check that ran but gave a wrong result."""


@dataclass
class _State:
    """What one step hands to the next, and the figures for the summary line."""

    tmp: Path
    started: float = field(default_factory=time.perf_counter)
    figures: list[str] = field(default_factory=list)
    app: Any = None
    window: Any = None
    report: Any = None
    sample: tuple[str, int] | None = None
    checkpoint: str | None = None


def process_age_seconds() -> float | None:
    """Return the seconds since this process started, or None where the OS does not say.

    Uses ``/proc`` on Linux and ``GetProcessTimes`` on Windows. A PyInstaller one-folder
    executable runs in the process the user launched, so this is the time since launch.
    """
    try:
        if sys.platform.startswith("linux"):
            stat = Path("/proc/self/stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            start_ticks = int(fields[19])  # field 22 of stat(5): start time in clock ticks
            uptime = float(Path("/proc/uptime").read_text().split()[0])
            return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
        if sys.platform.startswith("win"):
            import ctypes
            from ctypes import wintypes

            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
            created, exited, kernel, user, now = (wintypes.FILETIME() for _ in range(5))
            handle = kernel32.GetCurrentProcess()
            if not kernel32.GetProcessTimes(handle, ctypes.byref(created), ctypes.byref(exited),
                                            ctypes.byref(kernel), ctypes.byref(user)):
                return None
            kernel32.GetSystemTimeAsFileTime(ctypes.byref(now))

            def ticks(ft: wintypes.FILETIME) -> int:
                return (ft.dwHighDateTime << 32) | ft.dwLowDateTime

            return max(0.0, (ticks(now) - ticks(created)) / 1e7)  # FILETIME counts 100 ns
    except (OSError, ValueError, IndexError, AttributeError):
        return None
    return None


@contextmanager
def _temporary_user_dirs(base: Path) -> Iterator[None]:
    """Point the user data, cache and runs folders at ``base`` for the duration."""
    saved = {name: os.environ.get(name) for name in _USER_DIR_VARIABLES}
    for name, sub in zip(_USER_DIR_VARIABLES, ("data", "cache", "runs")):
        os.environ[name] = str(base / sub)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _check_bindings(state: _State) -> None:
    """The Qt bindings keep None's reference count across QPainter calls (PySide6 6.12.0 on 3.10/3.11 does not)."""
    from cnn_studio.gui.bindings_check import bindings_problem

    problem = bindings_problem()
    if problem:
        raise SelfTestError(problem)
    import PySide6

    state.figures.append(f"PySide6 {PySide6.__version__} refcount ok")


def _check_torch(state: _State) -> None:
    """torch works, torchvision's compiled operators are registered (the classic freeze trap) and
    TorchScript finds torch's sources."""
    import torch
    import torchvision

    boxes = torch.tensor([[0.0, 0.0, 10.0, 10.0], [1.0, 1.0, 10.0, 10.0], [20.0, 20.0, 30.0, 30.0]])
    scores = torch.tensor([0.9, 0.8, 0.7])
    kept = torchvision.ops.nms(boxes, scores, iou_threshold=0.5).tolist()
    if kept != [0, 2]:
        raise SelfTestError(f"torchvision.ops.nms returned {kept}, expected [0, 2]")
    # TorchScript compiles torch's own Python sources: a frozen app must ship them (pyz+py).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.jit is deprecated in favour of torch.export
        scripted = torch.jit.script(torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Flatten()))
    if scripted(torch.tensor([[-1.0, 2.0]])).tolist() != [[0.0, 2.0]]:
        raise SelfTestError("a TorchScript-compiled ReLU gave a wrong result")
    device = "cuda" if torch.cuda.is_available() else "cpu"
    state.figures.append(f"torch {torch.__version__} ({device})")


def _open_window(state: _State) -> None:
    """Create the application and show the main window offscreen; time it from launch."""
    from PySide6.QtTest import QTest

    from cnn_studio.gui.app import make_application
    from cnn_studio.gui.main_window import MainWindow

    state.app = make_application()
    state.window = MainWindow()
    state.window.show()
    if not QTest.qWaitForWindowExposed(state.window, WINDOW_TIMEOUT_MS):
        raise SelfTestError(f"the main window was not shown within {WINDOW_TIMEOUT_MS / 1000:.0f} s")
    state.app.processEvents()
    age = process_age_seconds()
    if age is not None:
        state.figures.append(f"window shown {age:.1f}s after launch")
    else:
        state.figures.append(f"window shown {time.perf_counter() - state.started:.1f}s after self-test start")


def _scan_demo(state: _State) -> None:
    """Scan the bundled demo dataset."""
    from cnn_studio.core.data.scan import scan_image_folder
    from cnn_studio.paths import demo_dataset_dir

    root = demo_dataset_dir()
    t0 = time.perf_counter()
    report = scan_image_folder(str(root))
    seconds = time.perf_counter() - t0
    images = sum(len(items) for items in report.splits.values())
    if images == 0 or len(report.classes) < 2:
        raise SelfTestError(f"the demo dataset at {root} has {images} images in {len(report.classes)} classes")
    if report.problems:
        raise SelfTestError(f"the demo dataset has {len(report.problems)} unreadable files, "
                            f"e.g. {report.problems[0].path}: {report.problems[0].reason}")
    held_out = report.splits.get("test") or report.splits.get("val") or report.splits["train"]
    state.report = report
    state.sample = held_out[0]
    state.figures.append(f"scan {images} images/{len(report.classes)} classes {seconds:.1f}s")


def _decode_in_processes(state: _State) -> None:
    """Decode a few demo images in spawned worker processes (needs ``freeze_support`` when frozen)."""
    from cnn_studio.core.data.pool import decode_files

    paths = [path for path, _ in state.report.splits["train"][:DECODE_CHECK_FILES]]
    results = decode_files(paths, DECODE_CHECK_SIZE, keep_pixels=True, workers=DECODE_CHECK_WORKERS,
                           in_process_below=0, chunk_size=max(1, len(paths) // DECODE_CHECK_WORKERS))
    decoded = sum(int(r.ok.sum()) for r in results)
    if decoded != len(paths) or any(r.pixels is None or int(r.pixels.max()) == 0 for r in results):
        raise SelfTestError(f"{DECODE_CHECK_WORKERS} decoder processes decoded {decoded} of {len(paths)} demo images")
    state.figures.append(f"{decoded} images decoded in {DECODE_CHECK_WORKERS} processes")


def _train_one_epoch(state: _State) -> None:
    """Train the small model for one epoch on the demo dataset, into the temporary runs folder."""
    from dataclasses import replace

    from cnn_studio.core.config import recommended_config
    from cnn_studio.core.training.engine import train
    from cnn_studio.paths import demo_dataset_dir

    cfg = recommended_config(SELF_TEST_MODEL, str(demo_dataset_dir()))
    cfg = replace(cfg, epochs=SELF_TEST_EPOCHS, batch_size=SELF_TEST_BATCH_SIZE,
                  out_dir=str(state.tmp / "run"),
                  data=replace(cfg.data, cache_dir=str(state.tmp / "cache"), num_workers=0))
    cfg.validate()
    t0 = time.perf_counter()
    result = train(cfg)
    seconds = time.perf_counter() - t0
    if result.status != "completed":
        raise SelfTestError(f"training ended with status {result.status!r}")
    checkpoint = result.best_checkpoint
    if not checkpoint or not Path(checkpoint).is_file():
        raise SelfTestError(f"training wrote no checkpoint (best_checkpoint={checkpoint!r})")
    accuracy = result.test_accuracy if result.test_accuracy is not None else result.best_val_accuracy
    state.checkpoint = str(checkpoint)
    acc_text = "n/a" if accuracy is None else f"{accuracy:.2f}"
    state.figures.append(f"{SELF_TEST_EPOCHS} epoch {SELF_TEST_MODEL} acc {acc_text} {seconds:.1f}s")


def _predict(predictor: Any, path: str) -> Any:
    from cnn_studio.core.inference import PredictionError

    outcome = predictor.predict([path], topk=1)[0]
    if isinstance(outcome, PredictionError):
        raise SelfTestError(f"prediction failed for {path}: {outcome.error}")
    return outcome


def _top1(prediction: Any) -> tuple[str, float]:
    """Return (class name, probability) of a prediction's best class."""
    return str(prediction.label), float(prediction.prob)


def _classify_with_trained(state: _State) -> None:
    """Classify a held-out demo image with the checkpoint just trained."""
    from cnn_studio.core.inference import Predictor

    assert state.sample is not None and state.checkpoint is not None
    path, label = state.sample
    predictor = Predictor.from_checkpoint(state.checkpoint)
    name, probability = _top1(_predict(predictor, path))
    if not 0.0 <= probability <= 1.0 or name not in predictor.class_names:
        raise SelfTestError(f"the trained model gave an invalid prediction {name!r} {probability}")
    truth = state.report.classes[label]
    state.figures.append(f"demo {truth}->{name} {probability:.2f}")


def _classify_with_imagenet(state: _State) -> None:
    """Classify the same image with the bundled ImageNet model (EfficientNet-Lite0)."""
    from cnn_studio.core.inference import Predictor

    assert state.sample is not None
    predictor = Predictor.imagenet()
    if len(predictor.class_names) != 1000:
        raise SelfTestError(f"the ImageNet model has {len(predictor.class_names)} classes, expected 1000")
    name, probability = _top1(_predict(predictor, state.sample[0]))
    state.figures.append(f"imagenet->{name} {probability:.2f}")


_STEPS: tuple[tuple[str, Callable[[_State], None]], ...] = (
    ("window", _open_window),  # first, so its time is the user's launch-to-window time
    ("qt bindings", _check_bindings),
    ("torch", _check_torch),
    ("scan", _scan_demo),
    ("decoder processes", _decode_in_processes),
    ("train", _train_one_epoch),
    ("predict", _classify_with_trained),
    ("imagenet", _classify_with_imagenet),
)


def _close_window(state: _State) -> None:
    if state.window is not None:
        state.window.close()
        state.window.deleteLater()
        state.window = None
    if state.app is not None:
        state.app.processEvents()


def run_self_test() -> int:
    """Run every check offscreen; print one result line; return 0 if all passed, else 1."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.perf_counter()
    step = "setup"
    with tempfile.TemporaryDirectory(prefix="cnn-studio-selftest-") as tmp:
        state = _State(tmp=Path(tmp), started=started)
        try:
            with _temporary_user_dirs(Path(tmp)):
                try:
                    for step, check in _STEPS:
                        check(state)
                finally:
                    _close_window(state)
        except Exception as exc:  # noqa: BLE001 (report every failure, then exit non-zero)
            traceback.print_exc(file=sys.stderr)
            print(f"self-test FAILED at {step}: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            return EXIT_FAILED
    total = time.perf_counter() - started
    print(f"self-test ok: {', '.join(state.figures)}, total {total:.1f}s", flush=True)
    return EXIT_OK
