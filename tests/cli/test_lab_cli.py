"""``cnn-studio lab``: the experiment list and a real (smoke-budget) run, as text and JSON."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from cnn_studio.cli import main
from tests.core.training_fixtures import make_color_dataset


@pytest.fixture(scope="module")
def data_root(tmp_path_factory):
    return make_color_dataset(tmp_path_factory.mktemp("lab_cli_data"), {"train": 16, "test": 6})


def test_lab_list_json_and_text(capsys):
    assert main(["lab", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in rows] == ["degradation", "batchnorm", "transfer-strategies", "filters"]
    assert {"title", "idea", "claim", "paper_figure", "budgets", "version"} <= set(rows[0])
    assert "Fig. 1" in rows[0]["paper_figure"]
    assert main(["lab", "list"]) == 0
    out = capsys.readouterr().out
    assert "transfer-strategies" in out and "reproduces:" in out


def test_lab_run_degradation_json(data_root, tmp_path, capsys):
    out_dir = tmp_path / "deg"
    code = main(["lab", "run", "degradation", "--data", str(data_root), "--budget", "smoke", "--out", str(out_dir),
                 "--device", "cpu", "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    data = json.loads(captured.out)  # stdout is exactly one JSON object
    assert data["status"] == "completed" and data["experiment_dir"] == str(out_dir)
    assert data["figure"].endswith("figure.png") and (out_dir / "figure.svg").is_file()
    assert {"claim", "shown", "result", "summary", "numbers"} <= set(data["verdict"])
    assert [r["name"] for r in data["runs"]] == ["plain20", "plain56", "resnet20", "resnet56"]
    for run in data["runs"]:
        assert {"name", "model", "train_error", "test_error", "seconds"} <= set(run)
        assert 0 <= run["train_error"] <= 100 and 0 <= run["test_error"] <= 100 and run["seconds"] > 0
    assert [row["layers"] for row in data["table"]] == [20, 56, 20, 56]
    assert "about" in captured.err and "[2/4 plain56] epoch 1/1" in captured.err
    assert "verdict:" in captured.err
    # the same command again continues the folder: nothing is retrained
    assert main(["lab", "run", "degradation", "--data", str(data_root), "--budget", "smoke", "--out", str(out_dir),
                 "--device", "cpu"]) == 0
    err = capsys.readouterr().err
    assert "4 finished run(s) kept" in err and "epoch 1/1" not in err


def test_lab_run_filters_shows_three_filter_sets(tmp_path, capsys):
    root = tmp_path / "data"
    rng = np.random.default_rng(0)
    for split, count in (("train", 12), ("test", 4)):
        for c in ("a", "b"):
            (root / split / c).mkdir(parents=True)
            for i in range(count):
                Image.fromarray(rng.integers(0, 255, (32, 32, 3), dtype=np.uint8)).save(root / split / c / f"{i}.png")
    assert main(["lab", "run", "filters", "--data", str(root), "--budget", "smoke", "--out", str(tmp_path / "f"),
                 "--device", "cpu", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    shares = data["filters"]["low_frequency_share"]
    assert set(shares) == {"random", "trained", "imagenet"}
    assert shares["random"] == pytest.approx(1 / 3, abs=0.12)  # noise spreads its energy
    assert shares["imagenet"] > shares["random"]  # ImageNet's stem filters are smooth edges and colours
    assert data["filters"]["relative_change_from_init"] > 0
    assert data["verdict"]["result"] in ("shown", "not shown")


def test_lab_user_errors_exit_2(tmp_path, capsys):
    assert main(["lab", "run", "nope", "--data", str(tmp_path)]) == 2
    assert "lab list" in capsys.readouterr().err
