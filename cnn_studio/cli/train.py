"""``cnn-studio train``: train a zoo model on an image folder, from the command line or a script.

    cnn-studio train --data photos/ --model resnet20 --epochs 30 --json
    cnn-studio train --config run.json --out runs/exp1
    cnn-studio train --resume runs/exp1 [--epochs 40]

Settings start from the model family's recipe (``recommended_config``) or from ``--config``; the
options given on the command line override them. On a terminal a progress bar shows on stderr.
With ``--json``, stdout gets one JSON line per epoch (``{"event": "epoch", ...}``) and, last, one
line with the result: ``status``, ``test_accuracy``, ``best_val_accuracy``, ``epochs``,
``run_dir``, ``best_checkpoint`` (and more). Ctrl-C stops cooperatively and saves ``last.pt``.
What the dataset scan found (warnings, unusable and skipped files) is printed on stderr when the
run starts, in both modes (stdout stays pure JSON lines).

``--resume RUN --epochs N`` changes the run's total: the learning-rate schedule then spans N
epochs (its milestones are fractions of the run), and a one-line note on stderr says so. N below
the epochs already completed is refused (exit 2): trained epochs are never thrown away, and the
run's config.json would otherwise disagree with its checkpoints; N equal to them just finishes
the run (the test evaluation). A run folder without ``last.pt`` (killed in its first epoch)
restarts from its ``config.json``. A run folder has one writer: a second ``--resume`` of a run
that is training is refused (exit 2), and a ``last.pt`` from another run is refused.

SIGTERM and SIGHUP (Ctrl-Break on Windows) stop like Ctrl-C: ``last.pt`` is saved and the run ends
``stopped`` (see ``stop_signals.py``). A diverged run (NaN or exploding loss, NaN weights) ends
``failed`` with advice, keeping the last good checkpoints. A full disk or a read-only folder is one
sentence naming the folder.

Exit codes: 0 completed, 1 failed (divergence, out of memory, a write failure during training),
2 user error (bad option, folder, checkpoint, or a folder that cannot be written before training
starts), 130 stopped by Ctrl-C, 143 by SIGTERM, 129 by SIGHUP.

Several processes: ``torchrun --nproc_per_node N -m cnn_studio train --config run.json`` (see
``cnn_studio.core.training.distributed.torchrun_command``). Rank 0 prints and writes the run
folder; the other ranks print only their errors.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import replace
from typing import Any

from cnn_studio.cli.stop_signals import StopSignals
from cnn_studio.core import config as c
from cnn_studio.core.errors import Cancelled
from cnn_studio.core.runs import json_safe as _json_safe
from cnn_studio.core.training.callbacks import Callback  # no torch import (numpy only)
from cnn_studio.core.training.events import BatchProgress, EpochEnded, FeaturesCached, RunStarted

EXIT_FAILED = 1
EXIT_STOPPED = 130
RESUME_CHANGEABLE = ("epochs", "device")
DEFAULT_MODEL = "simple_cnn"  # the window's default model too: small, trains the demo in seconds


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``train`` subcommand."""
    p = sub.add_parser("train", help="train a model on an image folder",
                       description="Train a model; settings come from the model's recipe or --config, "
                                   "then the options given here.")
    p.add_argument("--data", metavar="DIR", help="dataset folder (class folders, or train/val/test)")
    p.add_argument("--model", metavar="NAME",
                   help=f"model name (see 'cnn-studio models'; default with --data: {DEFAULT_MODEL}, as in the window)")
    p.add_argument("--config", metavar="FILE", help="a run configuration (JSON) to start from")
    p.add_argument("--resume", metavar="RUN_DIR", help="continue a run from its last.pt")
    p.add_argument("--out", metavar="RUN_DIR", help="run folder to create (default: a new one in the runs folder)")
    p.add_argument("--epochs", type=int, metavar="N",
                   help="number of epochs; with --resume, the run's new total: the learning-rate schedule "
                        "(step milestones, cosine, one-cycle, as fractions of the run) then spans N epochs, "
                        "so the rate at the resume point can change")
    p.add_argument("--batch-size", type=int, metavar="B")
    p.add_argument("--lr", type=float, metavar="X", help="learning rate")
    p.add_argument("--optimizer", choices=c.OPTIMIZERS)
    p.add_argument("--schedule", choices=c.SCHEDULES)
    p.add_argument("--warmup-epochs", type=float, metavar="E", help="linear learning-rate warm-up")
    p.add_argument("--weight-decay", type=float, metavar="X")
    p.add_argument("--label-smoothing", type=float, metavar="X")
    p.add_argument("--freeze", choices=c.SIMPLE_FREEZE_PRESETS,
                   help="which parts train: full (all), last-stage, feature-extraction (head only)")
    p.add_argument("--trainable-from", metavar="PATH", help="train this layer (dotted path) and everything after it")
    p.add_argument("--pretrained", metavar="imagenet|FILE", help="start from ImageNet weights, a weights file or a checkpoint")
    p.add_argument("--image-size", type=int, metavar="S", help="working size of the decoded images")
    p.add_argument("--input-size", type=int, metavar="S", help="size the model sees (resized on the device)")
    p.add_argument("--device", choices=c.DEVICES)
    p.add_argument("--precision", choices=c.PRECISIONS)
    p.add_argument("--channels-last", action="store_true", default=None)
    p.add_argument("--compile", action="store_true", default=None, help="torch.compile the model")
    p.add_argument("--sync-bn", action="store_true", default=None,
                   help="synchronise BatchNorm across GPUs (torchrun on CUDA only)")
    p.add_argument("--no-feature-cache", dest="feature_cache", action="store_false", default=None,
                   help="run the frozen layers on every batch instead of once per image (keeps random "
                        "translation and cutout, which cached features turn off)")
    p.add_argument("--workers", type=int, metavar="N", help="decoder processes of the streaming path")
    p.add_argument("--seed", type=int, metavar="S")
    p.add_argument("--json", action="store_true", help="JSON lines on stdout (one per epoch, then the result)")
    p.set_defaults(func=run_train)


def build_config(args: argparse.Namespace) -> Any:
    """Return the TrainConfig the arguments describe (None when resuming with the run's own)."""
    from cnn_studio.core.config import TrainConfig, recommended_config
    from cnn_studio.core.errors import ConfigError, UserError

    given = {k for k, v in vars(args).items() if v is not None and k not in ("func", "command", "json", "resume",
                                                                              "demo", "self_test")}
    if args.resume:
        extra = sorted(given - set(RESUME_CHANGEABLE))
        if extra:
            raise UserError(f"With --resume only --epochs and --device can change (got --{extra[0].replace('_', '-')}); "
                            "the run keeps its own settings.")
        return None
    if args.config:
        cfg = TrainConfig.load(args.config)
        if args.model and args.model != cfg.model.name:
            cfg = replace(cfg, model=replace(cfg.model, name=args.model, options={}))
    else:
        if not args.data:
            raise UserError("Give --data DIR (and --model NAME, default simple_cnn), or --config FILE, or --resume RUN_DIR.")
        cfg = recommended_config(args.model or DEFAULT_MODEL, args.data)
    data, model, freeze, optim = cfg.data, cfg.model, cfg.freeze, cfg.optim
    if args.data:
        data = replace(data, root=args.data)
    for arg, field_name in (("image_size", "image_size"), ("input_size", "input_size"), ("workers", "num_workers")):
        if getattr(args, arg) is not None:
            data = replace(data, **{field_name: getattr(args, arg)})
    if args.pretrained is not None:
        model = replace(model, pretrained=args.pretrained)
    if args.trainable_from:
        if args.freeze not in (None, "full"):
            raise ConfigError("--trainable-from already says what trains; leave out --freeze.")
        freeze = replace(freeze, preset="from-layer", trainable_from=args.trainable_from)
    elif args.freeze:
        freeze = replace(freeze, preset=args.freeze)
    for arg, field_name in (("lr", "lr"), ("optimizer", "optimizer"), ("schedule", "schedule"),
                            ("warmup_epochs", "warmup_epochs"), ("weight_decay", "weight_decay"),
                            ("label_smoothing", "label_smoothing")):
        if getattr(args, arg) is not None:
            optim = replace(optim, **{field_name: getattr(args, arg)})
    top: dict[str, Any] = {"data": data, "model": model, "freeze": freeze, "optim": optim}
    for arg in ("epochs", "batch_size", "seed", "device", "precision", "channels_last", "compile", "sync_bn",
                "feature_cache"):
        if getattr(args, arg) is not None:
            top[arg] = getattr(args, arg)
    if args.out:
        top["out_dir"] = args.out
    cfg = replace(cfg, **top)
    cfg.validate()
    return cfg


def run_train(args: argparse.Namespace) -> int:
    """Run the command; return the exit code."""
    from cnn_studio.core.training.control import TrainingControl  # no torch: the handlers go in first

    control = TrainingControl()
    rank, world_size = _rank_and_world_size()
    launched = world_size > 1 or "TORCHELASTIC_RUN_ID" in os.environ  # torchrun, even with one process
    with StopSignals(control, quiet=rank != 0, distributed=launched) as signals:
        from cnn_studio.core.training.engine import train  # imports torch (seconds): a signal now still stops

        cfg = build_config(args)
        if args.resume:
            cfg = resume_settings(args)
        if cfg is not None and rank == 0:  # None: a resume reads the run's own config
            from cnn_studio.core.training.optim import schedule_warnings

            for warning in schedule_warnings(cfg.optim, cfg.epochs):
                print(f"warning: {warning.message}", file=sys.stderr, flush=True)
        printer = JsonLinesPrinter() if args.json else ProgressPrinter(sys.stderr.isatty())
        try:
            result = train(cfg, callbacks=[printer], control=control, resume_from=args.resume)
        except Cancelled:  # stopped while the dataset was opened: nothing was trained or written
            print("stopped before training started", file=sys.stderr, flush=True)
            return signals.exit_code(EXIT_STOPPED)
        # Still inside: a signal while the result is printed must not kill the process (the run is saved).
        return _report(result, args, rank, signals)


def _report(result: Any, args: argparse.Namespace, rank: int, signals: StopSignals) -> int:
    """Print the run's result (JSON line or summary) and errors; return the exit code."""
    if rank != 0:  # torchrun's other ranks: only their errors
        if result.status == "failed":
            print(f"error (rank {rank}): {result.message}", file=sys.stderr, flush=True)
        return _exit_code(result.status, signals)
    if args.json:
        final = {"event": "result", **{k: v for k, v in result.to_dict().items() if k != "history"}}
        print(json.dumps(_json_safe(final), allow_nan=False), flush=True)
    else:
        _print_summary(result)
    if result.status == "failed":
        print(f"error: {result.message}", file=sys.stderr)
    return _exit_code(result.status, signals)


def resume_settings(args: argparse.Namespace) -> Any:
    """The config a ``--resume`` continues with: the run's own, with ``--epochs``/``--device`` applied.

    Returns None when nothing changes (the engine then reads the run's own config itself).

    Raises:
        ConfigError: ``--epochs`` is below the epochs the run has already completed.
    """
    from cnn_studio.core.runs import load_resume_source

    changes = {k: getattr(args, k) for k in RESUME_CHANGEABLE if getattr(args, k) is not None}
    if not changes:
        return None
    source = load_resume_source(args.resume)
    base = source.config
    cfg = replace(base, **changes)
    cfg.validate()
    source.check_epochs(cfg.epochs)
    if cfg.epochs != base.epochs and _rank_and_world_size()[0] == 0:
        print(schedule_change_note(base.epochs, cfg.epochs, base.optim.schedule), file=sys.stderr, flush=True)
    return cfg


def schedule_change_note(planned: int, epochs: int, schedule: str) -> str:
    """The one-line note printed when ``--resume`` changes the number of epochs."""
    if schedule == "constant":
        return f"note: the run was planned for {planned} epochs and now runs {epochs} (constant learning rate)."
    return (f"note: the run was planned for {planned} epochs; the learning-rate schedule ({schedule}) now spans "
            f"{epochs} epochs, so the rate continues from where the new plan is at the resume point.")


def _exit_code(status: str, signals: StopSignals) -> int:
    if status == "failed":
        return EXIT_FAILED
    return signals.exit_code(EXIT_STOPPED) if status == "stopped" else 0


def _rank_and_world_size() -> tuple[int, int]:
    """This process's rank and the number of processes (torchrun's variables; 0 and 1 without)."""
    try:
        return int(os.environ.get("RANK", "0") or 0), int(os.environ.get("WORLD_SIZE", "1") or 1)
    except ValueError:
        return 0, 1  # the engine reports the bad variable as a user error


def _pct(value: float | None) -> str:
    return "n/a" if value is None or value != value else f"{100 * value:.1f}%"


def print_data_notes(event: Any, stream: Any = None) -> None:
    """Print the dataset scan's warnings, unusable and skipped files (from ``RunStarted``) on stderr."""
    stream = stream or sys.stderr
    for warning in getattr(event, "data_warnings", ()):
        print(f"warning: {warning}", file=stream)
    problems = getattr(event, "data_problems", ())
    for line in problems[:3]:
        print(f"  unusable: {line}", file=stream)
    more = getattr(event, "problem_count", 0) - min(3, len(problems))
    if more > 0:
        print(f"  ... and {more} more unusable file(s) (see 'cnn-studio scan')", file=stream)
    if getattr(event, "skipped_files", 0):
        print(f"note: {event.skipped_files} non-image file(s) in the dataset folder are ignored", file=stream)
    stream.flush()


def print_features(event: FeaturesCached, tty: bool, stream: Any = None) -> None:
    """Print the cached-feature decision on stderr; while computing, a progress line on a terminal."""
    stream = stream or sys.stderr
    if event.stage != "computing":
        prefix = "\r\033[K" if tty else ""  # ends a progress line
        print(f"{prefix}{event.message}", file=stream, flush=True)
    elif event.done == 0:
        print(event.message, file=stream, flush=True)
    elif tty:
        print(f"\rfeatures {100 * event.done / max(1, event.total):3.0f}% ({event.done}/{event.total} images) ",
              end="", file=stream, flush=True)


def _print_summary(result: Any) -> None:
    held = f"best {result.heldout_name} accuracy {_pct(result.best_val_accuracy)}" if result.heldout_name else ""
    if result.heldout_name == "test":
        held += " (test also picked the best epoch: optimistic)"
    test = f"test accuracy {_pct(result.test_accuracy)}" if result.test_accuracy is not None else ""
    parts = [p for p in (f"{result.status}: {result.epochs} epochs", held, test) if p]
    print(", ".join(parts), file=sys.stderr)
    print(f"run folder: {result.run_dir}", file=sys.stderr)
    if result.best_checkpoint:
        print(f"best checkpoint: {result.best_checkpoint}", file=sys.stderr)


class JsonLinesPrinter(Callback):
    """One JSON line per epoch on stdout; the dataset notes go to stderr."""

    def on_event(self, event: Any) -> None:
        """Print the dataset notes at the start and one JSON line per epoch."""
        from dataclasses import asdict

        if isinstance(event, RunStarted):
            print_data_notes(event)
        elif isinstance(event, FeaturesCached):
            print_features(event, tty=False)
        elif isinstance(event, EpochEnded):
            print(json.dumps(_json_safe({"event": "epoch", **asdict(event)}), allow_nan=False), flush=True)


HELDOUT_EXPLODED = ("warning: the {name} loss is {loss:.3g}, far above a random model's: the network is unstable "
                    "on unseen data; lower the learning rate or add warm-up if it does not fall in the next epochs.")


class ProgressPrinter(Callback):
    """A one-line progress bar on a terminal (stderr), and one line per epoch."""

    BAR = 24

    def __init__(self, tty: bool) -> None:
        self.tty = tty
        self.started = time.perf_counter()

    def on_event(self, event: Any) -> None:
        """Print the event it shows: the run's start, the progress bar, the epoch line."""
        if isinstance(event, RunStarted):
            self.on_run_started(event)
        elif isinstance(event, BatchProgress):
            self.on_batch_progress(event)
        elif isinstance(event, EpochEnded):
            self.on_epoch_ended(event)
        elif isinstance(event, FeaturesCached):
            print_features(event, self.tty)

    def on_run_started(self, event: Any) -> None:
        held = f", held-out: {event.heldout_name} ({event.heldout_images})" if event.heldout_name else ""
        procs = f" x {event.world_size} processes" if event.world_size > 1 else ""
        print(f"training {event.model_name} on {event.device}{procs} ({event.precision}): {event.train_images} images, "
              f"{len(event.classes)} classes{held}; run folder {event.run_dir}", file=sys.stderr, flush=True)
        print_data_notes(event)

    def on_batch_progress(self, event: Any) -> None:
        if not self.tty:
            return
        done = event.step / max(1, event.steps_per_epoch)
        filled = int(self.BAR * done)
        bar = "#" * filled + "." * (self.BAR - filled)
        print(f"\repoch {event.epoch} [{bar}] {100 * done:3.0f}%  loss {event.loss:.4f}  acc {_pct(event.accuracy)}  "
              f"{event.images_per_second:.0f} img/s ", end="", file=sys.stderr, flush=True)

    def on_epoch_ended(self, event: Any) -> None:
        held = (f"  {event.heldout_name} loss {event.heldout_loss:.4f} acc {_pct(event.heldout_accuracy)}"
                if event.heldout_name else "")
        prefix = "\r\033[K" if self.tty else ""
        print(f"{prefix}epoch {event.epoch}/{event.epochs}  train loss {event.train_loss:.4f} acc "
              f"{_pct(event.train_accuracy)}{held}  {event.seconds:.1f}s{'  *best' if event.is_best else ''}",
              file=sys.stderr, flush=True)
        if event.heldout_exploded:
            print(HELDOUT_EXPLODED.format(name=event.heldout_name, loss=event.heldout_loss), file=sys.stderr, flush=True)
