"""Pretrained weights: bundled EfficientNet-Lite0 on real photos, user checkpoints and files, cache."""

from __future__ import annotations

import urllib.error
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from cnn_studio.core.checkpoint import make_checkpoint, save_checkpoint
from cnn_studio.core.config import ModelConfig
from cnn_studio.core.errors import ModelError
from cnn_studio.core.models import get_model, imagenet_categories, lite0_weights_path
from cnn_studio.core.models.efficientnet_lite import efficientnet_lite0
from cnn_studio.core.models.layers import layer_tree
from cnn_studio.core.models.weights import (
    build_model, build_model_from_checkpoint, download_weights, load_imagenet_model, weights_cached,
)


def _imagenet_batch(images) -> torch.Tensor:
    """Resize the shorter side to 224, centre-crop 224, scale to [-1, 1] (Lite0's normalisation)."""
    out = []
    for img in images:
        x = torch.from_numpy(img).permute(2, 0, 1).float()[None] / 255
        h, w = x.shape[-2:]
        s = 224 / min(h, w)
        x = F.interpolate(x, size=(max(224, round(h * s)), max(224, round(w * s))), mode="bilinear",
                          antialias=True, align_corners=False)
        h, w = x.shape[-2:]
        top, left = (h - 224) // 2, (w - 224) // 2
        out.append((x[..., top:top + 224, left:left + 224] - 0.5) / 0.5)
    return torch.cat(out)


def test_lite0_file_loads_strictly_and_classifies_real_photos():
    skimage_data = pytest.importorskip("skimage.data")
    state = torch.load(lite0_weights_path(), map_location="cpu", weights_only=True)
    assert len(state) == 296
    model = efficientnet_lite0(num_classes=1000)
    model.load_state_dict(state, strict=True)  # raises on any missing/extra/misshaped key
    assert sum(p.numel() for p in model.parameters()) == 4_652_008
    model = load_imagenet_model("efficientnet_lite0")
    categories = imagenet_categories()
    assert len(categories) == 1000
    with torch.no_grad():
        probs = model(_imagenet_batch([skimage_data.chelsea(), skimage_data.coffee()])).softmax(1)
    cat, coffee = (categories[i] for i in probs.argmax(1).tolist())
    assert cat in {"tabby", "tiger cat", "Egyptian cat"}, cat
    assert coffee in {"espresso", "cup", "coffee mug"}, coffee
    assert float(probs[1].max()) > 0.5


def test_imagenet_pretrained_lite0_gets_a_new_named_head():
    model = build_model(ModelConfig(name="efficientnet_lite0", pretrained="imagenet"), 5)
    reference = torch.load(lite0_weights_path(), map_location="cpu", weights_only=True)
    assert model._fc.out_features == 5
    assert torch.equal(model._blocks[3]._depthwise_conv.weight, reference["_blocks.3._depthwise_conv.weight"])
    assert weights_cached("efficientnet_lite0")


def _train_a_little(model) -> None:
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    model.train()
    for _ in range(2):
        opt.zero_grad()
        model(torch.randn(4, 3, 32, 32)).sum().backward()
        opt.step()


def test_a_user_checkpoint_works_as_a_backbone(tmp_path: Path):
    torch.manual_seed(0)
    earlier = get_model("resnet20", num_classes=10, shortcut="B")
    _train_a_little(earlier)
    ckpt = make_checkpoint(model_name="resnet20", num_classes=10, class_names=[f"c{i}" for i in range(10)],
                           model_state=earlier.state_dict(), model_options={"shortcut": "B"},
                           image_size=32, input_size=32, mean=[0.5] * 3, std=[0.25] * 3)
    path = save_checkpoint(ckpt, tmp_path / "best.pt")
    model = build_model(ModelConfig(name="resnet20", pretrained=str(path)), 3)
    assert model.fc.out_features == 3
    new_state, old_state = model.state_dict(), earlier.state_dict()
    for key, value in old_state.items():
        if not key.startswith("fc."):
            assert torch.equal(new_state[key], value), key
    # The backbone computes exactly what it computed before.
    x = torch.randn(2, 3, 32, 32)
    earlier.eval(), model.eval()
    features = lambda m: m.avgpool(m.layer3(m.layer2(m.layer1(m.relu(m.bn1(m.conv1(x)))))))  # noqa: E731
    assert torch.allclose(features(model), features(earlier))
    # The exact model of the checkpoint comes back too.
    exact = build_model_from_checkpoint(torch.load(path, weights_only=True)).eval()
    assert torch.equal(exact(x), earlier(x))
    with pytest.raises(ModelError, match="checkpoint of 'resnet20'"):
        build_model(ModelConfig(name="resnet32", pretrained=str(path)), 3)


def test_plain_weights_files_must_fit(tmp_path: Path):
    source = get_model("resnet20", num_classes=10)
    torch.save({"state_dict": {f"module.{k}": v for k, v in source.state_dict().items()}}, tmp_path / "w.pth")
    model = build_model(ModelConfig(name="resnet20", pretrained=str(tmp_path / "w.pth")), 2)
    assert torch.equal(model.layer3[2].conv2.weight, source.layer3[2].conv2.weight)
    torch.save(get_model("resnet32", num_classes=10).state_dict(), tmp_path / "deeper.pth")
    with pytest.raises(ModelError, match="does not fit"):
        build_model(ModelConfig(name="resnet20", pretrained=str(tmp_path / "deeper.pth")), 2)
    (tmp_path / "junk.pt").write_bytes(b"not a torch file")
    with pytest.raises(ModelError, match="could not be read"):
        build_model(ModelConfig(name="resnet20", pretrained=str(tmp_path / "junk.pt")), 2)
    with pytest.raises(ModelError, match="no ImageNet weights"):
        build_model(ModelConfig(name="resnet20", pretrained="imagenet"), 2)


def test_hub_cache_check_and_clear_offline_error(monkeypatch, tmp_path: Path):
    # conftest points TORCH_HOME at an empty folder: nothing is cached.
    assert not weights_cached("resnet18")

    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr("urllib.request.urlopen", offline)
    with pytest.raises(ModelError, match="check the internet connection"):
        build_model(ModelConfig(name="resnet18", pretrained="imagenet"), 3)
    with pytest.raises(ModelError, match="check the internet connection"):
        download_weights("mobilenet_v3_small")
    hub = Path(torch.hub.get_dir()) / "checkpoints"
    assert not list(hub.glob("*.part")) if hub.exists() else True
    # A file with the torchvision name in the hub cache counts as cached.
    import torchvision

    url = torchvision.models.ResNet18_Weights.DEFAULT.url
    hub.mkdir(parents=True, exist_ok=True)
    (hub / url.rsplit("/", 1)[1]).write_bytes(b"x")
    assert weights_cached("resnet18")


def test_layer_tree_shapes_counts_and_too_small_input():
    model = get_model("simple_cnn", num_classes=10)
    tree = layer_tree(model, 32)
    assert tree.total_params == sum(p.numel() for p in model.parameters())
    assert tree.find("block1.conv").output_shape == (1, 32, 32, 32)
    assert tree.find("block3").output_shape == (1, 128, 4, 4)
    assert tree.find("classifier.4").output_shape == (1, 10)
    assert tree.find("block1.conv").own_params == 3 * 32 * 9
    assert model.training  # the dry pass restores the mode
    with pytest.raises(ModelError, match="at least 32x32"):
        layer_tree(get_model("mobilenet_v3_small", num_classes=10), 16)
