"""The core never imports Qt: every core module imports in a fresh interpreter without PySide6."""

import pkgutil
import subprocess
import sys

import cnn_studio.core


def _core_modules() -> list[str]:
    names = ["cnn_studio.core"]
    for info in pkgutil.walk_packages(cnn_studio.core.__path__, "cnn_studio.core."):
        names.append(info.name)
    return names


def test_core_modules_import_no_qt():
    modules = _core_modules()
    assert len(modules) > 5
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"core imported Qt modules: {out.stdout.strip()}"


def test_version_is_fast_and_torch_free():
    code = "import sys, cnn_studio; print(cnn_studio.__version__, 'torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    version, torch_loaded = out.stdout.split()
    assert version.count(".") == 2
    assert torch_loaded == "False"
