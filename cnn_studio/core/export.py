"""Export a trained checkpoint to TorchScript or ONNX, and check the export against PyTorch.

The exported file takes the *normalised* float input the model saw in training (``N x 3 x I x
I``, ``(pixels / 255 - mean) / std``); the normalisation, class names and input size travel with
it (TorchScript: the extra file ``cnn_studio.json``; ONNX: metadata properties) so a deployment
can reproduce the evaluation preprocessing. After writing, the file is loaded back (TorchScript
with ``torch.jit.load``, ONNX with onnxruntime) and its outputs on a sample batch must match
PyTorch's, else :class:`ExportError`. Files are written atomically (temporary file + rename).
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cnn_studio.core.atomic import temp_file_beside
from cnn_studio.core.errors import UserError

FORMATS = ("torchscript", "onnx")
ONNX_OPSET = 17
CHECK_BATCH = 4  # sample batch for the output check (and a batch size other than the traced one)
ATOL, RTOL = 1e-4, 1e-3  # float32 re-ordering in other runtimes stays well inside these


class ExportError(UserError):
    """The model could not be exported, or the export does not reproduce PyTorch's outputs."""


@dataclass(frozen=True)
class ExportResult:
    """Where the export went and how closely it matches PyTorch."""

    path: str
    format: str
    input_shape: tuple[int, int, int, int]
    max_abs_diff: float
    num_classes: int


def export_checkpoint(checkpoint: str | os.PathLike[str], fmt: str, out: str | os.PathLike[str], *,
                      check: bool = True) -> ExportResult:
    """Export the model of a CNN Studio checkpoint to ``fmt`` at ``out``.

    Raises:
        CheckpointError: the checkpoint is unusable.
        ExportError: unknown format, missing ONNX packages, export failure or output mismatch.
    """
    from cnn_studio.core.checkpoint import load_checkpoint
    from cnn_studio.core.models.weights import build_model_from_checkpoint

    if fmt not in FORMATS:
        raise ExportError(f"Unknown export format '{fmt}'; choose torchscript or onnx.")
    ckpt = load_checkpoint(checkpoint)
    model = build_model_from_checkpoint(ckpt)
    size = int(ckpt.get("input_size") or ckpt.get("image_size") or 32)
    meta = {"format": "cnn-studio-export", "model_name": ckpt["model_name"], "class_names": ckpt["class_names"],
            "input_size": size, "mean": ckpt.get("mean"), "std": ckpt.get("std"),
            "input": "float32 N x 3 x S x S, (pixels / 255 - mean) / std"}
    return export_model(model, fmt, out, input_size=size, metadata=meta, check=check)


def export_model(model: Any, fmt: str, out: str | os.PathLike[str], *, input_size: int,
                 metadata: dict[str, Any] | None = None, check: bool = True) -> ExportResult:
    """Export an ``nn.Module`` (put in eval mode, on the CPU) and verify the file's outputs."""
    import torch

    model = model.cpu().eval()
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    gen = torch.Generator().manual_seed(0)
    trace_input = torch.randn(2, 3, input_size, input_size, generator=gen)
    check_input = torch.randn(CHECK_BATCH, 3, input_size, input_size, generator=gen)
    with torch.no_grad():
        expected = model(check_input)
    meta_json = json.dumps(metadata or {}, ensure_ascii=False)
    tmp = _temp_path(target)
    try:
        if fmt == "torchscript":
            _write_torchscript(model, trace_input, tmp, meta_json)
            actual = _run_torchscript(tmp, check_input) if check else None
        elif fmt == "onnx":
            _write_onnx(model, trace_input, tmp, metadata or {})
            actual = _run_onnx(tmp, check_input) if check else None
        else:
            raise ExportError(f"Unknown export format '{fmt}'; choose torchscript or onnx.")
        diff = 0.0
        if actual is not None:
            if tuple(actual.shape) != tuple(expected.shape):
                raise ExportError(f"The {fmt} export returns shape {tuple(actual.shape)} instead of "
                                  f"{tuple(expected.shape)}; the model cannot be exported faithfully.")
            diff = float((actual - expected).abs().max())
            if not torch.allclose(actual, expected, atol=ATOL, rtol=RTOL):
                raise ExportError(f"The {fmt} export's outputs differ from PyTorch's (max difference {diff:.2e}); "
                                  "this model cannot be exported faithfully to this format.")
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return ExportResult(path=str(target), format=fmt, input_shape=tuple(check_input.shape),  # type: ignore[arg-type]
                        max_abs_diff=diff, num_classes=int(expected.shape[1]))


# torch >= 2.10 deprecates TorchScript serialisation in favour of torch.export; the files still
# work everywhere TorchScript runs, so only these two FutureWarnings are silenced.
_JIT_DEPRECATION = r"`torch\.jit\.(save|load)` is deprecated"


class _quiet_jit_deprecation(warnings.catch_warnings):
    """Ignore exactly torch's ``torch.jit.save`` / ``torch.jit.load`` deprecation FutureWarnings."""

    def __enter__(self) -> None:
        super().__enter__()
        warnings.filterwarnings("ignore", message=_JIT_DEPRECATION, category=FutureWarning)


def _temp_path(target: Path) -> Path:
    return temp_file_beside(target, suffix=target.suffix or ".tmp")


def _write_torchscript(model: Any, sample: Any, path: Path, meta_json: str) -> None:
    import torch

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scripted = torch.jit.trace(model, sample, check_trace=False)
        with _quiet_jit_deprecation():
            torch.jit.save(scripted, str(path), _extra_files={"cnn_studio.json": meta_json})
    except Exception as exc:  # noqa: BLE001 - any tracing failure is reported as one sentence
        raise ExportError(f"TorchScript export failed ({type(exc).__name__}: {str(exc).splitlines()[0][:160]}).") from None


def _run_torchscript(path: Path, x: Any) -> Any:
    import torch

    with _quiet_jit_deprecation():
        loaded = torch.jit.load(str(path), map_location="cpu")
    with torch.no_grad():
        return loaded(x)


def _require_onnx() -> None:
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        raise ExportError("ONNX export needs the optional ONNX packages; install them with "
                          "pip install 'cnn-studio[onnx]'.") from None


def _write_onnx(model: Any, sample: Any, path: Path, metadata: dict[str, Any]) -> None:
    _require_onnx()
    import onnx
    import torch

    kwargs = dict(input_names=["input"], output_names=["logits"], opset_version=ONNX_OPSET)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:  # the TorchScript-based exporter: fast, dynamic batch axis
                torch.onnx.export(model, (sample,), str(path), dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                                  dynamo=False, **kwargs)
            except (TypeError, RuntimeError):  # releases without it: the torch.export-based exporter
                batch = torch.export.Dim("batch", min=1)
                torch.onnx.export(model, (sample,), str(path), dynamic_shapes=({0: batch},), dynamo=True,
                                  **kwargs)
    except ExportError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise ExportError(f"ONNX export failed ({type(exc).__name__}: {str(exc).splitlines()[0][:160]}).") from None
    proto = onnx.load(str(path))
    for key, value in metadata.items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = str(key), json.dumps(value, ensure_ascii=False)
    onnx.save(proto, str(path))


def _run_onnx(path: Path, x: Any) -> Any:
    import onnxruntime as ort
    import torch

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return torch.from_numpy(session.run(None, {name: x.numpy()})[0])
