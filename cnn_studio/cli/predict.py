"""``cnn-studio predict``: classify image files or folders with a checkpoint or the bundled model.

    cnn-studio predict --checkpoint runs/x/best.pt photos/ cat.jpg [--topk 3] [--json] [--csv out.csv]
    cnn-studio predict --model efficientnet_lite0 --pretrained imagenet cat.jpg

With ``--json`` the output is one JSON list: ``{"path", "top": [{"label", "prob"}]}`` per
classified file and ``{"path", "error"}`` per file that could not be read. ``--csv FILE`` also
writes a table (``path, label_1, prob_1, ..., error``; paths relative to the folder given; UTF-8
with a byte-order mark so Excel opens it). Files that fail are reported and the rest are still
classified. Exit codes: 0 every file classified, 1 some files could not be classified (their count
on stderr; the results of the others are printed and written all the same), 2 user errors (no such
checkpoint, no input files, bad options).
"""

from __future__ import annotations

import argparse
import json
import sys

EXIT_SOME_FAILED = 1


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``predict`` subcommand."""
    p = sub.add_parser("predict", help="classify images with a checkpoint or the bundled ImageNet model",
                       description="Classify image files and folders (folders: their image files, recursively).")
    p.add_argument("inputs", nargs="+", metavar="IMAGE_OR_DIR", help="image files and/or folders")
    p.add_argument("--checkpoint", metavar="FILE", help="a CNN Studio checkpoint (best.pt / last.pt of a run)")
    p.add_argument("--model", metavar="NAME", help="instead of a checkpoint: efficientnet_lite0")
    p.add_argument("--pretrained", metavar="WEIGHTS", default=None, help="with --model: imagenet")
    p.add_argument("--topk", type=int, default=5, metavar="K", help="classes per image (default 5)")
    p.add_argument("--batch-size", type=int, default=32, metavar="B", help="images per batch (default 32)")
    p.add_argument("--device", default="cpu", help="cpu (default), cuda or mps")
    p.add_argument("--json", action="store_true", help="print one JSON list instead of text")
    p.add_argument("--csv", metavar="FILE", help="also write the top-k classes and probabilities as CSV "
                                                 "(paths relative to the folder given; UTF-8 with BOM for Excel)")
    p.set_defaults(func=run_predict)


def run_predict(args: argparse.Namespace) -> int:
    """Run the command; return the exit code."""
    from cnn_studio.core.errors import UserError
    from cnn_studio.core.inference import PredictionError, collect_image_paths, load_predictor

    if args.topk < 1:
        raise UserError(f"--topk must be at least 1, not {args.topk}.")
    if args.batch_size < 1:
        raise UserError(f"--batch-size must be at least 1, not {args.batch_size}.")
    if args.pretrained is not None and args.model is None:
        raise UserError("--pretrained needs --model (e.g. --model efficientnet_lite0 --pretrained imagenet).")
    paths = collect_image_paths(args.inputs)
    if not paths:
        raise UserError("No image files were found in the given folders; pass image files or folders that contain images.")
    device = _resolve_device(args.device)
    predictor = load_predictor(args.checkpoint, model=args.model, pretrained=args.pretrained, device=device)
    show_progress = not args.json and sys.stderr.isatty() and len(paths) > args.batch_size
    results = []
    for batch in predictor.predict_batches(paths, args.topk, batch_size=args.batch_size):
        results.extend(batch)
        if show_progress:
            print(f"\r{len(results)}/{len(paths)} images", end="", file=sys.stderr, flush=True)
    if show_progress:
        print(file=sys.stderr)
    if args.csv:
        _write_csv(args, paths, results)
    if args.json:
        from cnn_studio.core.runs import json_safe

        json.dump(json_safe([r.to_json_dict() for r in results]), sys.stdout, indent=1, allow_nan=False)
        sys.stdout.write("\n")
    else:
        for r in results:
            if isinstance(r, PredictionError):
                print(f"{r.path}: error: {r.error}")
            else:
                best = ", ".join(f"{c.label} {c.prob:.1%}" for c in r.top)
                print(f"{r.path}: {best}")
    failed = sum(isinstance(r, PredictionError) for r in results)
    if failed:
        print(f"{failed} of {len(results)} files could not be classified", file=sys.stderr)
        return EXIT_SOME_FAILED
    return 0


def _write_csv(args: argparse.Namespace, paths: list[str], results: list) -> None:
    from cnn_studio.core.errors import UserError
    from cnn_studio.core.predictions_csv import relative_names, write_predictions_csv

    try:
        write_predictions_csv(args.csv, results, relative_names(paths, args.inputs), args.topk)
    except OSError as exc:
        raise UserError(f"Could not write {args.csv}: {exc.strerror or exc}.") from exc


def _resolve_device(name: str) -> str:
    from cnn_studio.core.errors import UserError

    import torch

    if name in ("cpu", "auto"):
        return "cuda" if name == "auto" and torch.cuda.is_available() else "cpu"
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise UserError("--device cuda was asked for but no CUDA GPU is available; use --device cpu.")
    if name == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise UserError("--device mps was asked for but MPS is not available; use --device cpu.")
    if not (name.startswith("cuda") or name == "mps"):
        raise UserError(f"Unknown device '{name}'; use cpu, cuda or mps.")
    return name
