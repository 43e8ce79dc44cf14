"""``cnn-studio scan DIR [--json]``: what is in a dataset folder and what is wrong with it.

Exit 0 when at least one usable image exists; exit 2 (one sentence on stderr) for a missing,
empty or unreadable folder, or one where no file decodes.
"""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``scan`` subcommand."""
    p = sub.add_parser("scan", help="check a dataset folder: classes, splits, bad files, warnings",
                       description="Scan an image folder (ROOT/train|test/<class>/* or ROOT/<class>/*), decode "
                                   "every image once to find bad files, and report classes, split sizes, "
                                   "image sizes, problems and warnings.")
    p.add_argument("folder", help="the dataset folder")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.add_argument("--val-fraction", type=float, default=0.1,
                   help="single-folder layout: fraction held out for validation (default 0.1)")
    p.add_argument("--test-fraction", type=float, default=0.2,
                   help="single-folder layout: fraction held out for testing (default 0.2)")
    p.add_argument("--split-seed", type=int, default=0, help="seed of the single-folder split (default 0)")
    p.add_argument("--image-size", type=int, default=None,
                   help="working size to report (default: the most common image size)")
    p.set_defaults(func=run_scan)


def _progress_printer():
    if not sys.stderr.isatty():
        return None
    last = [-1]

    def show(done: int, total: int) -> None:
        pct = int(100 * done / max(total, 1))
        if pct != last[0]:
            last[0] = pct
            print(f"\rchecking images: {done}/{total} ({pct}%)", end="" if done < total else "\n",
                  file=sys.stderr, flush=True)
    return show


def run_scan(args: argparse.Namespace) -> int:
    """Scan the folder and print the report; return the exit code."""
    from cnn_studio.core.data.scan import scan_image_folder
    from cnn_studio.core.errors import ConfigError, DatasetError

    v, t = args.val_fraction, args.test_fraction
    if not (0 <= v < 1 and 0 <= t < 1 and v + t < 1):
        raise ConfigError("Validation and test fractions must be in [0, 1) and leave some images for training.")
    report = scan_image_folder(args.folder, val_fraction=v, test_fraction=t, split_seed=args.split_seed,
                               image_size=args.image_size, progress=_progress_printer())
    if report.num_images == 0:
        raise DatasetError(f"No file in {report.root} could be decoded as an image; "
                           "see the problems with 'cnn-studio scan --json'.")
    if args.json:
        print(json.dumps(report.to_json_dict(), ensure_ascii=False, indent=2))
        return 0
    print(format_report(report))
    return 0


def format_report(report) -> str:
    """Return the human-readable text of a ``ScanReport``."""
    lines = [f"Dataset: {report.root}",
             f"Layout: {report.layout}" + ("  (split here: seeded and stratified)" if report.layout == "single-folder"
                                           else "  (val carved from train: seeded and stratified)"
                                           if getattr(report, "val_source", "") == "carved" else ""),
             f"Classes ({len(report.classes)}): {', '.join(report.classes)}"]
    width = max([len(c) for c in report.classes] + [5])
    names = list(report.splits)
    lines.append("")
    lines.append(f"  {'class':<{width}}  " + "  ".join(f"{n:>7}" for n in names))
    per = {n: report.per_class(n) for n in names}
    for c in report.classes:
        lines.append(f"  {c:<{width}}  " + "  ".join(f"{per[n][c]:>7}" for n in names))
    lines.append(f"  {'total':<{width}}  " + "  ".join(f"{len(report.splits[n]):>7}" for n in names))
    sizes = ", ".join(f"{w}x{h} ({k})" for (w, h), k in report.image_sizes.most_common(5))
    lines += ["", f"Image sizes: {sizes or 'unknown'}; working size {report.working_size}x{report.working_size}"]
    if report.mean:
        lines.append("Train mean/std (RGB): " + ", ".join(f"{m:.3f}" for m in report.mean) + " / "
                     + ", ".join(f"{s:.3f}" for s in report.std))
    if report.skipped:
        shown = ", ".join(report.skipped[:5]) + (" ..." if len(report.skipped) > 5 else "")
        lines.append(f"Skipped {len(report.skipped)} non-image file(s): {shown}")
    if report.problems:
        lines += ["", f"Problems ({len(report.problems)} file(s) skipped):"]
        lines += [f"  {p.path}: {p.reason}" for p in report.problems[:50]]
        if len(report.problems) > 50:
            lines.append(f"  ... and {len(report.problems) - 50} more (use --json for all)")
    if report.warnings:
        lines += ["", "Warnings:"] + [f"  - {w}" for w in report.warnings]
    return "\n".join(lines)
