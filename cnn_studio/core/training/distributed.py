"""Training on several processes (torchrun): process group, DDP wrapper, agreement, commands.

``torchrun --nproc_per_node N -m cnn_studio train --config run.json`` starts N copies of the
ordinary training; :class:`~cnn_studio.core.training.setup.DistContext` reads their rank from the
environment, and the engine calls the functions here:

- :func:`init_process_group`: NCCL on CUDA, Gloo on CPU, with a finite timeout
  (``CNN_STUDIO_DIST_TIMEOUT_S``, default 30 minutes) so a dead peer ends the run instead of
  hanging it.
- :func:`wrap_model`: ``DistributedDataParallel`` (``SyncBatchNorm`` first if the config asks;
  it needs CUDA), then ``torch.compile`` if asked.
- :func:`agree` every :data:`SYNC_EVERY_STEPS` batches and at each epoch end: one ``all_reduce``
  of two flags (the loss became non-finite here; a stop was requested here), so every rank stops
  at the same batch, together, and rank 0 saves ``last.pt`` for the resume.
- :func:`torchrun_command`: the exact command line for a server, for the GUI's export.
"""

from __future__ import annotations

import gc
import os
import shlex
from datetime import timedelta
from typing import Any, Mapping

import torch

from cnn_studio.core.config import TrainConfig
from cnn_studio.core.errors import CheckpointError, ConfigError
from cnn_studio.core.training.setup import DistContext, PreparedModel

TIMEOUT_ENV = "CNN_STUDIO_DIST_TIMEOUT_S"
DEFAULT_TIMEOUT_S = 1800.0  # long enough for rank 0's final test pass; a dead peer ends the run after it
# Batches between two agreements (NaN / stop). Each costs one tiny all_reduce and one host read;
# at 16 the cost is below 1% of a step, and a stop or NaN is noticed within 16 batches.
SYNC_EVERY_STEPS = 16


def process_group_timeout() -> timedelta:
    """The collective timeout: ``CNN_STUDIO_DIST_TIMEOUT_S`` seconds, else 30 minutes."""
    text = os.environ.get(TIMEOUT_ENV, "").strip()
    if not text:
        return timedelta(seconds=DEFAULT_TIMEOUT_S)
    try:
        seconds = float(text)
    except ValueError:
        raise ConfigError(f"The environment variable {TIMEOUT_ENV} must be a number of seconds.") from None
    if seconds <= 0:
        raise ConfigError(f"The environment variable {TIMEOUT_ENV} must be positive.")
    return timedelta(seconds=seconds)


def backend_for(device_name: str) -> str:
    """``nccl`` when the run uses CUDA (``auto`` with a GPU, or ``cuda``), else ``gloo``."""
    return "nccl" if device_name in ("auto", "cuda") and torch.cuda.is_available() else "gloo"


def init_process_group(dist: DistContext, device_name: str) -> bool:
    """Join torchrun's process group (NCCL on CUDA, Gloo on CPU); return True if this call made it.

    A group that the caller already initialised is used as it is (and is not destroyed later).
    """
    if not torch.distributed.is_available():
        raise ConfigError("This PyTorch build has no distributed support; run with one process.")
    if torch.distributed.is_initialized():
        return False
    for name in ("MASTER_ADDR", "MASTER_PORT"):
        if name not in os.environ:
            raise ConfigError(f"WORLD_SIZE is {dist.world_size} but {name} is not set; start distributed runs "
                              "with torchrun (see torchrun_command).")
    backend = backend_for(device_name)
    if backend == "nccl":
        torch.cuda.set_device(dist.local_rank % torch.cuda.device_count())
    torch.distributed.init_process_group(backend=backend, timeout=process_group_timeout())
    return True


def release(prepared: PreparedModel | None) -> None:
    """Drop the DDP wrapper, then leave the process group; safe to call twice.

    DDP's reducer holds the process group: left to the interpreter's shutdown, Gloo's worker
    threads were destroyed too late and the process aborted ("terminate called without an active
    exception", now and then here). Freeing it first and destroying the group while
    Python is fully alive makes the exit clean (and NCCL does not warn).
    """
    if prepared is not None:
        prepared.forward = prepared.model
    gc.collect()
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        torch.distributed.destroy_process_group()


def wrap_model(prepared: PreparedModel, cfg: TrainConfig, device: torch.device) -> torch.nn.Module:
    """Return what the loop calls: DDP around the (SyncBatchNorm-converted) model, compiled if asked.

    ``prepared.model`` stays the plain module (its ``state_dict`` keys have no ``module.`` prefix);
    with ``sync_bn`` it is the converted one, which shares the parameters and buffers.
    """
    from torch.nn.parallel import DistributedDataParallel

    model = prepared.model
    if cfg.sync_bn:
        if device.type != "cuda":
            raise ConfigError("SyncBatchNorm works only on CUDA GPUs; turn sync_bn off for a CPU run.")
        model = torch.nn.SyncBatchNorm.convert_sync_batchnorm(model)
        prepared.model = model
    ids = [device.index] if device.type == "cuda" else None
    ddp = DistributedDataParallel(model, device_ids=ids)
    if cfg.compile:
        return torch.compile(ddp)  # type: ignore[return-value]
    return ddp


def agree(dist: DistContext, *, nonfinite: torch.Tensor | bool, stop: bool,
          device: torch.device) -> tuple[bool, bool]:
    """Return (any rank's loss is non-finite, any rank asked to stop); one ``all_reduce``.

    Every rank must call this at the same step. ``nonfinite`` may be a device tensor (no extra
    host read before the reduction).
    """
    flags = torch.zeros(2, dtype=torch.float32, device=device)
    flags[0] = torch.as_tensor(nonfinite, device=device).to(torch.float32)
    flags[1] = float(stop)
    bad, stopped = dist.reduce_sum(flags).tolist()
    return bad > 0, stopped > 0


def check_resume_world_size(ckpt: Mapping[str, Any], world_size: int) -> None:
    """Refuse to resume a run with a different number of processes (batches and schedule differ)."""
    saved = int(ckpt.get("world_size", 1) or 1)
    if saved != world_size:
        raise CheckpointError(
            f"This run was trained with {saved} process(es) and is resumed with {world_size}; resume it with "
            f"{saved} (torchrun --nproc_per_node and --nnodes) so the batches and the schedule continue.")


def is_peer_failure(exc: BaseException) -> bool:
    """True for errors of a collective whose peer died, timed out or closed the connection."""
    dist_error = getattr(torch.distributed, "DistError", None)
    if dist_error is not None and isinstance(exc, dist_error):
        return True
    text = str(exc).lower()
    return isinstance(exc, RuntimeError) and any(
        key in text for key in ("gloo", "nccl", "connection closed", "connection reset", "broken pipe",
                                "timed out", "timeout", "peer"))


def peer_failure_message(rank: int, epoch: int, run_dir: str | None, cause: str = "") -> str:
    """The one-sentence explanation when another process of the run failed or was killed."""
    kept = f"last.pt from epoch {epoch} is intact" if epoch > 0 and run_dir else "no checkpoint was written yet"
    resume = f"; after fixing the cause, resume with --resume {run_dir}" if run_dir and epoch > 0 else ""
    seen = f"rank {rank} saw: {cause}" if cause else f"seen by rank {rank}"
    return (f"Another process of this distributed run failed, was killed or stopped answering ({seen}; the "
            f"failed process's own error, if it could print one, is above); {kept}{resume}.")


def torchrun_command(config_path: str, nproc_per_node: int, nnodes: int = 1, *, rdzv_endpoint: str = "HOST:29400",
                     rdzv_id: str = "cnn-studio", resume: str | None = None, json_lines: bool = False,
                     launcher: str = "torchrun") -> str:
    """Return the shell command that trains ``config_path`` on ``nnodes`` x ``nproc_per_node`` processes.

    One node: ``torchrun --standalone --nproc_per_node N -m cnn_studio train --config run.json``.
    Several nodes: the same command runs on every node, with c10d rendezvous at ``rdzv_endpoint``
    (``host:port`` of one of the nodes, reachable from the others).

    Args:
        config_path: the run configuration (JSON) as the server will see it.
        nproc_per_node: processes per machine (usually its number of GPUs).
        nnodes: machines.
        rdzv_endpoint: rendezvous ``host:port`` (several nodes only).
        rdzv_id: a name shared by the nodes of one run (several nodes only).
        resume: a run folder to continue instead of starting from the config.
        json_lines: add ``--json`` (machine-readable progress on stdout).
        launcher: the torchrun executable (e.g. ``python -m torch.distributed.run``).
    """
    if int(nproc_per_node) < 1 or int(nnodes) < 1:
        raise ConfigError("The number of processes per node and of nodes must be at least 1.")
    parts = shlex.split(launcher)
    if int(nnodes) == 1:
        parts += ["--standalone", "--nnodes", "1"]
    else:
        parts += ["--nnodes", str(int(nnodes)), "--rdzv_backend", "c10d", "--rdzv_endpoint", rdzv_endpoint,
                  "--rdzv_id", rdzv_id]
    parts += ["--nproc_per_node", str(int(nproc_per_node)), "-m", "cnn_studio", "train"]
    parts += ["--resume", str(resume)] if resume else ["--config", str(config_path)]
    if json_lines:
        parts.append("--json")
    return " ".join(shlex.quote(p) for p in parts)
