"""``cnn-studio lab``: the course's experiments, one command each.

    cnn-studio lab list [--json]
    cnn-studio lab run degradation --data shapes/ [--budget quick|paper|smoke] [--out DIR] [--json]

``run`` prints the plan and its time estimate first (stderr), then one line per epoch of each run
(stderr), and at the end the verdict. With ``--json`` stdout gets exactly one JSON object with
``status``, ``experiment_dir``, ``figure``, ``table``, ``verdict`` and ``runs`` (each with
``name``, ``model``, ``train_error`` and ``test_error`` in %, ``seconds``). Ctrl-C stops
cooperatively; the same command with ``--out`` set to the experiment folder continues it
(finished runs are kept). Exit codes: 0 done, 2 user error, 130 stopped.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from cnn_studio.cli.stop_signals import StopSignals
from cnn_studio.cli.train import _json_safe

EXIT_STOPPED = 130


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``lab`` subcommand with ``list`` and ``run``."""
    p = sub.add_parser("lab", help="run the course's experiments (degradation, batchnorm, ...)",
                       description="The course lab: each lecture experiment as one command.")
    lab_sub = p.add_subparsers(dest="lab_command", metavar="ACTION")
    p_list = lab_sub.add_parser("list", help="list the experiments")
    p_list.add_argument("--json", action="store_true", help="print JSON instead of text")
    p_list.set_defaults(func=run_list)
    p_run = lab_sub.add_parser("run", help="run one experiment")
    p_run.add_argument("name", metavar="NAME", help="experiment name (see 'cnn-studio lab list')")
    p_run.add_argument("--data", metavar="DIR", required=True, help="dataset folder")
    p_run.add_argument("--budget", default="quick", choices=("smoke", "quick", "paper"),
                       help="quick: minutes on a CPU; paper: the paper's settings; smoke: seconds, a first look")
    p_run.add_argument("--out", metavar="DIR", help="experiment folder (default: a new one under the runs folder's "
                                                    "lab/); an existing one of the same experiment is continued")
    p_run.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda", "mps"))
    p_run.add_argument("--json", action="store_true", help="print the result as one JSON object on stdout")
    p_run.set_defaults(func=run_experiment)
    p.set_defaults(func=lambda args: (p.print_help(), 0)[1])


def run_list(args: argparse.Namespace) -> int:
    """Print the experiments."""
    from cnn_studio.core.lab.registry import get_experiment, list_experiments

    rows = [get_experiment(n).describe() for n in list_experiments()]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for row in rows:
        print(f"{row['name']:<22} {row['title']}")
        print(f"{'':<22} reproduces: {row['paper_figure']}; budgets: {', '.join(row['budgets'])}")
    return 0


def run_experiment(args: argparse.Namespace) -> int:
    """Plan, train and report one experiment; return the exit code."""
    from cnn_studio.core.lab.estimate import format_duration
    from cnn_studio.core.lab.experiment import LabJob

    job = LabJob(args.name, args.data, budget=args.budget, out_dir=args.out, device=args.device)
    plan = job.open()
    kept = f" ({len(plan.finished_runs)} finished run(s) kept)" if plan.finished_runs else ""
    used = max(min(s.max_train_images or plan.data.train_images, plan.data.train_images) for s in plan.specs)
    print(f"{plan.experiment.title}\nbudget {plan.budget}: {len(plan.specs)} runs on {used} of "
          f"{plan.data.train_images} training images, {format_duration(plan.estimate_seconds)} on a 2-core CPU"
          f"{kept}; folder {plan.folder}", file=sys.stderr, flush=True)
    control = _QueueControl(job)
    with StopSignals(control):  # Ctrl-C, SIGTERM, SIGHUP stop the queue; finished runs are kept
        result = job.run(on_event=_print_event)
    data = result.to_dict()
    if args.json:
        print(json.dumps(_json_safe(data), ensure_ascii=False), flush=True)
    v = data["verdict"]
    print(f"{data['status']}: {v['claim']}\nverdict: {v['result']}. {v['summary']}\nreport: {data['report']}\n"
          f"figure: {data['figure']}", file=sys.stderr, flush=True)
    return EXIT_STOPPED if result.status == "stopped" else 0


class _QueueControl:
    """What the Ctrl-C handler of ``cnn-studio train`` needs, for a whole queue."""

    def __init__(self, job: Any) -> None:
        self.job = job
        self.stop_requested = False

    def stop(self) -> None:
        self.stop_requested = True
        self.job.stop()


def _print_event(item: Any) -> None:
    from cnn_studio.core.training.events import EpochEnded, RunFinished, RunStarted

    event, tag = item.event, f"[{item.index + 1}/{item.total} {item.run}]"
    if isinstance(event, RunStarted):
        print(f"{tag} {event.model_name} on {event.device}: {event.train_images} images, epochs "
              f"{event.start_epoch + 1}-{event.epochs}", file=sys.stderr, flush=True)
    elif isinstance(event, EpochEnded):
        held = f", {event.heldout_name} error {100 * (1 - event.heldout_accuracy):.1f}%" if (
            event.heldout_accuracy is not None) else ""
        print(f"{tag} epoch {event.epoch}/{event.epochs}: train error {100 * (1 - event.train_accuracy):.1f}%"
              f"{held} ({event.seconds:.1f}s)", file=sys.stderr, flush=True)
    elif isinstance(event, RunFinished):
        note = f": {event.message}" if event.status == "failed" else ""
        print(f"{tag} {event.status}{note}", file=sys.stderr, flush=True)
