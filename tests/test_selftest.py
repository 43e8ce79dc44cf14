"""``cnn-studio --self-test`` end to end, as a user (or CI) runs it: a subprocess, offscreen."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cnn_studio.paths import demo_dataset_dir

pytestmark = pytest.mark.slow

SELF_TEST_TIMEOUT_S = 120


def _run_self_test(env_overrides: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **env_overrides)
    return subprocess.run([sys.executable, "-m", "cnn_studio", "--self-test"], env=env, capture_output=True,
                          text=True, timeout=SELF_TEST_TIMEOUT_S, cwd=Path(__file__).parent)


@pytest.mark.skipif(not demo_dataset_dir().is_dir(), reason="the demo dataset is not generated yet")
def test_self_test_passes_and_prints_one_result_line(tmp_path: Path) -> None:
    user_dirs = {"CNN_STUDIO_DATA_DIR": str(tmp_path / "data"), "CNN_STUDIO_RUNS_DIR": str(tmp_path / "runs"),
                 "CNN_STUDIO_CACHE_DIR": str(tmp_path / "cache")}
    result = _run_self_test(user_dirs)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    assert lines and lines[-1].startswith("self-test ok: "), result.stdout
    line = lines[-1]
    for expected in ("window shown", "scan ", "epoch simple_cnn acc", "demo ", "imagenet->", "total "):
        assert expected in line, line
    # The self-test writes into its own temporary folder, never into the user's dirs.
    for folder in user_dirs.values():
        assert not Path(folder).exists() or not any(Path(folder).iterdir()), folder


def test_self_test_fails_with_the_reason_when_the_demo_dataset_is_missing(tmp_path: Path) -> None:
    empty_resources = tmp_path / "resources"
    empty_resources.mkdir()
    result = _run_self_test({"CNN_STUDIO_RESOURCES": str(empty_resources)})
    assert result.returncode == 1, result.stdout + result.stderr[-3000:]
    assert "self-test ok" not in result.stdout
    reason = result.stderr.strip().splitlines()[-1]
    assert reason.startswith("self-test FAILED at scan: "), result.stderr[-3000:]


@pytest.mark.skipif(not sys.platform.startswith(("linux", "win")), reason="process start time is read on Linux and Windows")
def test_process_age_counts_from_process_start() -> None:
    code = ("import time; time.sleep(0.5); "
            "from cnn_studio.selftest import process_age_seconds; print(process_age_seconds())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    age = float(out.stdout.strip())
    assert 0.5 <= age < 30.0, age
