"""``cnn-studio export``: write a checkpoint's model as TorchScript or ONNX, checked against PyTorch.

    cnn-studio export --checkpoint runs/x/best.pt --format onnx --out model.onnx

The exported model takes the normalised input (the normalisation, class names and input size are
stored with it). Exit codes: 0 written and checked, 2 user error (bad checkpoint, missing ONNX
packages, export that does not reproduce PyTorch's outputs).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from cnn_studio.core.export import FORMATS  # no torch at import: --help stays fast


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``export`` subcommand."""
    p = sub.add_parser("export", help="export a checkpoint to TorchScript or ONNX",
                       description="Export a trained model and check its outputs against PyTorch's.")
    p.add_argument("--checkpoint", required=True, metavar="FILE", help="a CNN Studio checkpoint (best.pt)")
    p.add_argument("--format", required=True, choices=FORMATS, dest="export_format")
    p.add_argument("--out", required=True, metavar="FILE", help="file to write (.pt for TorchScript, .onnx)")
    p.add_argument("--no-check", action="store_true", help="skip the output comparison with PyTorch")
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")
    p.set_defaults(func=run_export)


def run_export(args: argparse.Namespace) -> int:
    """Run the command; return the exit code."""
    from cnn_studio.core.export import export_checkpoint
    from cnn_studio.core.runs import json_safe

    result = export_checkpoint(args.checkpoint, args.export_format, args.out, check=not args.no_check)
    if args.json:
        print(json.dumps(json_safe(asdict(result)), allow_nan=False))
    else:
        checked = "not checked" if args.no_check else f"max difference from PyTorch {result.max_abs_diff:.1e}"
        print(f"wrote {result.format} model to {result.path} ({result.num_classes} classes, {checked})",
              file=sys.stderr)
    return 0
