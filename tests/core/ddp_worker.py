"""A torchrun entry point for the distributed tests (not a test module).

It runs the real ``cnn-studio`` command line (``cli.main``) after wrapping the engine's training
step, steered by environment variables:

- ``DDP_TEST_RECORD=DIR``: record every training batch this rank's model really received
  (``epoch``, ``x``) and write them to ``DIR/rank<R>.pt`` when the process ends.
- ``DDP_TEST_FAULT=RANK:EPOCH:STEP:KIND``: on that rank, before that step (0-based epoch and
  step within the epoch), ``nan`` feeds a NaN batch, ``exit`` kills the process at once
  (``os._exit``, no clean-up), ``sigint`` sends this process a Ctrl-C.
- ``DDP_TEST_SYNC_EVERY=K``: agree on NaN/stop every K batches (small epochs in tests).

    python -m torch.distributed.run --standalone --nproc_per_node 2 tests/core/ddp_worker.py train --config run.json
"""

from __future__ import annotations

import atexit
import os
import signal
import sys

import torch

from cnn_studio.cli import main
from cnn_studio.core.training import distributed
from cnn_studio.core.training.engine import Trainer


def _install() -> None:
    rank = int(os.environ.get("RANK", "0"))
    record_dir = os.environ.get("DDP_TEST_RECORD")
    fault = os.environ.get("DDP_TEST_FAULT")
    if os.environ.get("DDP_TEST_SYNC_EVERY"):
        distributed.SYNC_EVERY_STEPS = int(os.environ["DDP_TEST_SYNC_EVERY"])
    recorded: list[tuple[int, torch.Tensor]] = []
    target = None
    if fault:
        f_rank, f_epoch, f_step, kind = fault.split(":")
        if int(f_rank) == rank:
            target = (int(f_epoch), int(f_step), kind)
    original = Trainer._train_step

    def train_step(self: Trainer, x: torch.Tensor, y: torch.Tensor) -> None:
        if target is not None and (self.state.epoch, self.state.step_in_epoch) == target[:2]:
            kind = target[2]
            if kind == "nan":
                x = x * float("nan")
            elif kind == "exit":
                os._exit(3)
            elif kind == "sigint":
                os.kill(os.getpid(), signal.SIGINT)
        if record_dir:
            recorded.append((self.state.epoch, x.detach().cpu().clone()))
        original(self, x, y)

    Trainer._train_step = train_step  # type: ignore[method-assign]
    if record_dir:
        atexit.register(lambda: torch.save(recorded, os.path.join(record_dir, f"rank{rank}.pt")))


if __name__ == "__main__":
    _install()
    sys.exit(main(sys.argv[1:]))
