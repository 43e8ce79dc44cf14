"""convert_cifar from tiny pickle batches in the real format, and the convert-cifar command."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest
from PIL import Image

from cnn_studio.cli import main
from cnn_studio.core.data.cifar import convert_cifar
from cnn_studio.core.errors import DatasetError


NAMES = [b"airplane", b"automobile", b"bird"]


def _write_batches(folder, per_batch=4, train_batches=2):
    folder.mkdir(parents=True)
    with open(folder / "batches.meta", "wb") as fh:
        pickle.dump({b"label_names": NAMES, b"num_cases_per_batch": per_batch, b"num_vis": 3072}, fh, protocol=2)
    rng = np.random.default_rng(0)
    batches = [f"data_batch_{i + 1}" for i in range(train_batches)] + ["test_batch"]
    expected = {}
    for b, name in enumerate(batches):
        data = rng.integers(0, 256, (per_batch, 3072), dtype=np.uint8)
        labels = [int(v) for v in rng.integers(0, len(NAMES), per_batch)]
        files = [f"img_{b}_{i}.png".encode() for i in range(per_batch)]
        with open(folder / name, "wb") as fh:
            pickle.dump({b"batch_label": name.encode(), b"labels": labels, b"data": data, b"filenames": files},
                        fh, protocol=2)
        for i in range(per_batch):
            split = "test" if name == "test_batch" else "train"
            expected[(split, NAMES[labels[i]].decode(), files[i].decode())] = data[i].reshape(3, 32, 32)
    return expected


def test_convert_cifar_writes_pngs_with_the_right_pixels(tmp_path):
    expected = _write_batches(tmp_path / "cifar-10-batches-py")
    progress = []
    out = convert_cifar(tmp_path, tmp_path / "out", progress=lambda d, t: progress.append((d, t)))
    assert progress[-1] == (12, 12)
    written = sorted(p.relative_to(out).parts for p in out.rglob("*.png"))
    assert len(written) == 12
    for (split, cls, name), chw in expected.items():
        img = np.asarray(Image.open(out / split / cls / name))
        assert img.shape == (32, 32, 3) and np.array_equal(img.transpose(2, 0, 1), chw)
    assert sorted(p.name for p in (out / "train").iterdir()) == ["airplane", "automobile", "bird"]


def test_convert_cli_and_bad_source(tmp_path, capsys):
    _write_batches(tmp_path / "src")
    assert main(["convert-cifar", str(tmp_path / "src"), str(tmp_path / "dst")]) == 0
    assert len(list((tmp_path / "dst").rglob("*.png"))) == 12
    assert main(["scan", str(tmp_path / "dst"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert data["splits"]["train"]["count"] == 8 and data["splits"]["test"]["count"] == 4
    with pytest.raises(DatasetError):
        convert_cifar(tmp_path / "nowhere", tmp_path / "x")
    assert main(["convert-cifar", str(tmp_path / "dst"), str(tmp_path / "y")]) == 2
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "batches.meta").write_bytes(b"not a pickle")
    assert main(["convert-cifar", str(tmp_path / "broken"), str(tmp_path / "z")]) == 2
