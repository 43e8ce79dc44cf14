"""GPU check of the training engine (run on a CUDA machine): bf16 and fp16 autocast,
channels_last, torch.compile, out-of-memory handling, images/s. Prints one line per check."""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from dataclasses import replace
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.core.training_fixtures import make_color_dataset, tiny_config  # noqa: E402

from cnn_studio.core.training.callbacks import EventRecorder  # noqa: E402
from cnn_studio.core.training.engine import train  # noqa: E402
from cnn_studio.core.training.events import RunFailed, RunStarted  # noqa: E402


def run(name, cfg, **kw):
    rec = EventRecorder()
    t0 = time.perf_counter()
    try:
        r = train(cfg, callbacks=[rec], **kw)
    except Exception:
        print(f"[{name}] EXCEPTION\n{traceback.format_exc()}", flush=True)
        return None, rec
    started = rec.of_type(RunStarted)
    prec = started[0].precision if started else "?"
    fails = [f.kind for f in rec.of_type(RunFailed)]
    print(f"[{name}] status={r.status} device={started[0].device if started else '?'} precision={prec} "
          f"test_acc={r.test_accuracy} best_val={r.best_val_accuracy} img/s={r.images_per_second and round(r.images_per_second)} "
          f"wall={time.perf_counter() - t0:.1f}s failed={fails} msg={r.message[:160]!r}", flush=True)
    return r, rec


def main():
    print(torch.__version__, torch.cuda.get_device_name(0), flush=True)
    base = Path(tempfile.mkdtemp())
    os.environ["CNN_STUDIO_CACHE_DIR"] = str(base / "cache")
    os.environ["CNN_STUDIO_RUNS_DIR"] = str(base / "runs")
    data = make_color_dataset(base / "data", {"train": 400, "val": 50, "test": 50}, size=32)
    cfg = tiny_config(data).replace(device="cuda", epochs=3, batch_size=128)
    cfg = cfg.replace(data=replace(cfg.data, image_size=32), model=replace(cfg.model, name="resnet20", options={}),
                      optim=replace(cfg.optim, optimizer="sgd", lr=0.1, momentum=0.9, weight_decay=1e-4))
    run("bf16-auto", cfg.replace(out_dir=str(base / "r1")))
    run("bf16-channels_last", cfg.replace(out_dir=str(base / "r2"), channels_last=True))
    run("fp16-gradscaler", cfg.replace(out_dir=str(base / "r3"), precision="fp16"))
    run("fp32", cfg.replace(out_dir=str(base / "r4"), precision="fp32"))
    r, _ = run("resume-fp32", None, resume_from=str(base / "r4"))
    run("compile", cfg.replace(out_dir=str(base / "r5"), compile=True, epochs=2))
    # out of memory: cap this process at 1% of the GPU, then a big input must fail cleanly
    torch.cuda.set_per_process_memory_fraction(0.01)
    big = cfg.replace(out_dir=str(base / "r6"), batch_size=400, data=replace(cfg.data, input_size=512))
    run("oom", big)
    print(f"[oom] allocated after: {torch.cuda.memory_allocated() / 2**20:.1f} MiB", flush=True)
    torch.cuda.set_per_process_memory_fraction(1.0)
    run("after-oom", cfg.replace(out_dir=str(base / "r7"), epochs=1))
    # throughput on a CIFAR-sized set
    many = make_color_dataset(base / "data2", {"train": 2500}, size=32)
    fast = cfg.replace(data=replace(cfg.data, root=str(many), val_fraction=0.0, test_fraction=0.0, validation="none"),
                       epochs=3, channels_last=True)
    r, rec = run("throughput-resnet20-b128", fast.replace(out_dir=str(base / "r8")))
    if r:
        print("[throughput] per-epoch img/s:", [round(h["images_per_second"]) for h in r.history], flush=True)


if __name__ == "__main__":
    main()
