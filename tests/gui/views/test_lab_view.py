"""The Lab view: experiments listed with their idea, a real tiny queue run live, stop/continue, close while running."""

from __future__ import annotations

from pathlib import Path

import pytest

from cnn_studio.core.lab import plots, registry
from cnn_studio.core.lab.recipe import Experiment, Verdict
from tests.core.lab.lab_fixtures import tiny_spec
from tests.core.training_fixtures import make_color_dataset
from tests.gui.conftest import wait_for_dataset


class TinyLab(Experiment):
    """Two seconds-long runs of a narrow CNN; the claim: the longer run ends with the lower training error."""

    name = "tiny-gui"
    title = "Tiny lab"
    idea = "Two tiny runs, one longer. Longer training fits the training set better."
    claim = "The longer run ends below the shorter one."
    paper_figure = "Tiny et al., Fig. 0"
    epochs = (1, 2)

    def runs(self, data, budget, device="auto"):
        self.check_budget(budget)
        return [tiny_spec("short", data.data.root, epochs=self.epochs[0]),
                tiny_spec("long", data.data.root, epochs=self.epochs[1])]

    def verdict(self, outcomes, extra=None):
        a, b = outcomes
        if not (a.ok and b.ok):
            return Verdict(self.claim, None, "A run did not finish.")
        return Verdict(self.claim, b.final_train_error() <= a.final_train_error(),
                       f"short {a.final_train_error():.1f}%, long {b.final_train_error():.1f}%")

    def draw(self, outcomes, figure, extra=None):
        ax = figure.subplots()
        for o in outcomes:
            if o.ok:
                plots.error_curves(ax, o, None)
        plots.finish_axes(ax)


@pytest.fixture(scope="module")
def data_root(tmp_path_factory) -> Path:
    return make_color_dataset(tmp_path_factory.mktemp("lab_view_data"), {"train": 16, "test": 6})


@pytest.fixture
def tiny_lab(monkeypatch):
    """Register TinyLab for one test (the builtin experiments stay listed)."""
    registry.list_experiments()
    experiment = TinyLab()
    monkeypatch.setitem(registry._REGISTRY, experiment.name, experiment)
    return experiment


@pytest.fixture
def view(qtbot, tiny_lab):
    from cnn_studio.gui.views.lab_view import LabView

    v = LabView()
    v.device = "cpu"
    qtbot.addWidget(v)
    v.resize(1280, 760)
    v.show()
    yield v
    v.shutdown(30000)


def test_lists_the_course_experiments_with_idea_and_paper_figure(view):
    names = [view.experiments.item(i).data(0x0100) for i in range(view.experiments.count())]
    assert names[:4] == ["degradation", "batchnorm", "transfer-strategies", "filters"] and "tiny-gui" in names
    view.select_experiment("degradation")
    assert "Fig. 1" in view.about.text() and "Claim" in view.about.text()
    budgets = [view.budget.itemData(i) for i in range(view.budget.count())]
    assert budgets[:2] == ["quick", "paper"]
    assert not view.start_button.isEnabled()  # no dataset yet


def test_estimate_before_start(qtbot, view, data_root):
    view.select_experiment("degradation")
    view.data_root.setText(str(data_root))
    qtbot.waitUntil(lambda: "runs" in view.estimate.text(), timeout=30000)
    assert "4 runs" in view.estimate.text() and "48 training" in view.estimate.text()
    assert view.estimate_seconds is not None and view.estimate_seconds > 0
    view.data_root.setText(str(data_root / "missing"))
    qtbot.waitUntil(lambda: "missing" in view.estimate.text(), timeout=30000)  # one sentence naming the folder


def _start(qtbot, view, data_root, name="tiny-gui") -> None:
    view.select_experiment(name)
    view.budget.setCurrentIndex(view.budget.findData("smoke"))
    view.data_root.setText(str(data_root))
    view.start_button.click()
    assert view.is_running() and not view.start_button.isEnabled() and view.stop_button.isEnabled()


def test_a_queue_runs_live_and_ends_with_verdict_and_figure(qtbot, view, data_root):
    _start(qtbot, view, data_root)
    qtbot.waitUntil(lambda: not view.is_running(), timeout=180000)
    result = view.result
    assert result is not None and result.status == "completed"
    assert view.curves.points("short") == 1 and view.curves.points("long") == 2  # the live overlay, per epoch
    assert view.result_panel.has_figure and Path(result.figure).is_file()
    assert "Claim" in view.result_panel.verdict.text() and result.verdict["claim"] in view.result_panel.verdict.text()
    assert view.progress.value() == view.progress.maximum()
    # the experiment is listed, selected, and its folder can be opened
    folders = [view.finished.topLevelItem(i).data(0, 0x0100) for i in range(view.finished.topLevelItemCount())]
    assert result.experiment_dir in folders
    assert view.open_button.isEnabled() and not view.continue_button.isEnabled()


def test_finished_experiments_stay_listed_in_a_new_view(qtbot, view, data_root):
    from cnn_studio.gui.views.lab_view import LabView

    _start(qtbot, view, data_root)
    qtbot.waitUntil(lambda: not view.is_running(), timeout=180000)
    again = LabView()
    qtbot.addWidget(again)
    assert again.finished.topLevelItemCount() == 1
    again.finished.setCurrentItem(again.finished.topLevelItem(0))
    assert again.result_panel.has_figure and again.open_button.isEnabled()
    # the finished runs' curves are drawn again from their metrics, one point per epoch trained
    drawn = {name: again.curves.points(name) for name in again.curves.series}
    assert drawn and all(n >= 1 for n in drawn.values()), drawn
    again.shutdown()


def test_pause_stop_and_continue(qtbot, view, data_root, tiny_lab):
    tiny_lab.epochs = (1, 40)
    _start(qtbot, view, data_root)
    qtbot.waitUntil(lambda: view.curves.points("long") >= 1, timeout=180000)
    view.pause_button.click()
    assert view.pause_button.text() == "Resume"
    view.pause_button.click()
    view.stop_button.click()
    qtbot.waitUntil(lambda: not view.is_running(), timeout=120000)
    assert view.result.status == "stopped"
    stopped_at = view.curves.points("long")
    assert 1 <= stopped_at < 40
    view.finished.setCurrentItem(view.finished.topLevelItem(0))
    assert view.continue_button.isEnabled()
    tiny_lab.epochs = (1, stopped_at + 1)  # the same recipe would need 40 epochs; continue needs only one more
    view.continue_button.click()
    qtbot.waitUntil(lambda: not view.is_running(), timeout=180000)
    assert view.result.status == "completed"
    assert view.curves.points("short") == 1  # the earlier epochs are drawn from the folder


def test_default_data_is_the_session_dataset_and_closing_stops_the_queue(qtbot, tiny_lab, window, dialogs, tmp_path):
    lab = window.lab_view
    lab.device = "cpu"
    assert window.tabs.tabText(window.tabs.indexOf(lab)).endswith("Lab")
    data = make_color_dataset(tmp_path / "data", {"train": 16, "test": 6})
    window.open_dataset(str(data))
    wait_for_dataset(qtbot, window)
    assert lab.data_root.text() == str(data)
    tiny_lab.epochs = (40, 1)
    lab.select_experiment("tiny-gui")
    assert lab.current_experiment() == "tiny-gui"
    lab.budget.setCurrentIndex(lab.budget.findData("smoke"))
    lab.start_button.click()
    assert lab.is_running()
    qtbot.waitUntil(lambda: lab.curves.points("short") >= 1 or not lab.is_running(), timeout=180000)
    assert lab.is_running(), (lab.state.text(), dialogs.messages)
    window.close()
    assert dialogs.questions and window.isVisible()  # asked, then waits for the queue to stop
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=120000)
    assert not lab.is_running()
    from cnn_studio.core.lab.experiment import list_experiment_dirs

    assert list_experiment_dirs()[0]["status"] == "stopped"


def test_queue_progress_shows_the_time_left_from_this_start(view):
    import time

    view._progress_start = (time.monotonic() - 10.0, 2)  # 2 epochs were trained before this start
    view._show_queue_progress(4, 10)  # 2 epochs in 10 s: 6 left take about 30 s
    assert view.progress.value() == 4 and view.progress.maximum() == 10
    assert "0:00:30 left" in view.progress.format()
    view._show_queue_progress(10, 10)
    assert view.progress.format() == "%p%"
