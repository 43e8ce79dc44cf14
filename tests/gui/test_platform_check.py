"""The first-run check of Qt's xcb plugin: missing libraries -> one apt-get command, exit 1."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cnn_studio.gui import platform_check as pc

# Real ``ldd libqxcb.so`` output (shortened) from a fresh Ubuntu without two xcb libraries; ldd
# repeats a missing library for each dependant that needs it.
LDD_OUTPUT = """\
\tlinux-vdso.so.1 (0x00007fc2d1d72000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/plugins/platforms/../../lib/libQt6XcbQpa.so.6 (0x00007fc2d1ca4000)
\tlibxkbcommon-x11.so.0 => /lib/x86_64-linux-gnu/libxkbcommon-x11.so.0 (0x00007fc2d1bc1000)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007fc2d1bba000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-util.so.1 => /lib/x86_64-linux-gnu/libxcb-util.so.1 (0x00007fc2d1bb2000)
\tlibxcb-keysyms.so.1 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007fc2cfe1e000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\t/lib64/ld-linux-x86-64.so.2 (0x00007fc2d1d74000)
"""


def test_missing_sonames_are_read_from_ldd_output_once_each():
    assert pc.missing_from_ldd(LDD_OUTPUT) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert pc.missing_from_ldd("\tlibc.so.6 => /lib/libc.so.6 (0x1)\n") == []
    # Qt's own libraries ship with PySide6: no system package to name (a broken install instead)
    assert pc.missing_from_ldd("\tlibQt6XcbQpa.so.6 => not found\n\tlibicuuc.so.73 => not found\n") == []


@pytest.mark.parametrize("soname, package", [
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libX11-xcb.so.1", "libx11-xcb1"),
    ("libX11.so.6", "libx11-6"),
    ("libEGL.so.1", "libegl1"),
    ("libdbus-1.so.3", "libdbus-1-3"),
    ("libfontconfig.so.1.12.0", "libfontconfig1"),
    ("libglib-2.0.so.0", "libglib2.0-0"),
])
def test_sonames_map_to_debian_packages(soname, package):
    assert pc.debian_package(soname) == package


def test_message_has_the_exact_install_command():
    message = pc.missing_message(["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-icccm.so.4"])
    assert "    sudo apt-get install libxcb-icccm4 libxcb-keysyms1\n" in message
    assert "libxcb-cursor0" not in message  # Qt's own message blames this one whatever is missing


@pytest.mark.parametrize("env, platform, wanted", [
    ({}, "linux", True),
    ({"DISPLAY": ":0"}, "linux", True),
    ({"QT_QPA_PLATFORM": "xcb"}, "linux", True),
    ({"QT_QPA_PLATFORM": "xcb:dpi=96"}, "linux", True),
    ({"QT_QPA_PLATFORM": "offscreen"}, "linux", False),
    ({"QT_QPA_PLATFORM": "wayland"}, "linux", False),
    ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
    ({"WAYLAND_DISPLAY": "wayland-0", "QT_QPA_PLATFORM": "xcb"}, "linux", True),
    ({}, "darwin", False),
    ({}, "win32", False),
])
def test_only_the_xcb_platform_on_linux_is_checked(env, platform, wanted):
    assert pc.xcb_platform_wanted(env, platform) is wanted


def _fake_ldd(tmp_path: Path, output: str) -> dict[str, str]:
    """A PATH whose ``ldd`` prints ``output``; returns the environment to use."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "ldd.out").write_text(output)
    script = bin_dir / "ldd"
    script.write_text(f"#!/bin/sh\ncat '{bin_dir / 'ldd.out'}'\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb check runs on Linux only")
def test_check_runs_ldd_on_the_plugin(tmp_path, monkeypatch):
    plugins = tmp_path / "plugins"
    (plugins / "platforms").mkdir(parents=True)
    (plugins / "platforms" / "libqxcb.so").write_bytes(b"")
    monkeypatch.setenv("PATH", _fake_ldd(tmp_path, LDD_OUTPUT)["PATH"])
    message = pc.check_xcb_platform(plugins, {"DISPLAY": ":0"})
    assert message is not None and "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in message
    assert pc.check_xcb_platform(plugins, {"QT_QPA_PLATFORM": "offscreen"}) is None
    assert pc.check_xcb_platform(tmp_path / "no-plugins", {"DISPLAY": ":0"}) is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb check runs on Linux only")
def test_app_exits_1_with_the_command_before_qt_aborts(tmp_path):
    """``cnn-studio`` on X11 with libraries missing: one message, exit 1 (not Qt's abort, 134)."""
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", CNN_STUDIO_DATA_DIR=str(tmp_path / "data"),
               **_fake_ldd(tmp_path, LDD_OUTPUT))
    done = subprocess.run([sys.executable, "-m", "cnn_studio", "--demo"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in done.stderr
    assert "Traceback" not in done.stderr
