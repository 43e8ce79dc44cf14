"""A whole lab experiment on tiny data: the folder's files, resume, listing; figures and CSV details."""

import csv
import json

import pytest

from cnn_studio.core.errors import ConfigError
from cnn_studio.core.lab import plots
from cnn_studio.core.lab.experiment import LabJob, list_experiment_dirs, preview
from cnn_studio.core.lab.outputs import CURVE_COLUMNS, curve_rows, write_curves, write_figure
from cnn_studio.core.lab.recipe import Experiment, Verdict
from cnn_studio.core.training.events import RunStarted
from tests.core.lab.lab_fixtures import facts, outcome, tiny_spec
from tests.core.training_fixtures import make_color_dataset


class TinyExperiment(Experiment):
    """Two seconds-long runs; the claim: run B ends with a lower training error than run A."""

    name = "tiny"
    title = "Tiny"
    idea = "Two tiny runs. One trains longer."
    claim = "B ends below A."
    paper_figure = "none"

    def runs(self, data, budget, device="auto"):
        self.check_budget(budget)
        return [tiny_spec("a", data.data.root, epochs=1), tiny_spec("b", data.data.root, epochs=2)]

    def verdict(self, outcomes, extra=None):
        a, b = outcomes
        if not (a.ok and b.ok):
            return Verdict(self.claim, None, "runs missing")
        return Verdict(self.claim, b.final_train_error() < a.final_train_error(),
                       f"A {a.final_train_error():.1f}%, B {b.final_train_error():.1f}%",
                       {"a": a.final_train_error(), "b": b.final_train_error()})

    def draw(self, outcomes, figure, extra=None):
        ax = figure.subplots()
        for o in outcomes:
            plots.error_curves(ax, o, None)
        plots.finish_axes(ax)


@pytest.fixture(scope="module")
def data_root(tmp_path_factory):
    return make_color_dataset(tmp_path_factory.mktemp("lab_job_data"), {"train": 16, "test": 6})


def test_job_writes_report_figure_curves_and_result(data_root, tmp_path):
    job = LabJob(TinyExperiment(), data_root, budget="smoke", out_dir=tmp_path / "exp", device="cpu")
    plan = job.open()
    assert [s.name for s in plan.specs] == ["a", "b"] and plan.estimate_seconds > 0
    assert plan.data.train_images == 48 and plan.data.test_images == 18 and plan.data.data.validation == "test"
    progress = []
    result = job.run(progress=lambda d, t: progress.append((d, t)))
    assert progress[-1] == (3, 3)
    data = result.to_dict()
    for key in ("status", "experiment_dir", "figure", "table", "verdict", "runs"):
        assert key in data
    assert data["status"] == "completed" and data["experiment_dir"] == str(tmp_path / "exp")
    assert [r["name"] for r in data["runs"]] == ["a", "b"]
    for run in data["runs"]:
        assert set(run) >= {"name", "model", "train_error", "test_error", "seconds"}
        assert 0 <= run["train_error"] <= 100 and run["model"] == "simple_cnn"
    assert data["verdict"]["claim"] == "B ends below A." and data["verdict"]["result"] in ("shown", "not shown")
    folder = tmp_path / "exp"
    report = (folder / "report.md").read_text(encoding="utf-8")
    assert "B ends below A." in report and "Two tiny runs." in report and "figure.png" in report
    assert f"Result: **{data['verdict']['result']}**" in report
    assert (folder / "figure.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (folder / "figure.svg").read_bytes()[:400]
    raw = (folder / "curves.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert tuple(rows[0]) == CURVE_COLUMNS and len(rows) == 3
    assert [(r["run"], r["epoch"]) for r in rows] == [("a", "1"), ("b", "1"), ("b", "2")]
    assert json.loads((folder / "result.json").read_text(encoding="utf-8"))["verdict"] == data["verdict"]
    listed = list_experiment_dirs(tmp_path)
    assert listed[0]["experiment"] == "tiny" and listed[0]["status"] == "completed"


def test_job_on_its_own_folder_keeps_finished_runs(data_root, tmp_path):
    first = LabJob(TinyExperiment(), data_root, budget="smoke", out_dir=tmp_path / "exp", device="cpu")
    first.run()
    again = LabJob(TinyExperiment(), data_root, budget="smoke", out_dir=tmp_path / "exp", device="cpu")
    plan = again.open()
    assert plan.finished_runs == ("a", "b") and plan.estimate_seconds == 0
    events = []
    result = again.run(on_event=events.append)
    assert result.status == "completed" and not [e for e in events if isinstance(e.event, RunStarted)]
    with pytest.raises(ConfigError, match="another experiment or budget"):
        LabJob(TinyExperiment(), data_root, budget="quick", out_dir=tmp_path / "exp").open()


def test_job_refuses_a_folder_with_other_files(data_root, tmp_path):
    (tmp_path / "exp").mkdir()
    (tmp_path / "exp" / "notes.txt").write_text("mine")
    with pytest.raises(ConfigError, match="not empty"):
        LabJob(TinyExperiment(), data_root, budget="smoke", out_dir=tmp_path / "exp").open()


def test_stopped_job_writes_partial_outputs_and_resumes(data_root, tmp_path):
    job = LabJob(TinyExperiment(), data_root, budget="smoke", out_dir=tmp_path / "exp", device="cpu")
    job.stop()  # asked before the queue exists: applied when it starts
    result = job.run()
    assert result.status == "stopped" and result.verdict["result"] == "inconclusive"
    assert (tmp_path / "exp" / "report.md").is_file()
    done = LabJob(TinyExperiment(), data_root, budget="smoke", out_dir=tmp_path / "exp", device="cpu").run()
    assert done.status == "completed" and [r["status"] for r in done.runs] == ["completed", "completed"]


def test_failed_runs_are_listed_in_the_figure_not_drawn(tmp_path):
    exp = TinyExperiment()
    a, b = exp.runs(facts(root="/d"), "smoke")
    outs = [outcome(a, [50, 40]), outcome(b, [90], status="failed", message="NaN loss")]
    from matplotlib.figure import Figure

    figure = Figure()
    exp.draw(outs, figure)
    ax = figure.axes[0]
    assert [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")] == ["A"]
    assert any("B: failed" in t.get_text() for t in ax.texts)
    png, svg = write_figure(tmp_path, exp, outs)
    assert png.stat().st_size > 1000 and svg.suffix == ".svg"
    rows = curve_rows(outs)
    assert [r["status"] for r in rows] == ["completed", "completed", "failed"]
    assert rows[0]["train_error"] == 50.0 and rows[0]["test_error"] == 55.0 and rows[1]["elapsed_seconds"] == 20.0
    text = write_curves(tmp_path / "c.csv", outs).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == ",".join(CURVE_COLUMNS)


def test_preview_plans_from_the_listing_without_decoding(data_root, tmp_path):
    plan = preview("degradation", data_root, "quick", device="cpu")
    assert plan.data.train_images == 48 and plan.data.test_images == 18 and plan.data.image_size == 16
    assert [s.name for s in plan.specs] == ["plain20", "plain56", "resnet20", "resnet56"]
    assert 0 < plan.estimate_seconds < 120  # 48 images: far less than the 3,000 the budget allows
    assert not list(tmp_path.iterdir())
