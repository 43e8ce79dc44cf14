"""Before the window opens on Linux: does Qt's xcb platform plugin have its system libraries?

When a library of the xcb plugin is missing, Qt aborts the process (exit 134) with a message that
always blames ``libxcb-cursor0``, whatever was missing. This module finds the libraries that are
really missing (``ldd`` on the plugin, which follows its dependencies) and turns them into one
install command, e.g. ``sudo apt-get install libxcb-icccm4 libxcb-keysyms1``.

The parsing and the soname -> Debian package mapping are pure functions (tested with a fake
``ldd`` output); :func:`check_xcb_platform` is the one call that looks at the system. It imports
nothing from Qt: the caller passes Qt's plugins folder.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Mapping

EXIT_MISSING_LIBRARIES = 1

# Sonames whose Debian package does not follow the policy's naming rule (see debian_package).
_PACKAGE_EXCEPTIONS = {
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0",
    "libgio-2.0.so.0": "libglib2.0-0",
    "libpng16.so.16": "libpng16-16",
    "libstdc++.so.6": "libstdc++6",
    "libgcc_s.so.1": "libgcc-s1",
}

# Libraries that come with PySide6 (or a bundle of the app), not from the system: when one of these
# is missing the installation is broken, and no system package helps.
_BUNDLED_PREFIXES = ("libQt6", "libicu", "libpyside6", "libshiboken6")

_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found\s*$")
_DLOPEN_ERROR = re.compile(r"(\S+\.so[.\d]*): cannot open shared object file")


def xcb_platform_wanted(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Return True when Qt will use its xcb (X11) plugin for the window.

    That is on Linux with ``QT_QPA_PLATFORM`` set to ``xcb``, or unset outside a Wayland session
    (in a Wayland session Qt tries its Wayland plugin first, which needs none of these libraries).
    ``offscreen``, ``wayland``, ``vnc`` and the others need no X11 libraries.
    """
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return chosen.split(";")[0].split(":")[0].strip() == "xcb"
    return not environ.get("WAYLAND_DISPLAY")


def missing_from_ldd(output: str) -> list[str]:
    """Return the system sonames ``ldd`` reported as ``not found`` (each once, in order).

    Qt's own libraries are left out: they ship with PySide6 (see ``_BUNDLED_PREFIXES``).
    """
    found = [m.group(1) for line in output.splitlines() if (m := _NOT_FOUND.match(line))]
    return [name for name in dict.fromkeys(found) if not name.startswith(_BUNDLED_PREFIXES)]


def debian_package(soname: str) -> str:
    """Return the Debian/Ubuntu package that ships a library, from its soname.

    Debian's library packaging policy names the package after the soname: ``libxcb-icccm.so.4``
    is in ``libxcb-icccm4``, and a name that ends in a digit gets a hyphen before the version
    (``libxkbcommon-x11.so.0`` is in ``libxkbcommon-x11-0``). Package names are lower case.
    A few libraries (GLib's) are named otherwise and are listed explicitly.
    """
    if soname in _PACKAGE_EXCEPTIONS:
        return _PACKAGE_EXCEPTIONS[soname]
    match = re.fullmatch(r"(.+?)\.so\.(\d+)(?:\.\d+)*", soname)
    if not match:
        return soname.split(".so")[0].lower()
    name, version = match.group(1).lower(), match.group(2)
    return f"{name}-{version}" if name[-1].isdigit() else f"{name}{version}"


def install_command(sonames: list[str]) -> str:
    """Return ``sudo apt-get install ...`` for the packages of the missing libraries."""
    packages = list(dict.fromkeys(debian_package(s) for s in sonames))
    return "sudo apt-get install " + " ".join(packages)


def missing_message(sonames: list[str]) -> str:
    """Return the one message shown when libraries are missing (with the install command)."""
    names = sonames[0] if len(sonames) == 1 else ", ".join(sonames[:-1]) + " and " + sonames[-1]
    return (
        "CNN Studio cannot open its window: Qt's X11 (xcb) platform plugin needs "
        f"{names}, which {'is' if len(sonames) == 1 else 'are'} not installed. "
        "On Debian or Ubuntu install them with:\n"
        f"    {install_command(sonames)}\n"
        "(other systems: install the packages that provide these libraries; the cnn-studio "
        "subcommands such as train and predict need no window)."
    )


def find_missing_libraries(plugin: Path) -> list[str]:
    """Return the sonames the plugin (and the libraries it loads) cannot find.

    Uses ``ldd``, which resolves the whole dependency tree; without ``ldd`` it loads the plugin
    with ``ctypes`` and reads the first missing library from the loader's error.
    """
    ldd = shutil.which("ldd")
    if ldd:
        try:
            done = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=20, check=False)
            return missing_from_ldd(done.stdout)
        except (OSError, subprocess.SubprocessError):
            pass
    try:
        ctypes.CDLL(str(plugin))
    except OSError as exc:
        match = _DLOPEN_ERROR.search(str(exc))
        return [match.group(1)] if match and not match.group(1).startswith(_BUNDLED_PREFIXES) else []
    return []


def check_xcb_platform(plugins_dir: str | os.PathLike, environ: Mapping[str, str] | None = None,
                       platform: str = sys.platform) -> str | None:
    """Return the message to print when the xcb plugin would fail for missing libraries, else None.

    Args:
        plugins_dir: Qt's plugins folder (``QLibraryInfo.path(PluginsPath)``).
        environ: The environment (default ``os.environ``).
        platform: ``sys.platform`` (for tests).
    """
    env = os.environ if environ is None else environ
    if not xcb_platform_wanted(env, platform):
        return None
    plugin = Path(plugins_dir) / "platforms" / "libqxcb.so"
    if not plugin.is_file():
        return None  # a Qt build without xcb: Qt's own message is the right one
    missing = find_missing_libraries(plugin)
    return missing_message(missing) if missing else None
