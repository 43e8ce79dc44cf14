"""Distributed training: 2 CPU processes with Gloo under torchrun, on a small generated dataset.

The runs go through the real command line (``tests/core/ddp_worker.py`` wraps ``cli.main`` and
records the batches each rank's model received, or injects a fault on one rank).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from cnn_studio.core import runs
from cnn_studio.core.checkpoint import load_checkpoint, load_model_state
from cnn_studio.core.data.dataset import open_dataset
from cnn_studio.core.data.loader import make_loader, normalize_batch
from cnn_studio.core.errors import CheckpointError, ConfigError
from cnn_studio.core.models.weights import build_model_from_checkpoint
from cnn_studio.core.training import distributed
from cnn_studio.core.training.evaluation import evaluate
from cnn_studio.core.training.setup import DistContext
from tests.core.training_fixtures import make_color_dataset, tiny_config

WORKER = Path(__file__).parents[1] / "ddp_worker.py"
REPO = Path(__file__).resolve().parents[3]
TRAIN_PER_CLASS, VAL_PER_CLASS = 20, 7  # 60 training images; 21 held-out (uneven shards 11 + 10)
STEPS_PER_EPOCH = 4  # 30 images per rank, batch 8


def _torchrun(args: list[str], env_extra: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(REPO), DDP_TEST_SYNC_EVERY="2", **env_extra)
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
           str(WORKER), "train", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, cwd=str(REPO))


def _json_lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


@pytest.fixture(scope="module")
def setup_dirs(tmp_path_factory):
    base = tmp_path_factory.mktemp("ddp")
    data = make_color_dataset(base / "data", {"train": TRAIN_PER_CLASS, "val": VAL_PER_CLASS, "test": 4})
    cfg = tiny_config(data, epochs=2, batch_size=8)
    cfg = cfg.replace(data=replace(cfg.data, augment_translate=0, augment_flip=False, cache_dir=str(base / "cache")))
    cfg.save(base / "run.json")
    return base, cfg


@pytest.fixture(scope="module")
def reference_run(setup_dirs):
    """One uninterrupted 2-process run through torchrun, recording each rank's batches."""
    base, cfg = setup_dirs
    record, runs_dir = base / "record", base / "runs_ref"
    record.mkdir()
    proc = _torchrun(["--config", str(base / "run.json"), "--json"],
                     {"DDP_TEST_RECORD": str(record), "CNN_STUDIO_RUNS_DIR": str(runs_dir)})
    return proc, record, runs_dir


def _sample_indices(x: torch.Tensor, reference: torch.Tensor) -> list[int]:
    """Index in ``reference`` of each sample of ``x`` (exact match of the normalised pixels)."""
    dist = (x.flatten(1)[:, None, :] - reference.flatten(1)[None, :, :]).abs().amax(dim=2)
    best = dist.argmin(dim=1)
    assert bool((dist.gather(1, best[:, None]) < 1e-5).all()), "a batch sample matches no training image"
    return best.tolist()


def test_two_gloo_processes_shard_epochs_and_match_single_process_eval(setup_dirs, reference_run):
    base, cfg = setup_dirs
    proc, record, runs_dir = reference_run
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = _json_lines(proc.stdout)
    # Only rank 0 prints: two epoch lines and one result (rank 1 would add a second result).
    assert [line["event"] for line in lines] == ["epoch", "epoch", "result"]
    result = lines[-1]
    assert result["status"] == "completed" and result["epochs"] == 2
    # Only one run folder was written, and it is complete.
    folders = [p for p in runs_dir.iterdir()]
    assert len(folders) == 1 and str(folders[0]) == result["run_dir"]
    assert {"config.json", "metrics.jsonl", "last.pt", "best.pt", "summary.json"} <= {p.name for p in folders[0].iterdir()}

    # Each rank's model saw a disjoint half of every epoch, in a new order each epoch.
    ckpt = load_checkpoint(folders[0] / runs.LAST_CHECKPOINT)
    dataset = open_dataset(cfg.data)
    train_split = dataset.splits["train"]
    reference = normalize_batch(train_split.images, ckpt["mean"], ckpt["std"])
    seen: dict[tuple[int, int], list[int]] = {}
    for rank in (0, 1):
        batches = torch.load(record / f"rank{rank}.pt", weights_only=True)
        assert len(batches) == 2 * STEPS_PER_EPOCH
        for epoch, x in batches:
            seen.setdefault((rank, epoch), []).extend(_sample_indices(x, reference))
    n = len(train_split)
    for epoch in (0, 1):
        a, b = seen[(0, epoch)], seen[(1, epoch)]
        assert len(a) == len(set(a)) == n // 2 and len(b) == len(set(b)) == n // 2
        assert set(a).isdisjoint(b) and set(a) | set(b) == set(range(n))
    assert seen[(0, 0)] != seen[(0, 1)]

    # The reported held-out metrics (sharded 11 + 10 and summed over ranks) equal a one-process
    # evaluation of the saved final model on the whole held-out set.
    model = build_model_from_checkpoint(ckpt)
    load_model_state(model, ckpt)
    val = dataset.splits["val"]
    loader = make_loader(val, batch_size=5, device="cpu", train=False, mean=ckpt["mean"], std=ckpt["std"],
                         input_size=ckpt["input_size"])
    single = evaluate(model, loader, num_classes=3, device=torch.device("cpu"))
    last_epoch = ckpt["metrics"]["history"][-1]
    assert single.count == len(val) == 3 * VAL_PER_CLASS
    assert last_epoch["heldout_accuracy"] == pytest.approx(single.accuracy, abs=1e-12)
    assert last_epoch["heldout_loss"] == pytest.approx(single.loss, rel=1e-5)
    assert lines[1]["heldout_accuracy"] == pytest.approx(single.accuracy, abs=1e-12)
    assert ckpt["world_size"] == 2


def test_stop_on_one_rank_stops_all_and_resume_matches(setup_dirs, reference_run):
    base, _ = setup_dirs
    ref_proc, _, ref_runs = reference_run
    assert ref_proc.returncode == 0
    out = base / "stopped_run"
    # Ctrl-C reaches rank 1 only, before its 3rd batch of epoch 2; the ranks agree every 2 batches.
    proc = _torchrun(["--config", str(base / "run.json"), "--out", str(out)], {"DDP_TEST_FAULT": "1:1:2:sigint"})
    assert proc.returncode != 0
    ckpt = load_checkpoint(out / runs.LAST_CHECKPOINT)
    assert ckpt["epoch"] == 1 and ckpt["epoch_step"] == 4  # both ranks stopped at batch 4
    assert json.loads((out / runs.SUMMARY_FILE).read_text())["status"] == "stopped"

    resumed = _torchrun(["--resume", str(out), "--json"], {})
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    result = _json_lines(resumed.stdout)[-1]
    assert result["status"] == "completed" and result["epochs"] == 2
    reference = json.loads((next(ref_runs.iterdir()) / runs.SUMMARY_FILE).read_text())
    for got, want in zip(result_history(out), reference["history"]):
        for key in ("train_loss", "train_accuracy", "heldout_loss", "heldout_accuracy"):
            assert got[key] == pytest.approx(want[key], rel=1e-5), key


def result_history(run_dir: Path) -> list[dict]:
    return json.loads((run_dir / runs.SUMMARY_FILE).read_text())["history"]


def test_killed_rank_ends_run_with_last_checkpoint_intact(setup_dirs):
    base, _ = setup_dirs
    out = base / "killed_run"
    proc = _torchrun(["--config", str(base / "run.json"), "--out", str(out)],
                     {"DDP_TEST_FAULT": "1:1:1:exit", "CNN_STUDIO_DIST_TIMEOUT_S": "60"})
    assert proc.returncode != 0
    assert re.search(r"exitcode\s*:\s*3 ", proc.stderr)  # torchrun's report names the killed rank's exit
    ckpt = load_checkpoint(out / runs.LAST_CHECKPOINT)  # loads: the atomic save was not torn
    assert ckpt["epoch"] == 1 and "epoch_step" not in ckpt
    summary = out / runs.SUMMARY_FILE
    if summary.exists():  # rank 0 saw the broken connection before torchrun's SIGTERM reached it
        data = json.loads(summary.read_text())
        assert data["status"] == "failed" and "Another process of this distributed run failed" in data["message"]
        assert f"--resume {out}" in data["message"]


def test_torchrun_with_one_process_uses_the_distributed_path(setup_dirs):
    base, _ = setup_dirs
    out = base / "one_process"
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(REPO))
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "1", "-m", "cnn_studio",
           "train", "--config", str(base / "run.json"), "--out", str(out), "--epochs", "1", "--json"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, cwd=str(REPO))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert _json_lines(proc.stdout)[-1]["status"] == "completed"
    ckpt = load_checkpoint(out / runs.LAST_CHECKPOINT)
    assert ckpt["world_size"] == 1 and ckpt["epoch"] == 1


def test_nan_on_one_rank_fails_every_rank_with_advice(setup_dirs):
    base, _ = setup_dirs
    out = base / "nan_run"
    proc = _torchrun(["--config", str(base / "run.json"), "--out", str(out)], {"DDP_TEST_FAULT": "1:0:0:nan"})
    assert proc.returncode != 0
    assert "error: The training loss became NaN or infinite in epoch 1" in proc.stderr
    assert "error (rank 1): The training loss became NaN" in proc.stderr
    assert not (out / runs.LAST_CHECKPOINT).exists()
    assert json.loads((out / runs.SUMMARY_FILE).read_text())["status"] == "failed"


# --- one-process parts ---------------------------------------------------------------------------
class _TwoRanks(DistContext):
    """A DistContext whose reduce adds another rank's flags (tests the agreement logic alone)."""

    def __init__(self, other: list[float]):
        object.__setattr__(self, "other", other)
        super().__init__(rank=0, world_size=2)

    def reduce_sum(self, tensor: torch.Tensor) -> torch.Tensor:
        return tensor.add_(torch.tensor(self.other, dtype=tensor.dtype))


def test_agree_combines_flags_of_all_ranks():
    cpu = torch.device("cpu")
    assert distributed.agree(_TwoRanks([0, 0]), nonfinite=torch.tensor(False), stop=False, device=cpu) == (False, False)
    assert distributed.agree(_TwoRanks([1, 0]), nonfinite=torch.tensor(False), stop=False, device=cpu) == (True, False)
    assert distributed.agree(_TwoRanks([0, 1]), nonfinite=False, stop=False, device=cpu) == (False, True)
    assert distributed.agree(_TwoRanks([0, 0]), nonfinite=True, stop=True, device=cpu) == (True, True)


def test_torchrun_command_single_and_multi_node():
    one = distributed.torchrun_command("runs/my run.json", 4)
    assert one == "torchrun --standalone --nnodes 1 --nproc_per_node 4 -m cnn_studio train --config 'runs/my run.json'"
    many = distributed.torchrun_command("run.json", 8, nnodes=2, rdzv_endpoint="node1:29400", json_lines=True)
    assert many == ("torchrun --nnodes 2 --rdzv_backend c10d --rdzv_endpoint node1:29400 --rdzv_id cnn-studio "
                    "--nproc_per_node 8 -m cnn_studio train --config run.json --json")
    resume = distributed.torchrun_command("run.json", 2, resume="runs/exp1", launcher="python -m torch.distributed.run")
    assert resume.endswith("-m cnn_studio train --resume runs/exp1")
    assert resume.startswith("python -m torch.distributed.run --standalone")
    with pytest.raises(ConfigError):
        distributed.torchrun_command("run.json", 0)


def test_resume_with_another_world_size_is_refused():
    distributed.check_resume_world_size({"world_size": 2}, 2)
    distributed.check_resume_world_size({}, 1)  # single-process checkpoints from before
    with pytest.raises(CheckpointError, match="trained with 2 process"):
        distributed.check_resume_world_size({"world_size": 2}, 1)


def test_sync_bn_needs_cuda_and_timeout_comes_from_the_environment(monkeypatch, tmp_path):
    from cnn_studio.core.training.setup import prepare_model

    cfg = tiny_config(tmp_path).replace(sync_bn=True)
    prepared = prepare_model(cfg, 3, torch.device("cpu"), resuming=False)
    with pytest.raises(ConfigError, match="SyncBatchNorm"):
        distributed.wrap_model(prepared, cfg, torch.device("cpu"))
    monkeypatch.setenv(distributed.TIMEOUT_ENV, "90")
    assert distributed.process_group_timeout().total_seconds() == 90
    monkeypatch.setenv(distributed.TIMEOUT_ENV, "soon")
    with pytest.raises(ConfigError):
        distributed.process_group_timeout()


def test_peer_failure_is_recognised_and_explained():
    assert distributed.is_peer_failure(RuntimeError("[../gloo/transport/tcp/pair.cc:534] Connection closed by peer"))
    assert not distributed.is_peer_failure(ValueError("bad value"))
    message = distributed.peer_failure_message(0, 3, "runs/exp1")
    assert "last.pt from epoch 3 is intact" in message and "--resume runs/exp1" in message
