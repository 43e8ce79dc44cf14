"""Persistent GUI settings (window geometry, last dataset, last config, recent datasets).

The settings live in an INI file in the per-user data folder, so tests (which point
``CNN_STUDIO_DATA_DIR`` at a temporary folder) never touch the user's real settings.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from cnn_studio.paths import user_data_dir

ORGANIZATION = "CNN Studio"
APPLICATION = "cnn-studio"
MAX_RECENT = 8


class AppSettings:
    """Typed access to the app's QSettings."""

    def __init__(self, path: str | Path | None = None) -> None:
        path = Path(path) if path else user_data_dir() / "settings.ini"
        self._qs = QSettings(str(path), QSettings.Format.IniFormat)

    @property
    def path(self) -> str:
        """Return the settings file."""
        return self._qs.fileName()

    def sync(self) -> None:
        """Write pending changes to disk."""
        self._qs.sync()

    # geometry
    def geometry(self) -> QByteArray | None:
        """Return the saved window geometry, if any."""
        value = self._qs.value("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_geometry(self, value: QByteArray) -> None:
        """Remember the window geometry."""
        self._qs.setValue("window/geometry", value)

    def window_state(self) -> QByteArray | None:
        """Return the saved dock/toolbar state, if any."""
        value = self._qs.value("window/state")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_window_state(self, value: QByteArray) -> None:
        """Remember the dock/toolbar state."""
        self._qs.setValue("window/state", value)

    # datasets
    def last_dataset(self) -> str:
        """Return the last opened dataset folder ('' if none)."""
        return str(self._qs.value("data/last", "") or "")

    def recent_datasets(self) -> list[str]:
        """Return recently opened dataset folders, newest first."""
        value = self._qs.value("data/recent", [])
        if isinstance(value, str):
            value = [value] if value else []
        return [str(v) for v in (value or [])]

    def add_recent_dataset(self, path: str) -> None:
        """Record a dataset as the last and most recent one."""
        recent = [p for p in self.recent_datasets() if p != path]
        recent.insert(0, path)
        self._qs.setValue("data/recent", recent[:MAX_RECENT])
        self._qs.setValue("data/last", path)

    def clear_recent_datasets(self) -> None:
        """Forget the recent datasets."""
        self._qs.setValue("data/recent", [])

    # config
    def last_config(self) -> dict | None:
        """Return the last settings as plain data (a TrainConfig dict), or None."""
        text = self._qs.value("train/last_config", "")
        if not text:
            return None
        try:
            data = json.loads(str(text))
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def set_last_config(self, data: dict) -> None:
        """Remember the last settings."""
        self._qs.setValue("train/last_config", json.dumps(data))

    # extra run folders opened from elsewhere
    def extra_run_dirs(self) -> list[str]:
        """Return run folders opened from outside the runs directory."""
        value = self._qs.value("runs/extra", [])
        if isinstance(value, str):
            value = [value] if value else []
        return [str(v) for v in (value or [])]

    def set_extra_run_dirs(self, dirs: list[str]) -> None:
        """Remember run folders opened from elsewhere."""
        self._qs.setValue("runs/extra", list(dirs))
