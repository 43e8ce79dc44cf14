"""Data-path benchmark: cold scan+decode, cache reload, and loader throughput vs torchvision.

Makes a CIFAR-sized synthetic image folder once (50,000 train + 10,000 test PNGs of 32 x 32,
10 classes; in /tmp by default, never in the repo), then prints, in one run:

1. cold ``open_dataset`` (list + decode in processes + cache write), with an empty cache;
2. the reload of the same folder from the cache, checked now (every file's size and mtime and the
   pixels' checksum, ``verify="now"``), and the ratio to (1);
2b. the reopen the window does (``verify="background"``: from the cache at once, the full check
   in a background thread), its ratio to (1), and when that check finished;
3. images/s of one training epoch from ``make_loader`` (translate 4 + flip, batch 128, CPU)
   against torchvision ``ImageFolder`` + ``DataLoader(num_workers=2)`` with
   ``RandomCrop(32, padding=4)``, ``RandomHorizontalFlip``, ``ToTensor``, ``Normalize`` on the
   same folder (steady state, after the workers' first batch), and the ratio.

Targets (2-core machine): (1) <= 10 s, (2b) >= 50x faster than (1), (3) >= 20x the reference.
"Cold" means no decoded cache; the PNG files themselves may be in the OS page cache.

Usage: ``python bench/data_bench.py [--dir /tmp/cnn_studio_bench] [--per-class 5000 1000] [--no-loader]``
"""

from __future__ import annotations

import argparse
import concurrent.futures as futures
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np


def _write_class(args: tuple[str, str, int, int, int]) -> int:
    from PIL import Image

    from cnn_studio.core.data.demo import DEMO_CLASSES, draw_demo_image

    folder, cls_name, shape_index, count, seed = args
    rng = np.random.default_rng(seed)
    Path(folder).mkdir(parents=True, exist_ok=True)
    for i in range(count):
        img = draw_demo_image(DEMO_CLASSES[shape_index % len(DEMO_CLASSES)], rng)
        Image.fromarray(img).save(os.path.join(folder, f"{cls_name}_{i:05d}.png"), compress_level=6)
    return count


def make_bench_dataset(root: Path, train_per_class: int, test_per_class: int) -> Path:
    """Write the synthetic folder (skipped when it is already complete)."""
    marker = root / f".complete-{train_per_class}-{test_per_class}"
    if marker.exists():
        return root
    if root.exists():
        shutil.rmtree(root)
    jobs = []
    for split, count in (("train", train_per_class), ("test", test_per_class)):
        for c in range(10):
            jobs.append((str(root / split / f"class_{c}"), f"class_{c}", c, count, hash((split, c)) % 2**32))
    with futures.ProcessPoolExecutor(2) as pool:
        total = sum(pool.map(_write_class, jobs))
    marker.write_text(str(total))
    return root


def bench_reference(root: Path, batches: int) -> float:
    """torchvision ImageFolder + DataLoader(num_workers=2): steady-state images/s."""
    import torch
    from torchvision import datasets, transforms

    tf = transforms.Compose([transforms.RandomCrop(32, padding=4), transforms.RandomHorizontalFlip(),
                             transforms.ToTensor(),
                             transforms.Normalize((0.4914, 0.4822, 0.4465), (0.247, 0.243, 0.261))])
    ds = datasets.ImageFolder(str(root / "train"), transform=tf)
    loader = torch.utils.data.DataLoader(ds, batch_size=128, shuffle=True, num_workers=2)
    it = iter(loader)
    next(it)  # workers started and warm
    n, start = 0, time.perf_counter()
    for _ in range(batches):
        x, _y = next(it)
        n += x.shape[0]
    elapsed = time.perf_counter() - start
    del it
    return n / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description="CNN Studio data-path benchmark")
    parser.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "cnn_studio_bench"))
    parser.add_argument("--per-class", nargs=2, type=int, default=(5000, 1000), metavar=("TRAIN", "TEST"))
    parser.add_argument("--reference-batches", type=int, default=80)
    parser.add_argument("--no-loader", action="store_true", help="only (1), (2) and (2b)")
    parser.add_argument("--repeats", type=int, default=3, help="reopens measured (the best is printed)")
    args = parser.parse_args()

    import torch

    from cnn_studio.core.config import DataConfig
    from cnn_studio.core.data.dataset import open_dataset
    from cnn_studio.core.data.loader import AugmentSpec, make_loader
    from cnn_studio.core.data.pool import default_workers

    root = Path(args.dir) / "images"
    t = time.perf_counter()
    make_bench_dataset(root, *args.per_class)
    n_files = sum(1 for _ in root.rglob("*.png"))
    print(f"dataset: {root} ({n_files} PNGs; made/checked in {time.perf_counter() - t:.1f} s)")
    print(f"machine: {os.cpu_count()} CPUs visible, {default_workers()} decoder processes, torch {torch.__version__}")

    cache_dir = Path(args.dir) / "cache"
    shutil.rmtree(cache_dir, ignore_errors=True)
    cfg = DataConfig(root=str(root), cache_dir=str(cache_dir))
    t = time.perf_counter()
    ds = open_dataset(cfg)
    cold = time.perf_counter() - t
    assert not ds.from_cache
    print(f"cold scan+decode: {cold:.2f} s for {ds.report.num_images} images "
          f"({ds.report.num_images / cold:,.0f} images/s)   target <= 10 s")

    reload = float("inf")
    for _ in range(args.repeats):
        t = time.perf_counter()
        ds2 = open_dataset(cfg)
        reload = min(reload, time.perf_counter() - t)
        assert ds2.from_cache
    print(f"cache reload, checked now: {reload * 1000:.0f} ms   {cold / reload:.0f}x faster than cold")
    reopen, checked = float("inf"), 0.0
    for _ in range(args.repeats):
        t = time.perf_counter()
        ds3 = open_dataset(cfg, verify="background")
        elapsed = time.perf_counter() - t
        assert ds3.from_cache and ds3.verification is not None
        problem = ds3.verification.result()
        assert problem is None, problem
        if elapsed < reopen:
            reopen, checked = elapsed, time.perf_counter() - t
        del ds3
    print(f"reopen, checked in the background: {reopen * 1000:.0f} ms   {cold / reopen:.0f}x faster than cold   "
          f"target >= 50x (background check done {checked * 1000:.0f} ms after the call; load average "
          f"{os.getloadavg()[0]:.1f})")
    if args.no_loader:
        return

    train = ds2.splits["train"]
    loader = make_loader(train, batch_size=128, device="cpu", train=True, mean=ds2.mean, std=ds2.std,
                         augment=AugmentSpec(translate=4, flip=True), seed=0)
    loader.set_epoch(0)
    t = time.perf_counter()
    n = 0
    for x, y in loader:
        n += y.shape[0]
    ours = n / (time.perf_counter() - t)
    print(f"our loader: {ours:,.0f} images/s (one epoch, {n} images, translate+flip, batch 128, CPU)")
    ref = bench_reference(root, args.reference_batches)
    print(f"torchvision ImageFolder+DataLoader(num_workers=2): {ref:,.0f} images/s "
          f"(steady state, {args.reference_batches} batches)")
    print(f"loader ratio: {ours / ref:.1f}x   target >= 20x")


if __name__ == "__main__":
    main()
