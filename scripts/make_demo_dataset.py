"""Regenerate the bundled synthetic demo dataset in ``resources/demo/`` (deterministic).

Usage: ``python scripts/make_demo_dataset.py [DST] [--seed N] [--train-per-class N] [--test-per-class N]``

A larger set of the same shapes (e.g. 1000 + 200 per class: 6,000 images) suits the Lab's quick budget.
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
    parser.add_argument("--train-per-class", type=int, default=None, help="default: the bundled demo's count")
    parser.add_argument("--test-per-class", type=int, default=None, help="default: the bundled demo's count")
    args = parser.parse_args()
    dst = Path(args.dst)
    if dst.exists():
        shutil.rmtree(dst)
    counts = {k: v for k, v in (("train_per_class", args.train_per_class), ("test_per_class", args.test_per_class))
              if v is not None}
    make_demo_dataset(dst, seed=args.seed, **counts)
    files = list(dst.rglob("*.png"))
    total = sum(f.stat().st_size for f in files)
    print(f"wrote {len(files)} images, {total / 1e6:.2f} MB, to {dst}")


if __name__ == "__main__":
    main()
