"""The ``cnn-studio`` command: the GUI by default, and scriptable subcommands.

Each subcommand lives in its own module in this package with ``register(subparsers)`` (adds its
parser and sets ``func``) and imports torch and the core lazily, so ``--help`` and ``--version``
stay fast. User errors (``UserError``) print one sentence and exit 2.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Sequence

from cnn_studio import __version__

# Subcommand modules, in the order ``--help`` lists them.
_COMMAND_MODULES = ("gui", "predict", "models", "scan", "convert_cifar", "train", "export", "lab",)  # each subcommand module adds its name here

EXIT_USER_ERROR = 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a reader that went away


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
    from cnn_studio.cli.gui import add_lang_option

    add_lang_option(parser)  # `cnn-studio --lang ko` (the GUI is the default command)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        module = importlib.import_module(f"cnn_studio.cli.{name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code.

    First sets the OpenMP defaults that let trainings share the CPU (``cpu_sharing``): this is the
    ``cnn-studio`` script's entry, and torch is not imported yet.
    """
    from cnn_studio.cpu_sharing import apply_cpu_sharing_defaults

    apply_cpu_sharing_defaults()
    from cnn_studio.core.errors import UserError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.self_test:
            from cnn_studio.selftest import run_self_test

            return run_self_test()
        if args.command is None:
            from cnn_studio.cli.gui import run_gui

            return run_gui(demo=args.demo, dataset=None, language=args.lang)
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's exit flush
        return code
    except BrokenPipeError:
        # The reader went away (``cnn-studio models --json | head``): no traceback. Point stdout at
        # devnull so the interpreter's final flush does not raise again (Python's documented recipe).
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _silence_stdout() -> None:
    """Redirect the process's stdout to devnull (after a broken pipe)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # stdout replaced by something without a file
        pass
