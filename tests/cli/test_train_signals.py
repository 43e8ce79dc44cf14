"""SIGTERM / SIGHUP stop like Ctrl-C, a killed run reads ``interrupted`` and resumes (issue 12 item 3).

Real subprocesses and real signals (POSIX only).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cnn_studio.core import run_lock, runs
from cnn_studio.core.checkpoint import load_checkpoint
from tests.core.training_fixtures import make_color_dataset, tiny_config

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def data_root(tmp_path_factory):
    return make_color_dataset(tmp_path_factory.mktemp("colors"), {"train": 16, "val": 4})


def _start(args: list[str]) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    return subprocess.Popen([sys.executable, "-m", "cnn_studio", "train", *args, "--json"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _after_first_epoch(proc: subprocess.Popen) -> None:
    line = proc.stdout.readline()
    assert json.loads(line)["event"] == "epoch", line


def _strict(path: Path) -> object:
    return json.loads(path.read_text(), parse_constant=lambda name: pytest.fail(f"{name} in {path.name}"))


@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_terminate_and_hangup_stop_cooperatively(data_root, tmp_path, signum, code):
    out = tmp_path / "run"
    config = tmp_path / "run.json"
    tiny_config(data_root, out, epochs=400).save(config)
    proc = _start(["--config", str(config)])
    _after_first_epoch(proc)
    proc.send_signal(signum)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == code, stderr
    assert "Traceback" not in stderr and "stopping" in stderr
    result = json.loads(stdout.strip().splitlines()[-1])
    assert result["event"] == "result" and result["status"] == "stopped"
    summary = _strict(out / runs.SUMMARY_FILE)
    assert summary["status"] == "stopped" and summary["epochs"] >= 1
    assert load_checkpoint(out / runs.LAST_CHECKPOINT)["epoch"] >= 1
    assert not (out / run_lock.LOCK_FILE).exists()
    info = runs.run_info(out)
    assert info.status == "stopped" and info.resumable


def test_killed_run_is_interrupted_then_resumes_to_the_end(data_root, tmp_path):
    out = tmp_path / "run"
    config = tmp_path / "run.json"
    tiny_config(data_root, out, epochs=12).save(config)
    proc = _start(["--config", str(config)])
    _after_first_epoch(proc)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert not (out / runs.SUMMARY_FILE).exists()
    info = runs.run_info(out)
    assert info.status == "interrupted" and info.resumable and info.has_last
    done = _start(["--resume", str(out)])
    stdout, stderr = done.communicate(timeout=300)
    assert done.returncode == 0, stderr
    assert json.loads(stdout.strip().splitlines()[-1])["epochs"] == 12
    epochs = [r["epoch"] for r in runs.read_metrics(out, kind="epoch")]
    assert epochs == list(range(1, 13))
    assert runs.run_info(out).status == "completed"


def test_a_second_writer_gets_one_line_and_exit_2(data_root, tmp_path):
    out = tmp_path / "run"
    config = tmp_path / "run.json"
    tiny_config(data_root, out, epochs=400).save(config)
    first = _start(["--config", str(config)])
    try:
        _after_first_epoch(first)
        second = _start(["--resume", str(out)])
        stdout, stderr = second.communicate(timeout=120)
        assert second.returncode == 2 and stdout == ""
        assert stderr.startswith("error: ") and len(stderr.strip().splitlines()) == 1
        assert "being written by another CNN Studio process" in stderr and f"pid {first.pid}" in stderr
        assert runs.run_info(out).status == "running"
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=120)
    assert first.returncode == 143
    epochs = [r["epoch"] for r in runs.read_metrics(out, kind="epoch")]
    assert epochs == list(range(1, len(epochs) + 1))  # one writer: no interleaved epochs
