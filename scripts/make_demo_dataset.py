"""Regenerate the bundled synthetic demo dataset in ``resources/demo/`` (deterministic).

Usage: ``python scripts/make_demo_dataset.py [DST] [--seed N]``
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from cnn_studio.core.data.demo import make_demo_dataset


def main() -> None:
    repo = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dst", nargs="?", default=str(repo / "resources" / "demo"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    dst = Path(args.dst)
    if dst.exists():
        shutil.rmtree(dst)
    make_demo_dataset(dst, seed=args.seed)
    files = list(dst.rglob("*.png"))
    total = sum(f.stat().st_size for f in files)
    print(f"wrote {len(files)} images, {total / 1e6:.2f} MB, to {dst}")


if __name__ == "__main__":
    main()
