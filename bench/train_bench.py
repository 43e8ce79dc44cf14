"""Training throughput on the CPU: our engine vs a plain PyTorch loop, and the engine's overhead.

    python bench/train_bench.py [--images 2560] [--epochs 2] [--threads 2]

On one synthetic CIFAR-sized folder (32x32 PNGs, 10 classes) with ResNet-20, batch 128, SGD:

1. reference: torchvision ``ImageFolder`` + ``DataLoader(num_workers=2)`` with the same
   augmentation (pad-4 random crop, horizontal flip) and normalisation, a plain training loop;
2. engine: ``cnn_studio.core.training.engine.train`` (decoded-once uint8 cache, on-device
   augmentation, events, control checks, device-side metrics);
3. bare: a plain loop over our own batches (``make_loader``), no events, stats or checks.

Each measures the last epoch (the first warms up workers, allocator and caches) and prints
images/s. Targets: engine / reference >= 1.2; engine overhead vs bare <= 3%. Figures are ratios
in one run because the machine is shared and noisy; dataset decoding (once, cached) is printed
separately and not part of the training rates.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

BATCH = 128
LR, MOMENTUM, WD = 0.1, 0.9, 1e-4  # the ResNet paper's CIFAR recipe
CLASSES = 10


def make_folder(root: Path, images: int, seed: int = 0) -> Path:
    """Write ``images`` noisy 32x32 PNGs in 10 class folders (class = a colour tint)."""
    rng = np.random.default_rng(seed)
    for i in range(images):
        c = i % CLASSES
        folder = root / f"class{c}"
        folder.mkdir(parents=True, exist_ok=True)
        pixels = rng.integers(0, 200, size=(32, 32, 3), dtype=np.int64)
        pixels[..., c % 3] += 25 * (c // 3 + 1)
        Image.fromarray(pixels.clip(0, 255).astype(np.uint8)).save(folder / f"{i}.png")
    return root


def new_model() -> torch.nn.Module:
    from cnn_studio.core.models.registry import get_model

    torch.manual_seed(0)
    return get_model("resnet20", num_classes=CLASSES)


def train_epochs(model: torch.nn.Module, batches_fn, epochs: int) -> float:
    """Plain loop; return images/s of the last epoch."""
    opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM, weight_decay=WD)
    model.train()
    rate = 0.0
    for epoch in range(epochs):
        start, seen = time.perf_counter(), 0
        for x, y in batches_fn(epoch):
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            seen += y.shape[0]
        rate = seen / (time.perf_counter() - start)
    return rate


def reference(root: Path, epochs: int, workers: int) -> float:
    import torchvision.transforms as T
    from torchvision.datasets import ImageFolder

    mean, std = (0.49, 0.48, 0.45), (0.25, 0.24, 0.26)
    tf = T.Compose([T.RandomCrop(32, padding=4), T.RandomHorizontalFlip(), T.ToTensor(), T.Normalize(mean, std)])
    loader = torch.utils.data.DataLoader(ImageFolder(str(root), transform=tf), batch_size=BATCH, shuffle=True,
                                         num_workers=workers, persistent_workers=False)
    return train_epochs(new_model(), lambda epoch: loader, epochs)


def engine_config(root: Path, epochs: int, out: Path):
    from cnn_studio.core.config import DataConfig, ModelConfig, OptimConfig, TrainConfig

    return TrainConfig(
        data=DataConfig(root=str(root), val_fraction=0.0, test_fraction=0.0, validation="none", num_workers=2),
        model=ModelConfig(name="resnet20"),
        optim=OptimConfig(optimizer="sgd", lr=LR, momentum=MOMENTUM, weight_decay=WD, schedule="cosine"),
        epochs=epochs, batch_size=BATCH, device="cpu", seed=0, out_dir=str(out))


def engine(root: Path, epochs: int, out: Path, dataset) -> float:
    from cnn_studio.core.training.engine import train

    result = train(engine_config(root, epochs, out), dataset=dataset)
    return float(result.history[-1]["images_per_second"])


def bare(dataset, epochs: int) -> float:
    from cnn_studio.core.data.loader import AugmentSpec, make_loader

    loader = make_loader(dataset.splits["train"], batch_size=BATCH, device="cpu", train=True, mean=dataset.mean,
                         std=dataset.std, input_size=32, augment=AugmentSpec(), seed=0)

    def batches(epoch: int):
        loader.set_epoch(epoch)
        return loader

    return train_epochs(new_model(), batches, epochs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=1280)
    parser.add_argument("--epochs", type=int, default=2, help="the last one is measured")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="reference DataLoader workers")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        os.environ.setdefault("CNN_STUDIO_CACHE_DIR", str(base / "cache"))
        root = make_folder(base / "data", args.images)
        from cnn_studio.core.data.dataset import open_dataset

        t0 = time.perf_counter()
        dataset = open_dataset(engine_config(root, 1, base / "x").data)
        decode_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        open_dataset(engine_config(root, 1, base / "x").data)
        cached_s = time.perf_counter() - t0
        results: dict[str, list[tuple[float, float]]] = {"reference": [], "engine": [], "bare": []}
        for rep in range(args.repeats):  # interleaved, so load from other processes hits all alike
            results["reference"].append(measure(lambda: reference(root, args.epochs, args.workers), args.images, args.epochs))
            results["engine"].append(measure(lambda: engine(root, args.epochs, base / f"run{rep}", dataset), args.images, args.epochs))
            results["bare"].append(measure(lambda: bare(dataset, args.epochs), args.images, args.epochs))
    print(f"ResNet-20, batch {BATCH}, CPU ({args.threads} threads), {args.images} images 32x32, "
          f"{args.epochs} epochs x {args.repeats} interleaved repeats; load average {os.getloadavg()[0]:.1f}")
    print(f"dataset: first open (decode + cache) {decode_s:.1f}s, cached open {cached_s:.2f}s (not in the rates)")
    best = {k: max(r for r, _ in v) for k, v in results.items()}
    cpu = {k: min(c for _, c in v) for k, v in results.items()}
    for name, label in (("reference", f"reference ImageFolder+DataLoader(num_workers={args.workers})"),
                        ("engine", "engine (train())"), ("bare", "bare loop over our batches")):
        rates = ", ".join(f"{r:.0f}" for r, _ in results[name])
        print(f"{label:48s} last-epoch img/s: {rates} (best {best[name]:.0f}); CPU ms/img incl. workers: {cpu[name]:.2f}")
    print(f"engine / reference (best wall rate): {best['engine'] / best['reference']:.2f}x; "
          f"by CPU cost per image: {cpu['reference'] / cpu['engine']:.2f}x (target >= 1.2x)")
    print(f"engine overhead vs bare loop: wall {100 * (best['bare'] / best['engine'] - 1):+.1f}%, "
          f"CPU {100 * (cpu['engine'] / cpu['bare'] - 1):+.1f}% (target <= 3%)")


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def measure(fn, images: int, epochs: int) -> tuple[float, float]:
    """Return (last-epoch images/s from ``fn``, CPU milliseconds per image over the whole call)."""
    cpu0 = _cpu_seconds()
    rate = fn()
    return rate, 1000 * (_cpu_seconds() - cpu0) / (images * epochs)


if __name__ == "__main__":
    main()
