"""Architecture rules of gui/: the window imports every view normally; helpers never import the window."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import cnn_studio

GUI = Path(cnn_studio.__file__).parent / "gui"


def test_importing_the_main_window_pulls_in_every_view():
    code = ("import sys, cnn_studio.gui.main_window; "
            "print(sorted(m for m in sys.modules if m.startswith('cnn_studio.gui.views.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(GUI.parents[1]), "PATH": ""}).stdout
    views = {f"cnn_studio.gui.views.{p.stem}" for p in (GUI / "views").glob("*_view.py")}
    assert views and views <= set(eval(out))  # noqa: S307 - our own printed list


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__":
            names.add("__import__")
    return names


def test_no_gui_module_imports_the_window_or_imports_by_string():
    for path in GUI.rglob("*.py"):
        if path.name in ("main_window.py", "app.py", "screenshots.py"):
            continue
        imported = _imported_modules(path)
        assert "cnn_studio.gui.main_window" not in imported, path
        assert "__import__" not in imported, path
