"""Cached-feature training (issue 15) against the full forward, in one run.

    python bench/feature_cache_bench.py [--images 1000] [--epochs 10] [--threads 2] [--only lite0|resnet]
                                        [--resnet-from layer3]

Two cases on generated data (the machine has no datasets):

1. ``lite0``: EfficientNet-Lite0 with its bundled ImageNet weights, feature extraction (head only),
   Fashion-MNIST-like 28 px grey shapes (10 classes) resized to 224 px on the device, batch 64,
   AdamW (the transfer recipe).
2. ``resnet``: ResNet-20 trained from ``layer3`` (``--resnet-from``) on, 32 px coloured shapes,
   batch 128, SGD (the CIFAR recipe), starting from the best checkpoint of a full ResNet-20 run
   on the same data (made first, as a user fine-tunes a trained net). Here the trained suffix is
   a large share of the work (layer3 forward and backward: 3 of the 5 units of an uncached step,
   each stage costing the same FLOPs), which bounds the per-epoch gain whatever the cache does.

``--images`` is the training folder's size (a tenth is carved off as the held-out split); the test
folder has a fifth as many. Each case runs three times, each in its own subprocess (so the peak
resident memory, ``ru_maxrss``, is that run's): ``uncached`` (``feature_cache`` off: every batch
runs the whole network, augmentation translate 4 + flip), ``cached`` (features computed at the
start into an empty cache folder; flips kept as a mirrored view, translate off, as the log says),
and ``reused`` (a second cached run finding the stored features: a lab queue's next run). The
cache computes the features in the channels-last layout on a CPU; ``--modes`` may add
``uncached-cl`` (the uncached run with ``channels_last`` on) to show how much of the gain is the
layout alone. The decoded-image cache is built once before, so no run pays decoding.

Printed per case: total run time and its ratio (target >= 5x), the uncached epoch time against the
mean of the cached epochs 2..N (target >= 20x), the feature computation time, peak memory, and
the test accuracies (equal within noise; the cached run trains without random translation).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

CLASSES = 10


def _shape_mask(c: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """A filled/outlined shape of class ``c`` with random position and scale (bool size x size)."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    cy, cx = size / 2 + rng.uniform(-size / 10, size / 10, 2)
    r = size * rng.uniform(0.25, 0.38)
    dy, dx = yy - cy, xx - cx
    dist = np.hypot(dy, dx)
    box = np.maximum(abs(dy), abs(dx))
    period = max(2, size // 7)
    masks = [
        dist < r,  # disc
        (dist < r) & (dist > r * 0.6),  # ring
        box < r,  # square
        (box < r) & (box > r * 0.65),  # frame
        (box < r) & ((yy // period) % 2 == 0),  # horizontal stripes
        (box < r) & ((xx // period) % 2 == 0),  # vertical stripes
        (box < r) & ((abs(dy) < r * 0.25) | (abs(dx) < r * 0.25)),  # plus
        (box < r) & ((abs(dy - dx) < r * 0.3) | (abs(dy + dx) < r * 0.3)),  # x
        (dy < r * 0.8) & (dy > -r) & (abs(dx) < (dy + r) * 0.55),  # triangle
        (box < r) & (((yy // period) + (xx // period)) % 2 == 0),  # checkerboard
    ]
    return masks[c]


def make_folder(root: Path, train: int, test: int, size: int, colour: bool, seed: int = 0) -> Path:
    """Write ``root/{train,test}/classK/*.png``: noisy shapes, grey (Fashion-MNIST-like) or coloured."""
    rng = np.random.default_rng(seed)
    for split, count in (("train", train), ("test", test)):
        for i in range(count):
            c = i % CLASSES
            mask = _shape_mask(c, size, rng)
            if colour:
                bg, fg = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
                pixels = np.where(mask[..., None], fg, bg).astype(np.float32)
            else:
                pixels = np.repeat((mask * rng.uniform(150, 255))[..., None], 3, axis=2).astype(np.float32)
            pixels += rng.normal(0, 20, pixels.shape)
            folder = root / split / f"class{c}"
            folder.mkdir(parents=True, exist_ok=True)
            Image.fromarray(pixels.clip(0, 255).astype(np.uint8)).save(folder / f"{i}.png")
    return root


def case_config(case: str, root: Path, cache: Path, out: Path, epochs: int, cached: bool,
                resnet_from: str = "layer3", channels_last: bool = False, start_from: str = ""):
    """The run's TrainConfig (from the family recipe); ``start_from``: a checkpoint to start from."""
    from dataclasses import replace

    from cnn_studio.core.config import DataConfig, FreezeConfig, Pretrained, recommended_config

    if case == "lite0":
        cfg = recommended_config("efficientnet_lite0", str(root))
        data = DataConfig(root=str(root), image_size=28, input_size=224, cache_dir=str(cache), num_workers=0)
        freeze = FreezeConfig(preset="feature-extraction")
    else:
        cfg = recommended_config("resnet20", str(root))
        data = DataConfig(root=str(root), image_size=32, cache_dir=str(cache), num_workers=0)
        freeze = FreezeConfig(preset="from-layer", trainable_from=resnet_from)
        if not start_from:  # the run that makes the checkpoint the others start from
            freeze = FreezeConfig(preset="full")
    if start_from:
        cfg = replace(cfg, model=replace(cfg.model, pretrained=Pretrained("file", start_from)))
    return replace(cfg, data=data, freeze=freeze, epochs=epochs, device="cpu", seed=0, out_dir=str(out),
                   feature_cache=cached, channels_last=channels_last)


def child(args: argparse.Namespace) -> None:
    """One run in this process; prints one JSON line with its timings and peak memory."""
    import torch

    from cnn_studio.core.training.callbacks import Callback
    from cnn_studio.core.training.engine import train
    from cnn_studio.core.training.events import EpochEnded, FeaturesCached, RunStarted

    torch.set_num_threads(args.threads)
    marks: dict[str, float] = {}
    epoch_ends: list[float] = []
    messages: list[str] = []

    class Timer(Callback):
        def on_event(self, event: object) -> None:
            now = time.perf_counter()
            if isinstance(event, RunStarted):
                marks["started"] = now
            elif isinstance(event, FeaturesCached):
                if event.stage in ("ready", "reused", "off"):
                    marks["features"] = now
                    messages.append(event.message)
            elif isinstance(event, EpochEnded):
                epoch_ends.append(now)

    cfg = case_config(args.case, Path(args.root), Path(args.cache), Path(args.out), args.epochs,
                      not args.mode.startswith("uncached"), args.resnet_from, channels_last=args.mode == "uncached-cl",
                      start_from=args.start_from or "")
    t0 = time.perf_counter()
    result = train(cfg, callbacks=[Timer()])
    total = time.perf_counter() - t0
    begin = marks.get("features", marks.get("started", t0))
    epochs = np.diff([begin, *epoch_ends]).tolist()
    print(json.dumps({
        "mode": args.mode, "status": result.status, "total_s": total, "epoch_s": epochs,
        "features_s": marks["features"] - marks["started"] if "features" in marks else 0.0,
        "test_accuracy": result.test_accuracy, "best_val_accuracy": result.best_val_accuracy,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "log": messages,
        "checkpoint": result.best_checkpoint}))


def run_child(case: str, mode: str, root: Path, cache: Path, work: Path, epochs: int, threads: int,
              resnet_from: str, start_from: str = "") -> dict:
    out = work / f"run-{case}-{mode}"
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, __file__, "--child", "--case", case, "--mode", mode, "--root", str(root),
           "--cache", str(cache), "--out", str(out), "--epochs", str(epochs), "--threads", str(threads),
           "--resnet-from", resnet_from, "--start-from", start_from]
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"{case}/{mode} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def report(case: str, runs: dict[str, dict]) -> None:
    print(f"\n== {case} ==")
    for name, run in runs.items():
        acc = run["test_accuracy"]
        print(f"{name:>9}: total {run['total_s']:7.1f} s, features {run['features_s']:6.1f} s, epochs "
              f"{' '.join(f'{s:.2f}' for s in run['epoch_s'])} s, test acc "
              f"{'-' if acc is None else f'{acc:.3f}'}, peak {run['peak_mb']:,.0f} MB")
    u, c, r, ucl = runs.get("uncached"), runs.get("cached"), runs.get("reused"), runs.get("uncached-cl")
    if u and c:
        later = c["epoch_s"][1:] or c["epoch_s"]
        u_epoch = float(np.mean(u["epoch_s"]))
        print(f"total time ratio uncached/cached: {u['total_s'] / c['total_s']:.1f}x (target >= 5x)"
              + (f"; uncached/reused: {u['total_s'] / r['total_s']:.1f}x" if r else ""))
        print(f"epoch time: uncached {u_epoch:.2f} s vs cached epochs 2..N {np.mean(later):.3f} s: "
              f"{u_epoch / max(np.mean(later), 1e-9):.0f}x (target >= 20x)")
    if ucl and c:
        print(f"uncached with channels-last: {ucl['total_s']:.1f} s, ratio to cached {ucl['total_s'] / c['total_s']:.1f}x"
              + (f" (channels-last alone: {u['total_s'] / ucl['total_s']:.2f}x)" if u else ""))
    for line in (c or r or {}).get("log", []):
        print(f"log: {line}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--images", type=int, default=1000, help="training images (a tenth becomes the held-out split)")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--only", choices=("lite0", "resnet"))
    p.add_argument("--resnet-from", default="layer3", help="the ResNet case trains from this layer on")
    p.add_argument("--pretrain-epochs", type=int, default=30,
                   help="epochs of the full ResNet-20 run whose checkpoint the ResNet case starts from")
    p.add_argument("--modes", default="uncached,cached,reused",
                   help="runs to make, in order (e.g. 'cached,reused' to measure the cache alone; 'uncached-cl' "
                        "is the uncached run with channels-last weights, the layout the cache computes in on a CPU)")
    p.add_argument("--work", help="working folder (default: a temporary one, deleted)")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    for name in ("--case", "--mode", "--root", "--cache", "--out", "--start-from"):
        p.add_argument(name, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        child(args)
        return
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="feature-bench-"))
    try:
        for case in ("lite0", "resnet"):
            if args.only and case != args.only:
                continue
            size, colour = (28, False) if case == "lite0" else (32, True)
            root = make_folder(work / f"data-{case}", args.images, max(10, args.images // 5), size, colour)
            cache = work / f"cache-{case}"
            from cnn_studio.core.data.dataset import open_dataset

            open_dataset(case_config(case, root, cache, work, 1, False).data)  # decode once, for every run
            shutil.rmtree(cache / "features", ignore_errors=True)
            print(f"{case}: {args.images} training images, {args.epochs} epochs, {args.threads} threads", flush=True)
            runs, start_from = {}, ""
            if case == "resnet":  # "train from a layer" fine-tunes a trained net: train one first
                pre = run_child(case, "pretrain", root, cache, work, args.pretrain_epochs, args.threads, args.resnet_from)
                start_from = pre["checkpoint"]
                print(f"  pretrain (full ResNet-20, {args.pretrain_epochs} epochs, {pre['total_s']:.1f} s): test acc "
                      f"{pre['test_accuracy']:.3f}; its best.pt is where the runs below start", flush=True)
            for mode in args.modes.split(","):
                runs[mode] = run_child(case, mode, root, cache, work, args.epochs, args.threads, args.resnet_from,
                                       start_from)
                print(f"  {mode}: {runs[mode]['total_s']:.1f} s", flush=True)
            report(case, runs)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
