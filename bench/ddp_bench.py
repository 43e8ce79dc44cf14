"""Training images/s: 2 CPU processes (torchrun, Gloo, DistributedDataParallel) against 1 process.

    .venv/bin/python bench/ddp_bench.py [--model resnet20] [--images 768] [--epochs 3] [--repeats 2]

Each configuration runs the real command line (``python -m cnn_studio train`` or ``torchrun
--standalone --nproc_per_node 2 -m cnn_studio train``) on the same generated dataset; the figure is
the training throughput of the epochs after the first (the engine's ``images_per_second``: all
ranks' images over rank 0's epoch time; evaluation excluded). Configurations are interleaved and
repeated because the machine is shared; the load average is printed before and after, and the
ratios compare runs made in this same invocation.

- ``1 proc x 1 thread``: one process, ``OMP_NUM_THREADS=1``.
- ``1 proc x 2 threads``: one process using both cores through intra-op threads.
- ``2 procs x 1 thread``: torchrun, two Gloo ranks, each half of every epoch; global batch = 2 x batch.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
CLASSES = ("red", "green", "blue")


def make_dataset(root: Path, train: int, val: int, size: int) -> None:
    """ROOT/{train,val}/<class>/*.png: noisy images whose dominant channel is the class."""
    rng = np.random.default_rng(0)
    for split, count in (("train", train), ("val", val)):
        for c, name in enumerate(CLASSES):
            folder = root / split / name
            folder.mkdir(parents=True, exist_ok=True)
            for i in range(count // len(CLASSES)):
                pixels = rng.integers(0, 150, size=(size, size, 3))
                pixels[..., c] += 100
                Image.fromarray(pixels.clip(0, 255).astype(np.uint8)).save(folder / f"{i}.png")


def write_config(path: Path, data: Path, model: str, epochs: int, batch: int, size: int) -> None:
    sys.path.insert(0, str(REPO))
    from cnn_studio.core.config import DataConfig, ModelConfig, OptimConfig, TrainConfig

    cfg = TrainConfig(data=DataConfig(root=str(data), image_size=size, num_workers=0, cache_dir=str(path.parent / "cache")),
                      model=ModelConfig(name=model), optim=OptimConfig(optimizer="sgd", lr=0.05),
                      epochs=epochs, batch_size=batch, seed=0, device="cpu", precision="fp32")
    cfg.save(path)


def run_once(kind: str, config: Path, out: Path) -> tuple[float, float]:
    """Return (images/s after the first epoch, wall seconds of the whole command)."""
    threads = "2" if kind == "1x2" else "1"
    env = dict(os.environ, OMP_NUM_THREADS=threads, PYTHONPATH=str(REPO))
    tail = ["-m", "cnn_studio", "train", "--config", str(config), "--out", str(out), "--json"]
    if kind == "2x1":
        cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", *tail]
    else:
        cmd = [sys.executable, *tail]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{proc.stderr[-3000:]}")
    history = json.loads((out / "summary.json").read_text())["history"]
    rates = [h["images_per_second"] for h in history[1:]] or [history[-1]["images_per_second"]]
    return statistics.median(rates), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="resnet20")
    parser.add_argument("--images", type=int, default=768, help="training images (3 classes)")
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--batch", type=int, default=64, help="batch size per process")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ddp_bench_") as tmp:
        base = Path(tmp)
        make_dataset(base / "data", args.images, 60, args.size)
        config = base / "run.json"
        write_config(config, base / "data", args.model, args.epochs, args.batch, args.size)
        print(f"cpus={os.cpu_count()} load before={os.getloadavg()[0]:.2f} model={args.model} "
              f"train={args.images} {args.size}px batch/process={args.batch} epochs={args.epochs}", flush=True)
        results: dict[str, list[float]] = {"1x1": [], "1x2": [], "2x1": []}
        n = 0
        for _ in range(args.repeats):
            for kind in ("1x1", "2x1", "1x2"):
                n += 1
                rate, wall = run_once(kind, config, base / f"run{n}")
                results[kind].append(rate)
                print(f"  {kind}: {rate:8.1f} img/s  (command {wall:.1f} s, load {os.getloadavg()[0]:.2f})", flush=True)
        med = {k: statistics.median(v) for k, v in results.items()}
        print(f"1 proc x 1 thread : {med['1x1']:8.1f} img/s")
        print(f"1 proc x 2 threads: {med['1x2']:8.1f} img/s")
        print(f"2 procs x 1 thread: {med['2x1']:8.1f} img/s   ratio to 1x1 {med['2x1'] / med['1x1']:.2f}, "
              f"to 1x2 {med['2x1'] / med['1x2']:.2f}")
        print(f"load after={os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
