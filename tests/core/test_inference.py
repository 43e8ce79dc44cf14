"""Predictor: evaluation preprocessing, top-k, per-file errors, batches; the predict CLI."""

import json

import numpy as np
import pytest
import torch
from PIL import Image

from cnn_studio.cli import main as cli_main
from cnn_studio.core.checkpoint import make_checkpoint, save_checkpoint
from cnn_studio.core.data.decode import decode_image
from cnn_studio.core.data.loader import normalize_batch
from cnn_studio.core.errors import Cancelled, CheckpointError
from cnn_studio.core.inference import Prediction, PredictionError, Predictor, collect_image_paths
from cnn_studio.core.models.registry import get_model

CLASSES = ["red", "green", "blue"]
MEAN, STD = [0.4, 0.5, 0.6], [0.2, 0.25, 0.3]


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    torch.manual_seed(0)
    model = get_model("simple_cnn", num_classes=3, widths=(4, 8, 8), hidden=16, input_size=16)
    ckpt = make_checkpoint(model_name="simple_cnn", num_classes=3, class_names=CLASSES,
                           model_state=model.state_dict(),
                           model_options={"widths": (4, 8, 8), "hidden": 16, "input_size": 16},
                           image_size=20, input_size=16, mean=MEAN, std=STD)
    path = tmp_path_factory.mktemp("ckpt") / "best.pt"
    save_checkpoint(ckpt, path)
    return path


@pytest.fixture
def images(tmp_path):
    folder = tmp_path / "photos"
    (folder / "sub").mkdir(parents=True)
    rng = np.random.default_rng(0)
    paths = []
    for i, sub in enumerate(["a.png", "b.jpg", "sub/c.png"]):
        p = folder / sub
        Image.fromarray(rng.integers(0, 255, (24 + i, 30, 3), dtype=np.uint8)).save(p)
        paths.append(p)
    (folder / "notes.txt").write_text("not an image")
    (folder / ".hidden.png").write_bytes(b"")
    bad = tmp_path / "fake.png"
    bad.write_text("this is text with a png name")
    truncated = tmp_path / "truncated.png"
    truncated.write_bytes(paths[0].read_bytes()[:60])
    return folder, paths, bad, truncated


def test_preprocessing_is_the_evaluation_path(checkpoint, images):
    predictor = Predictor.from_checkpoint(checkpoint)
    _, paths, _, _ = images
    assert predictor.class_names == CLASSES and predictor.image_size == 20 and predictor.input_size == 16
    x = predictor.preprocess(paths[0])
    expected = normalize_batch(torch.from_numpy(decode_image(paths[0], 20))[None], MEAN, STD, 16)
    torch.testing.assert_close(x, expected)
    [result] = predictor.predict([paths[0]], topk=3)
    with torch.no_grad():
        probs = torch.softmax(predictor.model.eval()(expected), 1)[0]
    assert isinstance(result, Prediction)
    assert [c.index for c in result.top] == probs.argsort(descending=True).tolist()
    assert result.label == CLASSES[int(probs.argmax())]
    assert result.prob == pytest.approx(float(probs.max()), abs=1e-6)
    assert sum(c.prob for c in result.top) == pytest.approx(1.0, abs=1e-5)


def test_errors_are_per_file_and_batches_agree(checkpoint, images):
    predictor = Predictor.from_checkpoint(checkpoint)
    folder, paths, bad, truncated = images
    inputs = [paths[0], bad, folder / "missing.png", truncated, folder / "notes.txt", paths[1]]
    seen = []
    results = predictor.predict(inputs, topk=2, batch_size=2, progress=lambda d, t: seen.append((d, t)))
    assert [r.path for r in results] == [str(p) for p in inputs]
    kinds = [type(r) for r in results]
    assert kinds == [Prediction, PredictionError, PredictionError, PredictionError, PredictionError, Prediction]
    assert results[1].error.startswith("not an image")
    assert results[2].error == "file not found"
    assert "truncated" in results[3].error or "decode" in results[3].error or "readable" in results[3].error
    assert seen == [(2, 6), (4, 6), (6, 6)]
    one_batch = predictor.predict([paths[0], paths[1]], topk=2, batch_size=32)
    assert one_batch[0].top[0].prob == pytest.approx(results[0].top[0].prob, abs=1e-5)
    assert one_batch[1].label == results[5].label
    with pytest.raises(Cancelled):
        predictor.predict(paths, cancel=lambda: True)


def test_collect_image_paths_expands_folders(images):
    folder, paths, bad, _ = images
    found = collect_image_paths([folder, bad])
    assert found == sorted(str(p) for p in paths) + [str(bad)]


def test_cli_json_contract_and_exit_codes(checkpoint, images, capsys):
    folder, paths, bad, _ = images
    code = cli_main(["predict", "--checkpoint", str(checkpoint), str(folder), str(bad), "--topk", "2", "--json"])
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert code == 1  # one file could not be classified (issue 14: was 0), the count on stderr
    assert "1 of 4 files could not be classified" in captured.err
    assert [item["path"] for item in out] == sorted(str(p) for p in paths) + [str(bad)]
    for item in out[:3]:
        assert set(item) == {"path", "top"} and len(item["top"]) == 2
        assert set(item["top"][0]) == {"label", "prob"} and item["top"][0]["label"] in CLASSES
        assert item["top"][0]["prob"] >= item["top"][1]["prob"]
    assert set(out[3]) == {"path", "error"}
    assert cli_main(["predict", "--checkpoint", str(folder / "none.pt"), str(paths[0])]) == 2
    assert cli_main(["predict", "--checkpoint", str(bad), str(paths[0])]) == 2
    assert cli_main(["predict", str(paths[0])]) == 2  # no model given
    assert cli_main(["predict", "--model", "resnet20", "--pretrained", "imagenet", str(paths[0])]) == 2
    assert cli_main(["predict", "--checkpoint", str(checkpoint), str(paths[0]), "--topk", "0"]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err
    with pytest.raises(CheckpointError):
        Predictor.from_checkpoint(bad)


def test_bundled_imagenet_model_names_a_cat(tmp_path, capsys):
    skimage_data = pytest.importorskip("skimage.data")
    cat = tmp_path / "chelsea.png"
    Image.fromarray(skimage_data.chelsea()).save(cat)
    code = cli_main(["predict", "--model", "efficientnet_lite0", "--pretrained", "imagenet", str(cat),
                     "--topk", "3", "--json"])
    [item] = json.loads(capsys.readouterr().out)
    assert code == 0
    labels = [t["label"] for t in item["top"]]
    assert {"tabby", "tiger cat", "Egyptian cat"} & set(labels[:2])
