"""The ``cnn-studio`` command: the GUI by default, and scriptable subcommands.

Each subcommand lives in its own module in this package with ``register(subparsers)`` (adds its
parser and sets ``func``) and imports torch and the core lazily, so ``--help`` and ``--version``
stay fast. User errors (``UserError``) print one sentence and exit 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from cnn_studio import __version__

# Subcommand modules, in the order ``--help`` lists them.
_COMMAND_MODULES = ("gui", "predict", "models", "scan", "convert_cifar", "train", "export",)  # each subcommand module adds its name here

EXIT_USER_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    """Return the full argument parser."""
    parser = argparse.ArgumentParser(
        prog="cnn-studio",
        description="Train and understand convolutional networks. With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"cnn-studio {__version__}")
    parser.add_argument("--demo", action="store_true", help="open the app on the bundled demo dataset")
    parser.add_argument("--self-test", action="store_true",
                        help="check the installation offscreen (window, scan, a short training run, predictions)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        module = importlib.import_module(f"cnn_studio.cli.{name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    from cnn_studio.core.errors import UserError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.self_test:
            from cnn_studio.selftest import run_self_test

            return run_self_test()
        if args.command is None:
            from cnn_studio.cli.gui import run_gui

            return run_gui(demo=args.demo, dataset=None)
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
