"""Chaos check: kill ``cnn-studio train`` at random moments, resume each run, check what is left.

    python scripts/chaos_train.py --runs 20 [--seed 0] [--work DIR]

For each of N runs on a small generated dataset: start a real training subprocess, wait a random
time, send SIGKILL or SIGTERM (chosen at random), then ``train --resume`` the folder until it ends
(a folder killed before it held a config is started again with ``--out``). A run counts as good
when it finished ``completed`` (exit 0) and its files are sound: ``last.pt`` and ``best.pt`` load
and hold finite weights, ``config.json``, ``summary.json`` and every line of ``metrics.jsonl``
parse as strict JSON, each epoch appears exactly once, and no ``owner.lock`` is left. A SIGTERM
that landed during training must also have ended the first process with status ``stopped`` and
exit 143. Prints one line per run and, last, ``resumed and finished: K/N``; exits 1 unless K == N.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EPOCHS = 4


def make_dataset(root: Path, per_class: int = 96, size: int = 16) -> Path:
    """Three colour classes of noisy ``size`` px PNGs in train/ and test/."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    for split, count in (("train", per_class), ("test", per_class // 4)):
        for c, name in enumerate(("red", "green", "blue")):
            folder = root / split / name
            folder.mkdir(parents=True, exist_ok=True)
            for i in range(count):
                pixels = rng.integers(0, 150, size=(size, size, 3))
                pixels[..., c] += 100
                Image.fromarray(pixels.clip(0, 255).astype("uint8")).save(folder / f"{i}.png")
    return root


def write_config(path: Path, data: Path, cache: Path) -> Path:
    """A small CPU run that writes last.pt every half second inside an epoch."""
    from cnn_studio.core.config import DataConfig, ModelConfig, OptimConfig, TrainConfig

    cfg = TrainConfig(
        data=DataConfig(root=str(data), image_size=16, num_workers=0, cache_dir=str(cache)),
        model=ModelConfig(name="simple_cnn", options={"widths": [8, 16, 16], "hidden": 32, "dropout": 0.0,
                                                      "input_size": 16}),
        optim=OptimConfig(optimizer="adam", lr=3e-3, weight_decay=0.0, schedule="cosine"),
        epochs=EPOCHS, batch_size=8, seed=1, device="cpu", checkpoint_every_s=0.5)
    cfg.save(path)
    return path


def _strict(text: str) -> object:
    def refuse(name: str) -> None:
        raise ValueError(f"non-strict JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


def check_run(folder: Path) -> str:
    """Return '' when the finished run folder is sound, else what is wrong."""
    from cnn_studio.core import runs
    from cnn_studio.core.checkpoint import first_nonfinite, load_checkpoint

    try:
        summary = _strict((folder / runs.SUMMARY_FILE).read_text(encoding="utf-8"))
        _strict((folder / runs.CONFIG_FILE).read_text(encoding="utf-8"))
        lines = (folder / runs.METRICS_FILE).read_text(encoding="utf-8").splitlines()
        records = [_strict(line) for line in lines if line.strip()]
    except (OSError, ValueError) as exc:
        return f"unreadable JSON: {exc}"
    epochs = [r["epoch"] for r in records if r.get("kind") == "epoch"]
    if epochs != list(range(1, EPOCHS + 1)):
        return f"epoch rows {epochs}"
    if summary.get("status") != "completed" or summary.get("epochs") != EPOCHS:
        return f"summary {summary.get('status')} after {summary.get('epochs')} epochs"
    for name in (runs.LAST_CHECKPOINT, runs.BEST_CHECKPOINT):
        try:
            ckpt = load_checkpoint(folder / name)
        except Exception as exc:  # noqa: BLE001 - reported as the run's fault
            return f"{name}: {exc}"
        if first_nonfinite(ckpt["model_state"]) is not None:
            return f"{name} holds non-finite weights"
    if (folder / "owner.lock").exists():
        return "owner.lock left behind"
    if runs.run_info(folder).status != "completed":
        return f"listed as {runs.run_info(folder).status}"
    return ""


def _train(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cnn_studio", "train", *args, "--json"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def one_run(i: int, rng: random.Random, config: Path, work: Path, env: dict[str, str], span: float) -> tuple[bool, str]:
    """Start, kill at a random moment, resume until done; return (good, description)."""
    out = work / f"run{i:03d}"
    sig = rng.choice((signal.SIGKILL, signal.SIGTERM))
    delay = rng.uniform(0.2, span)
    proc = _train(["--config", str(config), "--out", str(out)], env)
    time.sleep(delay)
    finished_first = proc.poll() is not None
    if not finished_first:
        proc.send_signal(sig)
    _, err = proc.communicate(timeout=300)
    note = f"{signal.Signals(sig).name} at {delay:4.1f}s -> rc {proc.returncode}"
    summary = out / "summary.json"
    if sig == signal.SIGTERM and not finished_first and summary.is_file():
        status = json.loads(summary.read_text()).get("status")
        if status == "stopped" and proc.returncode != 143:
            return False, f"{note}: stopped but exit {proc.returncode}"
        if status not in ("stopped", "completed"):
            return False, f"{note}: SIGTERM left status {status}: {err.strip()[-200:]}"
    resumes = 0
    while True:
        from cnn_studio.core.runs import is_run_dir

        args = ["--resume", str(out)] if is_run_dir(out) else ["--config", str(config), "--out", str(out)]
        done = _train(args, env)
        _, err = done.communicate(timeout=600)
        resumes += 1
        if done.returncode == 0 or resumes >= 3:
            break
    if done.returncode != 0:
        return False, f"{note}; resume exit {done.returncode}: {err.strip()[-300:]}"
    problem = check_run(out)
    return not problem, f"{note}; {resumes} resume(s); " + (problem or "completed, files sound")


def main(argv: list[str] | None = None) -> int:
    """Run the chaos check; return 0 when every run resumed and finished sound."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="cnn-chaos-"))
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "CNN_STUDIO_RUNS_DIR": str(work / "runs")}
    data = make_dataset(work / "data")
    config = write_config(work / "chaos.json", data, work / "cache")
    started = time.perf_counter()
    probe = _train(["--config", str(config), "--out", str(work / "reference")], env)  # also builds the cache
    _, err = probe.communicate(timeout=600)
    span = time.perf_counter() - started
    if probe.returncode != 0 or check_run(work / "reference"):
        print(f"reference run failed (exit {probe.returncode}): {err.strip()[-400:]}", file=sys.stderr)
        return 1
    print(f"reference run: {span:.1f}s for {EPOCHS} epochs; killing at random moments in 0.2-{span:.1f}s", flush=True)
    rng = random.Random(args.seed)
    good = hit = 0
    for i in range(args.runs):
        ok, text = one_run(i, rng, config, work, env, span)
        good += ok
        hit += "-> rc 0;" not in text  # the signal landed before the run had finished
        print(f"run {i + 1:2d}/{args.runs}: {'ok  ' if ok else 'FAIL'} {text}", flush=True)
    print(f"resumed and finished: {good}/{args.runs} ({hit} killed or stopped mid-run, the rest had finished "
          f"first; work folder {work})")
    return 0 if good == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
