"""The one way to watch module outputs: forward hooks that are always removed.

``forward_hooks(model, modules, on_output)`` registers a forward hook on each module, puts the
model in eval mode, and on exit (also after an exception) removes every hook and restores the
model's train/eval mode. The layer tree's dry pass, activation capture and Grad-CAM use it.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator, Mapping

from torch import nn

OutputFn = Callable[[str, Any], Any]


@contextmanager
def forward_hooks(model: nn.Module, modules: Mapping[str, nn.Module], on_output: OutputFn, *,
                  eval_mode: bool = True) -> Iterator[None]:
    """Call ``on_output(path, output)`` after each of ``modules`` runs, inside the ``with`` block.

    Args:
        model: the network (its train/eval mode is restored on exit).
        modules: ``{dotted path: module}`` to watch.
        on_output: called with the module's path and output; a non-None return value replaces the
            output (as a forward hook's does).
        eval_mode: put the model in eval mode inside the block.
    """
    def make_hook(path: str) -> Callable[[nn.Module, Any, Any], Any]:
        def hook(_module: nn.Module, _inputs: Any, output: Any) -> Any:
            return on_output(path, output)
        return hook

    handles = []
    was_training = model.training
    try:
        for path, module in modules.items():
            handles.append(module.register_forward_hook(make_hook(path)))
        if eval_mode:
            model.eval()
        yield
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
