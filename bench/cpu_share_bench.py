"""Two CPU trainings at once versus one alone, with OpenMP's spinning default and the app's policy.

    python bench/cpu_share_bench.py [--seconds 6] [--rounds 2] [--model simple_cnn] [--batch 64]
                                    [--candidate GOMP_SPINCOUNT=10000 ...]

Each measurement runs the training step (forward, backward, optimizer step on random 32 x 32
batches) in fresh processes that warm up, wait at a barrier and then count images over the same
wall-clock window. Rounds interleave the four cases so a change in the machine's load hits them all:

- ``alone/spin``: one process, torch's default OpenMP wait (threads spin between operations);
- ``alone/app``: one process with the app's defaults (``cnn_studio.cpu_sharing``);
- ``pair/spin`` and ``pair/app``: two processes at once, their images/s added up.

Printed ratios (medians over rounds): ``alone app/spin`` (the policy's cost to a lone run, target
>= 0.97) and ``pair/alone`` per policy (two runs together against one alone, target >= 0.9).
The load average before and after is printed too: on a shared machine the figures move with it.
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

_WAIT_VARIABLES = ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "KMP_BLOCKTIME")


def _worker(args: argparse.Namespace) -> None:
    import torch

    from cnn_studio.core.models.registry import get_model

    torch.manual_seed(0)
    model = get_model(args.model, num_classes=10)
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    x = torch.randn(args.batch, 3, 32, 32)
    y = torch.randint(0, 10, (args.batch,))

    def step() -> None:
        opt.zero_grad(set_to_none=True)
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()

    sync = Path(args.sync)
    ready_mark = sync / f"ready-{os.getpid()}"
    go = sync / "go"
    ready_mark.touch()
    while not go.exists():  # warm up until every process is ready
        step()
    start, end = json.loads(go.read_text())
    while time.time() < start:
        step()
    images = 0
    while time.time() < end:
        step()
        images += args.batch
    # a step that straddles the end counts fully; the window is long enough for that to wash out
    print(json.dumps({"images_per_second": images / (end - start), "threads": torch.get_num_threads()}))


def _environment(policy: str, candidate: list[str] | None = None) -> dict[str, str]:
    from cnn_studio.cpu_sharing import cpu_sharing_defaults

    env = {k: v for k, v in os.environ.items() if k not in _WAIT_VARIABLES}
    if policy == "app":
        env.update(dict(c.split("=", 1) for c in candidate) if candidate else cpu_sharing_defaults(dict(env)))
    return env


def _measure(policy: str, processes: int, args: argparse.Namespace) -> float:
    """Return the images/s of ``processes`` concurrent workers, added up."""
    with tempfile.TemporaryDirectory() as sync:
        cmd = [sys.executable, __file__, "--worker", "--sync", sync, "--model", args.model,
               "--batch", str(args.batch)]
        procs = [subprocess.Popen(cmd, env=_environment(policy, args.candidate), stdout=subprocess.PIPE, text=True)
                 for _ in range(processes)]
        deadline = time.time() + 300
        while len(list(Path(sync).glob("ready-*"))) < processes:
            if time.time() > deadline or any(p.poll() is not None for p in procs):
                raise RuntimeError("a worker did not start")
            time.sleep(0.05)
        start = time.time() + 1.0  # one more second of warm-up, all running
        (Path(sync) / "go.tmp").write_text(json.dumps([start, start + args.seconds]))
        os.replace(Path(sync) / "go.tmp", Path(sync) / "go")
        total = 0.0
        for p in procs:
            out, _ = p.communicate(timeout=args.seconds + 120)
            total += json.loads(out.strip().splitlines()[-1])["images_per_second"]
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="measured window per case")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--model", default="simple_cnn")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--candidate", nargs="+", metavar="VAR=VALUE",
                        help="measure these variables instead of the app's policy (e.g. GOMP_SPINCOUNT=10000)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sync", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args)
        return
    from cnn_studio.cpu_sharing import cpu_sharing_defaults

    print(f"model {args.model}, batch {args.batch}, {os.cpu_count()} CPUs, app policy {args.candidate or cpu_sharing_defaults({})}, "
          f"load average before {os.getloadavg()[0]:.2f}", flush=True)
    cases = [("spin", 1), ("app", 1), ("spin", 2), ("app", 2)]
    figures: dict[tuple[str, int], list[float]] = {c: [] for c in cases}
    for r in range(args.rounds):
        for policy, n in cases:
            figures[(policy, n)].append(_measure(policy, n, args))
        print(f"round {r + 1}: " + ", ".join(f"{'alone' if n == 1 else 'pair'}/{p} {figures[(p, n)][-1]:.0f}"
                                            for p, n in cases) + " images/s", flush=True)
    med = {c: statistics.median(v) for c, v in figures.items()}
    print(f"alone app/spin          {med[('app', 1)] / med[('spin', 1)]:.2f}x  (target >= 0.97)")
    print(f"pair/alone, spin        {med[('spin', 2)] / med[('spin', 1)]:.2f}x")
    print(f"pair/alone, app         {med[('app', 2)] / med[('app', 1)]:.2f}x  (target >= 0.9)")
    print(f"pair app / alone spin   {med[('app', 2)] / med[('spin', 1)]:.2f}x")
    print(f"load average after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
