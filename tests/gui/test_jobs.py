"""The one background runner (gui/jobs.py): outcomes, progress, one failure shape, cancel, supersede, shutdown."""

from __future__ import annotations

import threading

import pytest

from cnn_studio.core.errors import DatasetError
from cnn_studio.gui.jobs import JobContext, JobFailure, JobRunner


@pytest.fixture
def runner(qapp):
    r = JobRunner(threads=2)
    yield r
    assert r.shutdown(10000)
    assert r.active_threads() == 0


def _record(events: list, name: str):
    return lambda *args: events.append((name, *args))


def _callbacks(events: list) -> dict:
    return {f"on_{name}": _record(events, name) for name in ("done", "failed", "progress", "partial",
                                                             "cancelled", "finished")}


def test_a_job_reports_progress_partials_and_its_result_in_order(qtbot, runner):
    events: list = []

    def job(context: JobContext) -> str:
        for i in range(1, 4):
            context.partial(i)
        for done in range(1, 101):
            context.progress(done, 100)
        return "ok"

    runner.submit(job, **_callbacks(events))
    qtbot.waitUntil(lambda: bool(events) and events[-1] == ("finished",), timeout=10000)
    assert [e for e in events if e[0] == "partial"] == [("partial", 1), ("partial", 2), ("partial", 3)]
    progress = [e[1:] for e in events if e[0] == "progress"]
    assert progress[-1] == (100, 100) and len(progress) < 100  # throttled, but the end always arrives
    assert events[-2:] == [("done", "ok"), ("finished",)]
    assert not runner.is_busy()


def test_failures_have_one_shape(qtbot, runner):
    failures: list[JobFailure] = []

    def user_error(_context: JobContext) -> None:
        raise DatasetError("The folder /nowhere does not exist.")

    def bug(_context: JobContext) -> None:
        raise ZeroDivisionError("division by zero")

    runner.submit(user_error, on_failed=failures.append)
    runner.submit(bug, on_failed=failures.append)
    qtbot.waitUntil(lambda: len(failures) == 2, timeout=10000)
    by_type = {type(f.exception): f for f in failures}
    user = by_type[DatasetError]
    assert (user.message, user.details, user.user_error) == ("The folder /nowhere does not exist.", "", True)
    unexpected = by_type[ZeroDivisionError]
    assert unexpected.message == "ZeroDivisionError: division by zero" and not unexpected.user_error
    assert "Traceback" in unexpected.details


def test_cancel_reports_cancelled_and_finished_only(qtbot, runner):
    events: list = []
    started = threading.Event()

    def job(context: JobContext) -> str:
        started.set()
        while True:
            context.progress(1, 0)  # raises Cancelled once cancelled

    handle = runner.submit(job, kind="scan", **_callbacks(events))
    assert started.wait(10)
    handle.cancel()
    qtbot.waitUntil(lambda: ("finished",) in events, timeout=10000)
    assert handle.cancelled
    assert [e[0] for e in events if e[0] != "progress"] == ["cancelled", "finished"]


def test_a_newer_job_of_the_same_kind_supersedes_the_older(qtbot, runner):
    events: list = []
    release = threading.Event()

    def slow(context: JobContext) -> str:
        release.wait(10)
        return "old"

    old = runner.submit(slow, kind="layer", **_callbacks(events))
    runner.submit(lambda _context: "new", kind="layer", on_done=_record(events, "new"))
    release.set()
    qtbot.waitUntil(lambda: not runner.is_busy(), timeout=10000)
    assert old.cancelled
    assert events == [("new", "new")]  # nothing of the superseded job arrives


def test_shutdown_waits_for_running_jobs_and_drops_their_outcome(qtbot, qapp):
    runner = JobRunner()
    events: list = []
    started = threading.Event()

    def job(context: JobContext) -> None:
        started.set()
        while not context.cancel():
            pass

    runner.submit(job, **_callbacks(events))
    assert started.wait(10)
    assert runner.shutdown(10000)
    qapp.processEvents()
    assert events == [] and not runner.is_busy() and runner.active_threads() == 0
