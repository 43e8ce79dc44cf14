"""``cnn-studio gui [DATASET] [--lang ko|en]``: open the desktop app (also the default with no command)."""

from __future__ import annotations

import argparse

#: the values of ``--lang`` (kept in step with ``cnn_studio.gui.i18n.LANGUAGES``; no Qt import here)
LANGUAGES = ("en", "ko")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``gui`` subcommand."""
    p = sub.add_parser("gui", help="open the desktop app (the default)")
    p.add_argument("dataset", nargs="?", help="dataset folder to open")
    p.add_argument("--demo", action="store_true", dest="gui_demo", help="open the bundled demo dataset")
    add_lang_option(p, default=argparse.SUPPRESS)  # `cnn-studio --lang ko gui` keeps the top-level value
    p.set_defaults(func=lambda a: run_gui(demo=a.gui_demo, dataset=a.dataset, language=getattr(a, "lang", None)))


def add_lang_option(parser: argparse.ArgumentParser, default: object = None) -> None:
    """Add ``--lang ko|en`` (the interface language for this start) to ``parser``."""
    parser.add_argument("--lang", choices=LANGUAGES, default=default,
                        help="interface language for this start: ko (Korean) or en (English); "
                             "default: the one chosen in View > Language, else the system's")


def run_gui(demo: bool = False, dataset: str | None = None, language: str | None = None) -> int:
    """Start the Qt application (in ``language``, 'ko' or 'en', when given); return its exit code."""
    from cnn_studio.gui.app import run_app

    return run_app(demo=demo, dataset=dataset, language=language)
