"""``cnn-studio models [NAME]``: list the model zoo, or print one model's layer tree."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``models`` subcommand."""
    p = sub.add_parser("models", help="list the model zoo, or show a model's layers, shapes and parameter counts",
                       description="Without NAME, list the zoo. With NAME, print the model's layer tree "
                                   "(dotted paths for freezing, output shapes from one dry forward pass).")
    p.add_argument("name", nargs="?", help="a model name from the list")
    p.add_argument("--classes", type=int, default=10, help="number of classes of the head (default 10)")
    p.add_argument("--image-size", type=int, default=None,
                   help="input size for the dry pass (default: the size the model was designed for)")
    p.add_argument("--depth", type=int, default=None, help="show the tree only this many levels deep")
    p.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                   help="a model option, e.g. batch_norm=false or shortcut=B (repeatable)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=run_models)


def run_models(args: argparse.Namespace) -> int:
    """Print the zoo or one model's layer tree; return the exit code."""
    if args.name:
        return _show_model(args.name, args.classes, args.image_size, args.depth, args.json,
                           parse_options(args.option))
    return _list_zoo(args.json)


def parse_options(items: list[str]) -> dict[str, object]:
    """Turn ``["batch_norm=false", "shortcut=B"]`` into ``{"batch_norm": False, "shortcut": "B"}``.

    Values are read as JSON (true, 3, 0.5, [32, 64]) and otherwise kept as text.

    Raises:
        UserError: an item without ``=``.
    """
    from cnn_studio.core.errors import UserError

    options: dict[str, object] = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or not key.strip():
            raise UserError(f"--option needs KEY=VALUE (e.g. batch_norm=false), not '{item}'.")
        try:
            options[key.strip()] = json.loads(text)
        except json.JSONDecodeError:
            options[key.strip()] = text
    return options


def _list_zoo(as_json: bool) -> int:
    from cnn_studio.core.models.registry import get_model_info, list_models
    from cnn_studio.core.models.weights import weights_cached

    rows = []
    for name in list_models():
        info = get_model_info(name)
        data = info.to_json_dict()
        data["parameters"] = info.num_params
        data["weights_cached"] = weights_cached(name) if info.has_pretrained else None
        rows.append(data)
    if as_json:
        print(json.dumps(rows, indent=2))
        return 0
    header = ("name", "family", "params", "input", "pretrained", "options")
    table = [header]
    for r in rows:
        pretrained = "-" if not r["has_pretrained"] else ("cached" if r["weights_cached"] else "download")
        options = ", ".join(f"{k}={v}" for k, v in r["options"].items()) or "-"
        table.append((r["name"], r["family"], _millions(r["parameters"]), f"{r['input_size']} (min {r['min_input_size']})",
                      pretrained, options))
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
    for row in table:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths)).rstrip())
    print("\nParameters with a 10-class head (CIFAR models) or the 1000-class ImageNet head (transfer).")
    return 0


def _millions(n: int) -> str:
    return f"{n / 1e6:.2f}M"


def _show_model(name: str, classes: int, image_size: int | None, depth: int | None, as_json: bool,
                options: dict[str, object]) -> int:
    from cnn_studio.core.errors import ModelError
    from cnn_studio.core.models.freezing import PRESETS
    from cnn_studio.core.models.layers import format_tree, layer_tree
    from cnn_studio.core.models.registry import check_input_size, get_model, get_model_info
    from cnn_studio.core.models.weights import weights_cached

    info = get_model_info(name)
    if classes < 1:
        raise ModelError("--classes must be at least 1.")
    size = image_size or info.input_size
    check_input_size(name, size)
    model = get_model(name, num_classes=classes, **options)
    tree = layer_tree(model, size)
    if as_json:
        data = info.to_json_dict()
        data.update(num_classes=classes, image_size=size, parameters=tree.total_params, chosen_options=options,
                    weights_cached=weights_cached(name) if info.has_pretrained else None,
                    presets={p.id: p.explanation for p in PRESETS.values()}, tree=tree.to_json_dict())
        print(json.dumps(data, indent=2))
        return 0
    chosen = ", ".join(f"{k}={v}" for k, v in options.items())
    print(f"{info.title} ({name}, family {info.family}{'; ' + chosen if chosen else ''})")
    print(info.description)
    cached = "cached" if weights_cached(name) else "not cached (downloads on first use)"
    print(f"parameters: {tree.total_params:,} with {classes} classes; input {size}x{size} "
          f"(designed for {info.input_size}, minimum {info.min_input_size}); "
          f"ImageNet weights: {cached + ', ' + info.weights.origin if info.weights else 'none'}")
    print(f"head: {info.head}; stages: {', '.join(info.stages)}\n")
    print(format_tree(tree, depth))
    return 0
