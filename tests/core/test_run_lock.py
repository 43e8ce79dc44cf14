"""A run folder has one writer; a run whose writer died reads ``interrupted`` (issue 12 items 3-4)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cnn_studio.core import run_lock, runs
from cnn_studio.core.errors import RunLockedError

HOLD = """
import sys, time
from cnn_studio.core.run_lock import RunLock
RunLock(sys.argv[1]).acquire()
print("locked", flush=True)
time.sleep(120)
"""


@pytest.fixture(autouse=True)
def _quick_retry(monkeypatch):
    monkeypatch.setattr(run_lock, "ACQUIRE_RETRY_S", 0.2)


def _run_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / runs.CONFIG_FILE).write_text(json.dumps({"model": {"name": "resnet20"}}))
    runs.append_metrics(folder, {"kind": "epoch", "epoch": 1, "heldout_accuracy": 0.5})
    return folder


def _holder(folder: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(folder)], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_second_writer_in_the_same_process_is_refused(tmp_path):
    folder = _run_folder(tmp_path)
    with run_lock.RunLock(folder) as lock:
        assert lock.held and run_lock.owner_state(folder) == "alive"
        owner = run_lock.read_owner(folder)
        assert owner["pid"] == os.getpid() and owner["host"]
        with pytest.raises(RunLockedError) as err:
            run_lock.RunLock(folder).acquire()
        message = str(err.value)
        assert str(folder) in message and f"pid {os.getpid()}" in message and "\n" not in message
        assert runs.run_info(folder).status == "running"
    assert run_lock.owner_state(folder) == "none" and not (folder / run_lock.LOCK_FILE).exists()
    run_lock.RunLock(folder).acquire().release()  # free again


def test_a_killed_owner_leaves_an_interrupted_run(tmp_path):
    folder = _run_folder(tmp_path)
    proc = _holder(folder)
    try:
        assert run_lock.owner_state(folder) == "alive"
        with pytest.raises(RunLockedError, match=f"pid {proc.pid}"):
            run_lock.RunLock(folder).acquire()
        assert runs.run_info(folder).status == "running"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert (folder / run_lock.LOCK_FILE).exists()  # kill -9: nobody removed it
    assert run_lock.owner_state(folder) == "dead"
    info = runs.run_info(folder)
    assert info.status == "interrupted" and info.resumable and info.epochs_completed == 1
    with run_lock.RunLock(folder):  # the dead owner's lock is taken over
        assert runs.run_info(folder).status == "running"
    assert runs.run_info(folder).status == "running"  # no lock, no summary: an older writer's run


def test_live_owner_wins_over_an_old_summary_and_dead_owner_over_older_summary(tmp_path):
    folder = _run_folder(tmp_path)
    runs.write_json_atomic(folder / runs.SUMMARY_FILE, {"status": "stopped", "epochs": 1})
    assert runs.run_info(folder).status == "stopped" and runs.run_info(folder).resumable
    past = time.time() - 60
    os.utime(folder / runs.SUMMARY_FILE, (past, past))
    proc = _holder(folder)  # the stopped run is being resumed
    try:
        assert runs.run_info(folder).status == "running"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert runs.run_info(folder).status == "interrupted"  # the resume died: the summary is stale
    runs.write_json_atomic(folder / runs.SUMMARY_FILE, {"status": "completed", "epochs": 2})
    assert runs.run_info(folder).status == "completed"  # written after the lock: the run did finish


def test_without_os_locks_the_pid_decides(tmp_path, monkeypatch):
    folder = _run_folder(tmp_path)
    import socket

    (folder / run_lock.LOCK_FILE).write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname()}))
    monkeypatch.setattr(run_lock, "fcntl", None)
    monkeypatch.setattr(run_lock, "msvcrt", None)
    assert run_lock.owner_state(folder) == "alive"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (folder / run_lock.LOCK_FILE).write_text(json.dumps({"pid": int(dead.stdout), "host": socket.gethostname()}))
    assert run_lock.owner_state(folder) == "dead" and runs.run_info(folder).status == "interrupted"
