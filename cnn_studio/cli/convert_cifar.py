"""``cnn-studio convert-cifar SRC DST``: CIFAR-10 pickle batches to train/ and test/ PNG folders.

``cnn-studio convert-cifar --download DST`` downloads CIFAR-10 with torchvision first (internet).
"""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``convert-cifar`` subcommand."""
    p = sub.add_parser("convert-cifar", help="convert CIFAR-10 python batches into an image folder",
                       description="Write DST/train/<class>/*.png and DST/test/<class>/*.png from the "
                                   "'cifar-10-batches-py' folder SRC (class names from batches.meta).")
    p.add_argument("paths", nargs="+", metavar="SRC DST", help="the cifar-10-batches-py folder and the output folder")
    p.add_argument("--download", action="store_true",
                   help="download CIFAR-10 with torchvision (needs internet); then give only DST")
    p.set_defaults(func=run_convert_cifar)


def run_convert_cifar(args: argparse.Namespace) -> int:
    """Convert (or download and convert); return the exit code."""
    from cnn_studio.core.data.cifar import convert_cifar, download_cifar10
    from cnn_studio.core.errors import ConfigError

    last = [-1]

    def show(done: int, total: int) -> None:
        pct = int(100 * done / max(total, 1))
        if pct != last[0] and sys.stderr.isatty():
            last[0] = pct
            print(f"\rwriting images: {done}/{total} ({pct}%)", end="" if done < total else "\n",
                  file=sys.stderr, flush=True)

    if args.download:
        if len(args.paths) != 1:
            raise ConfigError("With --download give only the output folder: cnn-studio convert-cifar --download DST.")
        out = download_cifar10(args.paths[0], progress=show)
    else:
        if len(args.paths) != 2:
            raise ConfigError("Give the source and output folders: cnn-studio convert-cifar SRC DST.")
        out = convert_cifar(args.paths[0], args.paths[1], progress=show)
    print(f"wrote {out} (train/ and test/); open it with: cnn-studio gui {out}")
    return 0
