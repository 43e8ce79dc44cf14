"""Entry point for ``python -m cnn_studio`` and for the PyInstaller executable."""

import multiprocessing
import sys


def _entry() -> int:
    # Windows (and macOS spawn) needs this before anything starts decoder processes in a frozen app.
    multiprocessing.freeze_support()
    from cnn_studio.cpu_sharing import apply_cpu_sharing_defaults

    apply_cpu_sharing_defaults()  # before torch loads: OpenMP threads that sleep, not spin, when idle
    from cnn_studio.cli import main

    return main()


if __name__ == "__main__":
    sys.exit(_entry())
