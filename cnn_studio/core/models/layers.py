"""The layer tree: a model's module hierarchy with parameter counts and output shapes.

``layer_tree(model, input_size)`` runs one dry forward pass (batch of one, eval mode, no grad)
with a hook on every module and returns ``LayerNode``s the GUI's checkbox tree and the CLI's
``models NAME`` table are built from. ``LayerNode.state`` gives the tri-state a parent checkbox
shows: ``trainable``, ``frozen`` or ``partial``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

import torch
from torch import nn

from cnn_studio.core.models.hooks import forward_hooks
from cnn_studio.core.models.keras_names import keras_names


@dataclass
class LayerNode:
    """One module of the tree.

    Attributes:
        path: dotted path from the model (``""`` for the model itself, ``layer1.0.conv1``).
        name: the last part of the path (the class name for the root).
        type: the module's class name (``Conv2d``).
        own_params: parameters held directly by this module.
        total_params: parameters of this module and all its children.
        trainable_params: of ``total_params``, those with ``requires_grad``.
        output_shape: shape of the module's output in the dry pass (batch dimension 1), or None
            when the module was not called or did not return a tensor.
        children: child nodes in registration order.
        keras_name: the course's Keras name of the module (``block5_conv1``), VGGs only.
    """

    path: str
    name: str
    type: str
    own_params: int
    total_params: int
    trainable_params: int
    output_shape: tuple[int, ...] | None
    children: list["LayerNode"] = field(default_factory=list)
    keras_name: str | None = None

    @property
    def state(self) -> str | None:
        """``trainable``, ``frozen`` or ``partial`` (None for a module without parameters)."""
        if self.total_params == 0:
            return None
        if self.trainable_params == self.total_params:
            return "trainable"
        return "frozen" if self.trainable_params == 0 else "partial"

    def walk(self) -> Iterator["LayerNode"]:
        """Yield this node and all descendants, depth first, in registration order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def find(self, path: str) -> "LayerNode | None":
        """Return the node at ``path`` or None."""
        return next((n for n in self.walk() if n.path == path), None)

    def to_json_dict(self) -> dict[str, Any]:
        """Return plain JSON-able data (nested children)."""
        return {"path": self.path, "name": self.name, "type": self.type, "own_params": self.own_params,
                "total_params": self.total_params, "trainable_params": self.trainable_params,
                "output_shape": list(self.output_shape) if self.output_shape is not None else None,
                "state": self.state, "keras_name": self.keras_name,
                "children": [c.to_json_dict() for c in self.children]}


def _shape_of(output: Any) -> tuple[int, ...] | None:
    if isinstance(output, torch.Tensor):
        return tuple(int(s) for s in output.shape)
    if isinstance(output, (tuple, list)) and output and isinstance(output[0], torch.Tensor):
        return tuple(int(s) for s in output[0].shape)
    return None


def layer_tree(model: nn.Module, input_size: int | tuple[int, int] | None, in_channels: int = 3) -> LayerNode:
    """Return the module tree of ``model`` with output shapes from one dry forward pass.

    Args:
        model: any module taking an ``N x C x H x W`` batch.
        input_size: square side or (height, width) of the dry-pass input; None skips the pass
            (all output shapes None).
        in_channels: channels of the dry-pass input.

    Raises:
        ModelError: the input is too small for the model (from the model's input-size guard).
    """
    shapes: dict[str, tuple[int, ...] | None] = {}
    if input_size is not None:
        h, w = (input_size, input_size) if isinstance(input_size, int) else input_size
        param = next(model.parameters(), None)
        device = param.device if param is not None else torch.device("cpu")
        dtype = param.dtype if param is not None and param.is_floating_point() else torch.float32

        def record(path: str, output: Any) -> None:
            shapes[path] = _shape_of(output)

        with forward_hooks(model, dict(model.named_modules()), record), torch.no_grad():
            model(torch.zeros(1, in_channels, h, w, device=device, dtype=dtype))
    return _node(model, "", type(model).__name__, shapes, keras_names(model))


def _node(module: nn.Module, path: str, name: str, shapes: dict[str, tuple[int, ...] | None],
          keras: dict[str, str]) -> LayerNode:
    children = [_node(child, f"{path}.{child_name}" if path else child_name, child_name, shapes, keras)
                for child_name, child in module.named_children()]
    own = list(module.parameters(recurse=False))
    own_count = sum(p.numel() for p in own)
    total = own_count + sum(c.total_params for c in children)
    trainable = sum(p.numel() for p in own if p.requires_grad) + sum(c.trainable_params for c in children)
    return LayerNode(path=path, name=name, type=type(module).__name__, own_params=own_count, total_params=total,
                     trainable_params=trainable, output_shape=shapes.get(path), children=children,
                     keras_name=keras.get(path))


def format_tree(root: LayerNode, max_depth: int | None = None) -> str:
    """Return the tree as an indented text table: path, [Keras name,] type, output shape, params, trainable."""
    with_keras = any(n.keras_name for n in root.walk())
    rows = [("layer", "keras", "type", "output", "params", "trainable")]

    def visit(node: LayerNode, depth: int) -> None:
        label = ("  " * depth) + (node.path or node.type)
        shape = "x".join(str(s) for s in node.output_shape[1:]) if node.output_shape else "-"
        rows.append((label, node.keras_name or "", node.type, shape, f"{node.total_params:,}",
                     f"{node.trainable_params:,}"))
        if max_depth is None or depth < max_depth:
            for child in node.children:
                visit(child, depth + 1)

    visit(root, 0)
    if not with_keras:
        rows = [r[:1] + r[2:] for r in rows]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    right = {len(rows[0]) - 2, len(rows[0]) - 1}
    return "\n".join("  ".join(v.rjust(w) if i in right else v.ljust(w) for i, (v, w) in enumerate(zip(r, widths)))
                     .rstrip() for r in rows)
