"""Forward + backward throughput (images/s) of every CIFAR model in the zoo on this machine.

Usage: ``python bench/model_bench.py [--batch 128] [--size 32] [--iters 3] [--models resnet20 ...]``

Each model runs one warm-up step, then ``--iters`` timed steps of forward, cross-entropy,
backward (train mode, fp32), and reports the fastest step (like ``timeit``: other processes on a
shared machine only ever slow a step down). Machines are noisy, so the table also gives each model's speed
relative to resnet20, measured again right before each model so that a change in the machine's
load between models does not skew the ratio (ResNet-20 = 1.00).
"""

from __future__ import annotations

import argparse
import json
import time

import torch
import torch.nn.functional as F

from cnn_studio.core.models import count_parameters, get_model, get_model_info, list_models

REFERENCE = "resnet20"


def bench_model(name: str, batch: int, size: int, iters: int, device: torch.device) -> float:
    """Return forward+backward images per second of ``name`` (fastest of ``iters`` steps)."""
    torch.manual_seed(0)
    model = get_model(name, num_classes=10).to(device).train()
    x = torch.randn(batch, 3, size, size, device=device)
    y = torch.randint(0, 10, (batch,), device=device)
    times = []
    for step in range(iters + 1):
        if device.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        model.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
        if device.type == "cuda":
            torch.cuda.synchronize()
        if step > 0:  # step 0 is the warm-up
            times.append(time.perf_counter() - start)
    return batch / min(times)


def _load() -> str:
    """The 1-minute load average (Linux), to judge how busy the machine was."""
    try:
        with open("/proc/loadavg", encoding="ascii") as handle:
            return handle.read().split()[0]
    except OSError:
        return "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--iters", type=int, default=5)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--models", nargs="*", default=None)
    parser.add_argument("--threads", type=int, default=0,
                        help="torch CPU threads (0: torch's default); 1 is far steadier on a shared machine")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    names = args.models or [n for n in list_models() if get_model_info(n).family != "transfer"]
    if REFERENCE not in names:
        names = [REFERENCE, *names]
    load_before = _load()
    results, ratios = {}, {}
    for name in names:
        ref = bench_model(REFERENCE, args.batch, args.size, args.iters, device)
        results[name] = bench_model(name, args.batch, args.size, args.iters, device)
        ratios[name] = results[name] / ref
        print(f"  {name}: {results[name]:.1f} img/s (resnet20 just before: {ref:.1f})", flush=True)
    rows = [{"model": n, "params": count_parameters(get_model(n, num_classes=10)),
             "images_per_s": round(v, 1), "vs_resnet20": round(ratios[n], 3)} for n, v in results.items()]
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"\nload average before: {load_before}, after: {_load()}")
    print(f"forward+backward, batch {args.batch} at {args.size}x{args.size}, {device}, "
          f"{torch.get_num_threads()} threads, fastest of {args.iters} steps")
    print(f"{'model':<16} {'params':>10} {'img/s':>9} {'vs resnet20':>12}")
    for r in rows:
        print(f"{r['model']:<16} {r['params']:>10,} {r['images_per_s']:>9.1f} {r['vs_resnet20']:>12.3f}")


if __name__ == "__main__":
    main()
