"""GPU check of the distributed path (NCCL) and a 2-process Gloo run on the same machine's CPUs.

    PYTHONPATH=. python3 bench/ddp_device_check.py            # about 1-2 minutes on an H100

Needs only torch, numpy and Pillow (no PySide6, no torchvision, no pip installs). Every run is the
real command line (``python3 -m cnn_studio train``) on a generated dataset (3 colour classes,
32 px); each prints ONE line: name, exit code, status, epochs, training images/s (epochs after the
first), held-out accuracy, wall seconds, and what it checks.

1. ``cuda-plain``: one process on the GPU, no torchrun (the reference for 2).
2. ``cuda-nccl-1``: ``torchrun --standalone --nproc_per_node 1``: NCCL process group (checked
   with ``NCCL_DEBUG=INFO``), DistributedDataParallel, SyncBatchNorm conversion, bf16/fp16 autocast.
3. ``cuda-nccl-resume``: ``--resume`` of run 2 with one more epoch under torchrun (NCCL again).
4. ``cpu-gloo-2``: ``torchrun --nproc_per_node 2`` on the CPU with Gloo (each rank half an epoch).
5. ``cpu-plain``: one CPU process with the same threads per process as 4 (the reference for 4).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def make_dataset(root: Path, train: int, val: int, size: int = 32) -> None:
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    for split, count in (("train", train), ("val", val)):
        for c, name in enumerate(("red", "green", "blue")):
            folder = root / split / name
            folder.mkdir(parents=True, exist_ok=True)
            for i in range(count // 3):
                pixels = rng.integers(0, 150, size=(size, size, 3))
                pixels[..., c] += 100
                Image.fromarray(pixels.clip(0, 255).astype(np.uint8)).save(folder / f"{i}.png")


def write_config(path: Path, data: Path, *, device: str, epochs: int, batch: int, sync_bn: bool) -> None:
    from cnn_studio.core.config import DataConfig, ModelConfig, OptimConfig, TrainConfig

    TrainConfig(data=DataConfig(root=str(data), image_size=32, num_workers=0, cache_dir=str(path.parent / "cache")),
                model=ModelConfig(name="resnet20"), optim=OptimConfig(optimizer="sgd", lr=0.05),
                epochs=epochs, batch_size=batch, seed=0, device=device, sync_bn=sync_bn).save(path)


def run(name: str, args: list[str], *, nproc: int = 0, threads: int = 4, checks: str = "",
        env_extra: dict[str, str] | None = None, timeout: float = 100) -> dict | None:
    env = dict(os.environ, PYTHONPATH=str(REPO), OMP_NUM_THREADS=str(threads), **(env_extra or {}))
    tail = ["-m", "cnn_studio", "train", *args, "--json"]
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", str(nproc), *tail] \
        if nproc else [sys.executable, *tail]
    started = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, cwd=str(REPO))
        rc, out, err = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as exc:
        rc, out, err = 124, (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else (exc.stdout or ""), ""
    wall = time.perf_counter() - started
    lines = [json.loads(x) for x in out.splitlines() if x.startswith("{")]
    result = next((x for x in reversed(lines) if x.get("event") == "result"), None)
    epochs = [x for x in lines if x.get("event") == "epoch"]
    rate = sum(e["images_per_second"] for e in epochs[1:]) / max(1, len(epochs) - 1) if len(epochs) > 1 else (
        epochs[-1]["images_per_second"] if epochs else float("nan"))
    acc = epochs[-1]["heldout_accuracy"] if epochs else None
    extra = checks
    if env_extra and env_extra.get("NCCL_DEBUG"):
        extra += f" nccl_init={'yes' if 'NCCL version' in out + err else 'NO'}"
    status = result["status"] if result else "none"
    print(f"{name:17s} rc={rc} status={status} epochs={result['epochs'] if result else '-'} "
          f"img/s={rate:.0f} val_acc={acc if acc is None else round(acc, 3)} wall={wall:.1f}s {extra}".rstrip(),
          flush=True)
    if rc != 0:
        print("  stderr tail: " + " | ".join(err.strip().splitlines()[-8:]), flush=True)
    return result


def main() -> int:
    import torch

    print(f"torch {torch.__version__}, cuda available {torch.cuda.is_available()}, "
          f"{torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'no GPU'}, "
          f"nccl {torch.distributed.is_nccl_available()}, cpus {os.cpu_count()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="ddp_check_") as tmp:
        base = Path(tmp)
        env = {"CNN_STUDIO_RUNS_DIR": str(base / "runs"), "CNN_STUDIO_CACHE_DIR": str(base / "cache_user"),
               "CNN_STUDIO_DIST_TIMEOUT_S": "120"}
        os.environ.update(env)
        make_dataset(base / "data", train=3072, val=300)
        gpu_cfg, cpu_cfg = base / "gpu.json", base / "cpu.json"
        if torch.cuda.is_available():
            write_config(gpu_cfg, base / "data", device="cuda", epochs=3, batch=256, sync_bn=True)
            run("cuda-plain", ["--config", str(gpu_cfg), "--out", str(base / "plain")], checks="(reference)")
            res = run("cuda-nccl-1", ["--config", str(gpu_cfg), "--out", str(base / "nccl")], nproc=1,
                      env_extra={"NCCL_DEBUG": "INFO"}, checks="ddp+sync_bn")
            if res and res["status"] == "completed":
                run("cuda-nccl-resume", ["--resume", str(base / "nccl"), "--epochs", "4"], nproc=1,
                    env_extra={"NCCL_DEBUG": "INFO"}, checks="resume 3->4 epochs")
        else:
            print("no CUDA GPU: skipping the NCCL runs", flush=True)
        threads = max(1, min(4, (os.cpu_count() or 2) // 2))
        write_config(cpu_cfg, base / "data", device="cpu", epochs=2, batch=64, sync_bn=False)
        run("cpu-gloo-2", ["--config", str(cpu_cfg), "--out", str(base / "gloo")], nproc=2, threads=threads,
            checks=f"({threads} threads/process)")
        run("cpu-plain", ["--config", str(cpu_cfg), "--out", str(base / "cpu")], threads=threads,
            checks=f"(reference, {threads} threads)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
