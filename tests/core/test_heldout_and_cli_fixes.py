"""Review fixes: the validation split carved from train, scan wording, one-class refusal, the
CLI's dataset notes, broken pipes, TorchScript warnings and the resume-epochs note."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from collections import Counter
from pathlib import Path

import pytest
import torch

from cnn_studio.cli import EXIT_BROKEN_PIPE, main
from cnn_studio.cli.train import schedule_change_note
from cnn_studio.core.config import DataConfig
from cnn_studio.core.data.dataset import open_dataset
from cnn_studio.core.data.scan import scan_image_folder
from cnn_studio.core.data.splits import carve_validation
from cnn_studio.core.errors import DatasetError
from cnn_studio.core.training.engine import train
from cnn_studio.core.training.setup import resolve_heldout
from tests.core.datafiles import make_split_dirs, write_png
from tests.core.training_fixtures import make_color_dataset, tiny_config


# --- 1. validation carved from train ---------------------------------------------------------
def test_train_test_folders_get_a_carved_stratified_seeded_val(tmp_path):
    root = make_split_dirs(tmp_path / "ds", classes=("a", "b"), train=10, test=2)
    report = scan_image_folder(root, check_images=False)
    assert list(report.splits) == ["train", "val", "test"] and report.val_source == "carved"
    assert report.per_class("val") == {"a": 1, "b": 1} and report.per_class("train") == {"a": 9, "b": 9}
    train_paths = {p for p, _ in report.splits["train"]}
    assert not train_paths & {p for p, _ in report.splits["val"]}
    assert all("/train/" in p for p, _ in report.splits["val"])  # never from test
    assert report.splits == scan_image_folder(root, check_images=False).splits  # seeded
    other_seed = scan_image_folder(root, check_images=False, split_seed=7)
    assert other_seed.splits["val"] != report.splits["val"] or len(report.splits["val"]) == 0
    assert report.to_json_dict()["val_source"] == "carved"
    assert not any("No validation images" in w for w in report.warnings)
    # validation "test" keeps all of train (the old behaviour, now explicit)
    explicit = scan_image_folder(root, check_images=False, validation="test")
    assert "val" not in explicit.splits and len(explicit.splits["train"]) == 20


def test_dataset_splits_match_the_report_in_memory_and_streaming(tmp_path):
    root = make_split_dirs(tmp_path / "ds", classes=("a", "b"), train=10, test=2, size=(300, 300))
    mem = open_dataset(DataConfig(root=str(root), cache_dir=str(tmp_path / "c1")))
    stream = open_dataset(DataConfig(root=str(root), cache_dir=str(tmp_path / "c2"), memory_budget_mb=1))
    assert not mem.streaming and stream.streaming
    for ds in (mem, stream):
        assert ds.val_source == "carved"
        assert {n: len(s) for n, s in ds.splits.items()} == {n: len(v) for n, v in ds.report.splits.items()}
        assert len(ds.splits["val"]) == 2 and len(ds.splits["train"]) == 18
    assert mem.splits["val"].paths == stream.splits["val"].paths
    again = open_dataset(DataConfig(root=str(root), cache_dir=str(tmp_path / "c1")))
    assert again.from_cache and again.val_source == "carved" and again.splits["val"].paths == mem.splits["val"].paths
    assert resolve_heldout("auto", mem.splits) == "val"


def test_carve_validation_is_one_function_and_keeps_a_training_image():
    items = [(f"a{i}", 0) for i in range(3)] + [("b0", 1)]
    train_part, val = carve_validation(items, ["a", "b"], 0.5, split_seed=0)
    assert Counter(y for _, y in val) == {0: 2} and Counter(y for _, y in train_part) == {0: 1, 1: 1}
    assert carve_validation(items, ["a", "b"], 0.0)[1] == []


def test_fallback_to_test_is_labelled(tmp_path):
    root = make_split_dirs(tmp_path / "ds", classes=("a", "b"), train=4, test=2)
    report = scan_image_folder(root, check_images=False, val_fraction=0.0)
    assert "val" not in report.splits and report.val_source == ""
    assert any("No validation images" in w and "val_fraction is 0" in w for w in report.warnings)
    tiny = scan_image_folder(root, check_images=False)  # 4 per class: round(0.4) = 0 to carve
    assert any("too few training images" in w for w in tiny.warnings)
    ds = open_dataset(DataConfig(root=str(root), val_fraction=0.0))
    assert resolve_heldout("auto", ds.splits) == "test"
    with pytest.raises(DatasetError, match="no validation images"):
        resolve_heldout("val", ds.splits)


def test_engine_holds_out_the_carved_val_not_test(tmp_path):
    data = make_color_dataset(tmp_path / "data", {"train": 10, "test": 4})
    result = train(tiny_config(data, tmp_path / "run", epochs=1))
    assert result.heldout_name == "val" and result.test_accuracy is not None
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["heldout_name"] == "val"
    fallback = train(tiny_config(data, tmp_path / "run2", epochs=1).replace(
        data=DataConfig(root=str(data), image_size=16, num_workers=0, val_fraction=0.0)))
    assert fallback.heldout_name == "test"  # labelled: the summary says test picked best.pt


# --- 2. scan wording, one class, CLI dataset notes -------------------------------------------
def test_clamped_working_size_is_named(tmp_path):
    root = make_split_dirs(tmp_path / "ds", classes=("a", "b"), train=2, test=1, size=(384, 384))
    write_png(root / "train" / "a" / "odd.png", size=(300, 200), seed=99)
    report = scan_image_folder(root, validation="test")
    text = " ".join(report.warnings)
    assert report.working_size == 256
    assert "384x384, clamped to 256 px; set image_size to change it" in text
    assert "most common (shorter side) working size 256" not in text


def test_all_different_sizes_say_so(tmp_path):
    for i, size in enumerate(((64, 64), (70, 50), (90, 80))):
        write_png(tmp_path / "ds" / "train" / ("a" if i % 2 else "b") / f"x{i}.png", size=size, seed=i)
    write_png(tmp_path / "ds" / "test" / "a" / "t.png", size=(40, 30), seed=9)
    report = scan_image_folder(tmp_path / "ds", validation="test")
    sizes = [w for w in report.warnings if "different sizes" in w]
    assert sizes and sizes[0].startswith("Images have 4 different sizes;") and "most common" not in sizes[0]


def test_single_class_warns_and_cli_train_refuses(tmp_path, capsys):
    root = make_split_dirs(tmp_path / "ds", classes=("x",), train=4, test=2)
    report = scan_image_folder(root, check_images=False)
    assert "Only one class ('x'): a classifier needs at least two; add another class folder." in report.warnings
    code = main(["train", "--data", str(root), "--model", "simple_cnn", "--epochs", "1", "--device", "cpu",
                 "--image-size", "8", "--workers", "0", "--out", str(tmp_path / "run"), "--json"])
    err = capsys.readouterr().err
    assert code == 2 and "only one class ('x')" in err and "Traceback" not in err


def test_cli_train_prints_dataset_notes_on_stderr_only(tmp_path, capsys):
    data = make_color_dataset(tmp_path / "data", {"train": 10, "test": 3})
    (data / "train" / "red" / "broken.png").write_bytes(b"not a png")
    (data / "train" / "red" / "notes.txt").write_text("hello")
    code = main(["train", "--data", str(data), "--model", "simple_cnn", "--epochs", "1", "--device", "cpu",
                 "--image-size", "16", "--batch-size", "16", "--workers", "0", "--out", str(tmp_path / "r"),
                 "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert all(json.loads(line)["event"] in ("epoch", "result") for line in captured.out.splitlines())
    assert "warning: 1 file(s) could not be used" in captured.err
    assert "unusable: " in captured.err and "broken.png" in captured.err
    assert "1 non-image file(s)" in captured.err


# --- 3. broken pipes, TorchScript warnings ---------------------------------------------------
class _ClosedPipe:
    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self):
        raise BrokenPipeError(32, "Broken pipe")


def test_broken_pipe_exits_quietly_in_process(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    code = main(["models", "--json"])
    monkeypatch.undo()
    assert code == EXIT_BROKEN_PIPE and "Traceback" not in capsys.readouterr().err


def test_broken_pipe_through_head_prints_no_traceback(tmp_path):
    cmd = f"{sys.executable} -m cnn_studio models --json | head -c 5 > /dev/null; exit ${{PIPESTATUS[0]}}"
    proc = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr and "BrokenPipeError" not in proc.stderr
    assert proc.returncode in (0, EXIT_BROKEN_PIPE)


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


# --- 4. --resume with another --epochs ---------------------------------------------------------
def test_schedule_change_note():
    note = schedule_change_note(30, 6, "step")
    assert note.startswith("note:") and "schedule (step) now spans 6 epochs" in note and "\n" not in note
    assert "constant" in schedule_change_note(30, 6, "constant")


def test_train_help_documents_resume_epochs(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "schedule" in out and "spans N epochs" in out


def test_resume_with_new_epochs_prints_the_note(tmp_path, capsys):
    data = make_color_dataset(tmp_path / "data", {"train": 8, "val": 2})
    run = tmp_path / "run"
    assert main(["train", "--data", str(data), "--model", "simple_cnn", "--epochs", "1", "--device", "cpu",
                 "--image-size", "16", "--workers", "0", "--schedule", "cosine", "--out", str(run), "--json"]) == 0
    capsys.readouterr()
    assert main(["train", "--resume", str(run), "--epochs", "2", "--json"]) == 0
    err = capsys.readouterr().err
    assert "planned for 1 epochs" in err and "now spans 2 epochs" in err
    assert Path(run / "summary.json").is_file()
