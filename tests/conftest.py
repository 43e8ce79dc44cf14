"""Shared test set-up: no display, no downloads, per-test user dirs."""

import os

# Qt renders offscreen here and in CI; must be set before any Qt import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Keep torch on few threads: the CI machine has 2 cores.
os.environ.setdefault("OMP_NUM_THREADS", "2")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Every test writes runs, caches and settings into its own temporary folders."""
    base = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("CNN_STUDIO_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("CNN_STUDIO_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("CNN_STUDIO_RUNS_DIR", str(base / "runs"))
    # torch hub cache: tests must never download; an empty hub dir makes "not cached" explicit.
    monkeypatch.setenv("TORCH_HOME", str(base / "torch"))
    yield
