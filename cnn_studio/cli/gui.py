"""``cnn-studio gui [DATASET]``: open the desktop app (also the default with no command)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``gui`` subcommand."""
    p = sub.add_parser("gui", help="open the desktop app (the default)")
    p.add_argument("dataset", nargs="?", help="dataset folder to open")
    p.add_argument("--demo", action="store_true", dest="gui_demo", help="open the bundled demo dataset")
    p.set_defaults(func=lambda a: run_gui(demo=a.gui_demo, dataset=a.dataset))


def run_gui(demo: bool = False, dataset: str | None = None) -> int:
    """Start the Qt application; return its exit code."""
    from cnn_studio.gui.app import run_app

    return run_app(demo=demo, dataset=dataset)
