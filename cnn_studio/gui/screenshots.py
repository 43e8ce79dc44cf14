"""Render the main window's views to PNG offscreen: ``python -m cnn_studio.gui.screenshots docs [--lang ko]``.

Opens the demo dataset, trains the small CNN for a few epochs, and saves the window at 1280x800
with each of the Dataset, Model, Train, Runs (the run named and annotated, train and held-out error),
Results (a confusion cell selected, its images with Grad-CAM), Inspect (the trained model's Grad-CAM
of a demo image) and Predict (the demo's test folder: its accuracy and confusion matrix) tabs; with
``--lang ko`` in Korean, into ``docs/ko``.
Last, the Lab tab with an experiment's plan (``lab_plan.png``) and after a quick-budget run of it
on the demo data (``lab.png``: live curves, verdict and figure); ``--no-lab`` skips it (minutes).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

VIEWS = (("dataset_view", "dataset.png"), ("train_view", "train.png"), ("runs_view", "runs.png"),
         ("results_view", "results.png"), ("inspect_view", "inspect.png"), ("predict_view", "predict.png"),
         ("model_view", "model.png"))
ALL_VIEWS = VIEWS
LAB_EXPERIMENT = "degradation"  # the lecture's flagship figure (He et al. 2015, Fig. 1)
LAB_BUDGET = "quick"  # 2-4 minutes on the demo data here: 4 epochs per run, curves rather than points


def render(out_dir: str, epochs: int = 4, language: str | None = None,
           views: tuple[tuple[str, str], ...] = VIEWS, lab: bool = True) -> list[Path]:
    """Write the screenshots (of ``views``, in ``language`` when given) into ``out_dir``; return their paths."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    base = tempfile.mkdtemp(prefix="cnn-studio-shots-")
    for kind in ("DATA", "CACHE", "RUNS"):
        os.environ[f"CNN_STUDIO_{kind}_DIR"] = os.path.join(base, kind.lower())
    from cnn_studio.gui.app import make_application
    from cnn_studio.gui.main_window import MainWindow

    app = make_application()
    if language:
        from cnn_studio.gui.i18n import setup_language

        setup_language(app, language)
    window = MainWindow()
    window.resize(1280, 800)
    window.show()

    def wait(condition, timeout: float = 300.0) -> None:
        end = time.monotonic() + timeout
        while not condition() and time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    window.open_demo()
    wait(lambda: window.dataset is not None and window._scan_task is None)
    window.model_view.select_model("simple_cnn")
    window.train_view.form.epochs.setValue(epochs)
    window.train_view.form.device.setCurrentText("cpu")
    window.tabs.setCurrentWidget(window.train_view)  # showing the Train view estimates the run's time
    window.train_view.estimate_requested.emit()
    wait(lambda: "…" not in window.train_view.estimate_label.text() and not window.train_view.is_busy(), 120.0)
    done: list[bool] = []
    window.controller.training_thread_finished.connect(lambda: done.append(True))
    window.start_training()
    wait(lambda: bool(done))
    _annotate_runs(window.runs_view)
    window.runs_view.select_paths([r.path for r in window.runs_view.runs])
    results = window.results_view
    if results.results is not None:
        classes = results.results["classes"]
        matrix = results.results["confusion_matrix"]
        off = [(i, j) for i in range(len(classes)) for j in range(len(classes)) if i != j and matrix[i][j]]
        if off:
            results.select_cell(*max(off, key=lambda ij: matrix[ij[0]][ij[1]]))
            results.cell_gradcam.toggle.setChecked(True)  # the cell's images with their Grad-CAM
            wait(lambda: not results.is_busy(), timeout=120.0)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for attr, name in views:
        if attr == "model_view":  # transfer learning: pretrained backbone, last stage + head trainable
            view = window.model_view
            view.select_model("efficientnet_lite0")
            view.pretrained.setCurrentIndex(view.pretrained.findData("imagenet"))
            view.apply_preset("last-stage")
        _prepare_extra_view(window, attr, wait)
        window.tabs.setCurrentWidget(getattr(window, attr))
        for _ in range(10):
            app.processEvents()
            time.sleep(0.02)
        path = out / name
        window.grab().save(str(path))
        written.append(path)
    if lab:
        written += _render_lab(window, wait, app, out)
    window.close()
    return written


def _render_lab(window, wait, app, out: Path) -> list[Path]:  # noqa: ANN001 - window, waiter, app of render()
    """Shoot the Lab tab before (plan and estimate) and after an experiment."""
    lab = window.lab_view
    lab.device = "cpu"
    window.tabs.setCurrentWidget(lab)
    lab.select_experiment(LAB_EXPERIMENT)
    lab.budget.setCurrentIndex(lab.budget.findData(LAB_BUDGET))
    wait(lambda: lab.estimate_seconds is not None and not lab.jobs.is_busy("preview"), 120.0)

    def shoot(name: str) -> Path:
        for _ in range(10):
            app.processEvents()
            time.sleep(0.02)
        window.grab().save(str(out / name))
        return out / name

    written = [shoot("lab_plan.png")]
    lab.start()
    wait(lambda: not lab.is_running(), 1200.0)
    written.append(shoot("lab.png"))
    return written


def _annotate_runs(runs_view) -> None:
    """Name the run, write a note, and plot train and held-out error (what a student does after a run)."""
    from cnn_studio.core.runs import update_run_meta

    for info in runs_view.runs[:1]:
        update_run_meta(info.path, name="demo baseline", notes="Default settings on the demo shapes.")
    runs_view.refresh()
    runs_view.overlay.set_metric("error")


def _predict_labelled_folder(predict_view, wait) -> None:
    """Drop the demo's test folder (one sub-folder per class) on Predict: its accuracy and confusion matrix."""
    from cnn_studio.core.inference import collect_image_paths
    from cnn_studio.paths import demo_dataset_dir

    wait(lambda: predict_view._predictor is not None and not predict_view.is_busy(), timeout=120.0)
    folder = str(Path(demo_dataset_dir()) / "test")
    total = len(collect_image_paths([folder]))
    predict_view.add_paths([folder])
    wait(lambda: len(predict_view.results()) == total and not predict_view.is_busy(), timeout=120.0)


def _prepare_extra_view(window, attr: str, wait) -> None:  # noqa: ANN001 - window and waiter of render()
    """Give the Inspect and Predict views something to show: a demo image, the demo's labelled test folder."""
    from cnn_studio.paths import demo_dataset_dir

    images = sorted((demo_dataset_dir() / "test").glob("*/*_0000.png"))
    if attr == "inspect_view" and images and hasattr(window.inspect_view, "set_image_path"):
        window.inspect_view.set_image_path(str(images[1]))  # a circle: Grad-CAM shows a local map
        window.inspect_view.tabs.setCurrentWidget(window.inspect_view.gradcam)
        wait(lambda: not window.inspect_view.is_busy(), timeout=120.0)
    elif attr == "predict_view":
        _predict_labelled_folder(window.predict_view, wait)


if __name__ == "__main__":
    args = sys.argv[1:]
    lang = args[args.index("--lang") + 1] if "--lang" in args else None
    rest = [a for i, a in enumerate(args) if a not in ("--lang", "--no-lab") and (i == 0 or args[i - 1] != "--lang")]
    for p in render(rest[0] if rest else "docs", language=lang, views=ALL_VIEWS if lang else VIEWS,
                    lab="--no-lab" not in args):
        print(p)
