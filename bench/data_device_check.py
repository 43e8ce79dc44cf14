"""Check the batch loader on a CUDA device: same eval batches as on CPU, augmentation on the GPU,
sharding, and images/s of one augmented epoch of a CIFAR-sized uint8 split held on the GPU.

Usage: ``python bench/data_device_check.py`` (exits 1 if there is no CUDA device or a check fails).
"""

from __future__ import annotations

import sys
import tempfile
import time

import torch


def main() -> int:
    if not torch.cuda.is_available():
        print("no CUDA device")
        return 1
    from cnn_studio.core.config import DataConfig
    from cnn_studio.core.data.dataset import Split, open_dataset
    from cnn_studio.core.data.loader import AugmentSpec, make_loader
    from cnn_studio.paths import demo_dataset_dir

    dev = torch.device("cuda")
    print("device:", torch.cuda.get_device_name(0), "torch", torch.__version__)
    with tempfile.TemporaryDirectory() as tmp:
        ds = open_dataset(DataConfig(root=str(demo_dataset_dir()), cache_dir=tmp))
    test = ds.splits["test"]
    kw = dict(batch_size=64, train=False, mean=ds.mean, std=ds.std)
    cpu = torch.cat([x for x, _ in make_loader(test, device="cpu", **kw)])
    gpu = torch.cat([x for x, _ in make_loader(test, device=dev, **kw)])
    diff = (cpu - gpu.cpu()).abs().max().item()
    print(f"eval batches CPU vs CUDA: max abs diff {diff:.2e}")
    ok = diff < 1e-5
    loader = make_loader(ds.splits["train"], device=dev, batch_size=128, train=True, mean=ds.mean, std=ds.std,
                         augment=AugmentSpec(translate=4, flip=True, cutout=8), input_size=64, seed=1)
    loader.set_epoch(3)
    a = [y.cpu() for _, y in loader]
    b = [y.cpu() for _, y in loader]
    x, y = next(iter(loader))
    print("train batch:", tuple(x.shape), x.dtype, x.device, "labels", y.device, "batches", len(loader))
    ok &= x.is_cuda and x.shape[-1] == 64 and all(torch.equal(p, q) for p, q in zip(a, b))
    x1 = next(iter(loader))[0]
    ok &= torch.equal(x, x1)  # same seed and epoch: same augmentation on the GPU
    n = 50_000
    images = torch.randint(0, 256, (n, 3, 32, 32), dtype=torch.uint8)
    split = Split("train", [""] * n, torch.arange(n) % 10, images, 32)
    for cutout in (0, 16):
        loader = make_loader(split, device=dev, batch_size=128, train=True, mean=(0.5,) * 3, std=(0.25,) * 3,
                             augment=AugmentSpec(4, True, cutout))
        for _ in loader:  # warm-up (copies the split to the GPU once, compiles kernels)
            pass
        torch.cuda.synchronize()
        t = time.perf_counter()
        count = 0
        for epoch in range(3):
            loader.set_epoch(epoch)
            for xb, yb in loader:
                count += yb.shape[0]
        torch.cuda.synchronize()
        print(f"GPU loader, translate+flip{' +cutout16' if cutout else ''}: "
              f"{count / (time.perf_counter() - t):,.0f} images/s (batch 128, 3 epochs of 50,000)")
    print("all checks passed" if ok else "A CHECK FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
