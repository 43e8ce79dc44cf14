"""``cnn-studio scan``: JSON and text output, one-sentence errors with exit 2."""

from __future__ import annotations

import json

import pytest

from cnn_studio.cli import main
from tests.core.datafiles import make_split_dirs


def test_scan_json_and_text(tmp_path, capsys):
    root = make_split_dirs(tmp_path / "ds", classes=("cat", "고양이"), train=3, test=1)
    (root / "train" / "cat" / "bad.png").write_bytes(b"")
    (root / "train" / "cat" / "notes.txt").write_text("x")
    assert main(["scan", str(root), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["classes"] == ["cat", "고양이"]
    assert data["splits"]["train"] == {"count": 6, "per_class": {"cat": 3, "고양이": 3}}
    assert data["image_sizes"][0] == {"width": 8, "height": 8, "count": 8}
    assert data["problems"] == [{"path": str(root / "train" / "cat" / "bad.png"), "reason": "empty file"}]
    assert data["skipped"] == 1 and isinstance(data["warnings"], list)
    assert main(["scan", str(root)]) == 0
    text = capsys.readouterr().out
    assert "고양이" in text and "empty file" in text and "Warnings:" in text


@pytest.mark.parametrize("kind", ["missing", "empty", "all_bad"])
def test_scan_exit_2_with_one_sentence(tmp_path, capsys, kind):
    root = tmp_path / "ds"
    if kind == "empty":
        root.mkdir()
    elif kind == "all_bad":
        (root / "a").mkdir(parents=True)
        (root / "a" / "x.png").write_bytes(b"")
    assert main(["scan", str(root), "--json"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err and err.count("\n") == 1
