"""Where CNN Studio finds its resources and keeps user data, caches and runs.

One helper for every path the app needs. Resources are read-only (inside the PyInstaller bundle
when frozen, ``sys._MEIPASS``); everything the app writes goes to per-user directories, each
overridable by an environment variable:

- ``CNN_STUDIO_DATA_DIR``: user data (settings files, downloaded weights kept by the app).
- ``CNN_STUDIO_CACHE_DIR``: decoded-dataset caches.
- ``CNN_STUDIO_RUNS_DIR``: training runs.
- ``CNN_STUDIO_RESOURCES``: an alternative resources folder (tests, packaging).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "cnn-studio"


def is_frozen() -> bool:
    """Return True inside a PyInstaller bundle."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def resources_dir() -> Path:
    """Return the read-only resources folder (icons, the demo dataset, translations)."""
    override = os.environ.get("CNN_STUDIO_RESOURCES")
    if override:
        return Path(override)
    if is_frozen():
        return Path(sys._MEIPASS) / "resources"  # type: ignore[attr-defined]
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """Return the path of a resource, e.g. ``resource_path("demo")``."""
    return resources_dir().joinpath(*parts)


def demo_dataset_dir() -> Path:
    """Return the bundled synthetic demo dataset (``train/`` and ``test/`` class folders)."""
    return resource_path("demo")


def _platform_base(kind: str) -> Path:
    home = Path.home()
    if sys.platform.startswith("win"):
        root = os.environ.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
        base = Path(root) / "CNN Studio"
        return base / "Cache" if kind == "cache" else base
    if sys.platform == "darwin":
        if kind == "cache":
            return home / "Library" / "Caches" / "CNN Studio"
        return home / "Library" / "Application Support" / "CNN Studio"
    if kind == "cache":
        return Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache") / APP_NAME
    return Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share") / APP_NAME


def _dir(env: str, default: Path, create: bool) -> Path:
    path = Path(os.environ[env]) if os.environ.get(env) else default
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def user_data_dir(create: bool = True) -> Path:
    """Return the per-user data folder."""
    return _dir("CNN_STUDIO_DATA_DIR", _platform_base("data"), create)


def user_cache_dir(create: bool = True) -> Path:
    """Return the per-user cache folder (decoded datasets)."""
    return _dir("CNN_STUDIO_CACHE_DIR", _platform_base("cache"), create)


def runs_dir(create: bool = True) -> Path:
    """Return the folder that holds one sub-folder per training run."""
    return _dir("CNN_STUDIO_RUNS_DIR", user_data_dir(create) / "runs", create)
