"""Export to TorchScript and ONNX: files load in their runtimes and match PyTorch's outputs."""

from __future__ import annotations

import json
import warnings

import pytest
import torch

from cnn_studio.cli import main
from cnn_studio.core.checkpoint import load_checkpoint, make_checkpoint, save_checkpoint
from cnn_studio.core.export import export_checkpoint, export_model, ExportError
from cnn_studio.core.models.registry import get_model


OPTIONS = {"widths": (4, 8, 8), "hidden": 16, "dropout": 0.0, "input_size": 16}


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    torch.manual_seed(0)
    model = get_model("simple_cnn", num_classes=3, **OPTIONS)
    ckpt = make_checkpoint(model_name="simple_cnn", num_classes=3, class_names=["a", "b", "c"],
                           model_state=model.state_dict(), model_options=OPTIONS, image_size=16, input_size=16,
                           mean=[0.5, 0.5, 0.5], std=[0.2, 0.2, 0.2])
    return save_checkpoint(ckpt, tmp_path_factory.mktemp("ck") / "best.pt")


def _reference(checkpoint, x):
    from cnn_studio.core.models.weights import build_model_from_checkpoint

    model = build_model_from_checkpoint(load_checkpoint(checkpoint)).eval()
    with torch.no_grad():
        return model(x)


def test_torchscript_export_matches_pytorch(checkpoint, tmp_path):
    result = export_checkpoint(checkpoint, "torchscript", tmp_path / "m.pt")
    assert result.max_abs_diff < 1e-4 and result.num_classes == 3
    extra = {"cnn_studio.json": ""}
    loaded = torch.jit.load(str(tmp_path / "m.pt"), _extra_files=extra)
    meta = json.loads(extra["cnn_studio.json"])
    assert meta["class_names"] == ["a", "b", "c"] and meta["input_size"] == 16 and meta["mean"] == [0.5] * 3
    x = torch.randn(7, 3, 16, 16)  # another batch size than the traced one
    assert torch.allclose(loaded(x), _reference(checkpoint, x), atol=1e-5)


def test_onnx_export_matches_pytorch(checkpoint, tmp_path):
    import onnx
    import onnxruntime as ort

    result = export_checkpoint(checkpoint, "onnx", tmp_path / "m.onnx")
    assert result.max_abs_diff < 1e-4
    proto = onnx.load(str(tmp_path / "m.onnx"))
    meta = {p.key: json.loads(p.value) for p in proto.metadata_props}
    assert meta["class_names"] == ["a", "b", "c"]
    session = ort.InferenceSession(str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"])
    x = torch.randn(5, 3, 16, 16)
    out = session.run(None, {session.get_inputs()[0].name: x.numpy()})[0]
    assert torch.allclose(torch.from_numpy(out), _reference(checkpoint, x), atol=1e-4)


class _TraceDiffers(torch.nn.Module):
    """Behaves differently when traced: an export that does not reproduce the model."""

    def forward(self, x):
        scale = 2.0 if torch.jit.is_tracing() else -2.0
        return x.mean(dim=(2, 3)) * scale


def test_output_check_rejects_unfaithful_export(tmp_path):
    with pytest.raises(ExportError, match="differ"):
        export_model(_TraceDiffers(), "torchscript", tmp_path / "bad.pt", input_size=8)
    assert list(tmp_path.iterdir()) == []  # neither the file nor a temporary one is left


def test_cli_export_and_errors(checkpoint, tmp_path, capsys):
    assert main(["export", "--checkpoint", str(checkpoint), "--format", "onnx", "--out", str(tmp_path / "m.onnx"),
                 "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["format"] == "onnx" and (tmp_path / "m.onnx").is_file()
    not_ckpt = tmp_path / "x.pt"
    not_ckpt.write_text("nope")
    assert main(["export", "--checkpoint", str(not_ckpt), "--format", "torchscript", "--out",
                 str(tmp_path / "y.pt")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err and not (tmp_path / "y.pt").exists()


def test_torchscript_export_has_no_jit_deprecation_warning(tmp_path):
    from cnn_studio.core.export import _run_torchscript, _write_torchscript

    model = torch.nn.Sequential(torch.nn.Conv2d(3, 2, 3), torch.nn.Flatten()).eval()
    x = torch.randn(1, 3, 8, 8)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _write_torchscript(model, x, tmp_path / "m.pt", "{}")
        _run_torchscript(tmp_path / "m.pt", x)
        warnings.warn("an unrelated FutureWarning", FutureWarning)
    messages = [str(w.message) for w in caught]
    assert not any("torch.jit" in m and "deprecated" in m for m in messages)
    assert "an unrelated FutureWarning" in messages  # only those two are silenced
