"""Cached-feature training (issue 15): boundaries, fallbacks, the loader, the store and its key."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch
from torch import nn

from cnn_studio.core.config import DataConfig, FreezeConfig, ModelConfig, TrainConfig
from cnn_studio.core.data.dataset import open_dataset
from cnn_studio.core.data.loader import AugmentSpec, make_loader
from cnn_studio.core.models.cifar_resnet import CifarResNet
from cnn_studio.core.training.feature_chain import ChainSuffix, chain_steps, plan_boundary, run_prefix, run_steps
from cnn_studio.core.training.feature_loader import FeatureLoader
from cnn_studio.core.training.features import CacheRequest, enable_cached_features
from cnn_studio.core.training.setup import prepare_model
from tests.core.training_fixtures import make_color_dataset

CPU = torch.device("cpu")


def _prepared(name: str, preset: str = "feature-extraction", trainable_from: str | None = None,
              bn_policy: str = "freeze", options: dict | None = None, num_classes: int = 3):
    cfg = TrainConfig(model=ModelConfig(name=name, options=options or {}),
                      freeze=FreezeConfig(preset=preset, trainable_from=trainable_from, bn_policy=bn_policy),
                      device="cpu")
    torch.manual_seed(0)
    prepared = prepare_model(cfg, num_classes, CPU, resuming=False)
    prepared.train_mode()
    return prepared


@pytest.mark.parametrize("name", ["resnet20", "simple_cnn", "vgg11_bn_cifar", "efficientnet_lite0"])
def test_zoo_models_are_verified_chains(name):
    model = _prepared(name, preset="full").model.eval()
    steps = chain_steps(model)
    assert steps is not None
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        assert torch.allclose(run_steps(steps, x.clone()), model(x.clone()), atol=1e-5)


def test_feature_extraction_on_efficientnet_lite0_cuts_before_the_head_dropout():
    plan = plan_boundary(_prepared("efficientnet_lite0").model, 64, CPU)
    assert plan.usable
    assert plan.boundary == "_dropout"  # the pooled 1280 features are cached, dropout stays random
    assert [s.path for s in plan.suffix] == ["_dropout", "_fc"]
    assert "dropout '_dropout'" in plan.reason
    assert any("Stochastic depth" in n for n in plan.notes)


def test_from_layer_inside_a_residual_block_cuts_at_the_block_boundary():
    plan = plan_boundary(_prepared("resnet20", "from-layer", "layer3.0.conv2").model, 32, CPU)
    assert plan.usable
    assert plan.boundary == "layer3.0"  # the block's forward is not a chain: the cut is before it
    assert plan.prefix[-1].path == "layer2.2"
    assert "layer3.0.conv2.weight" in plan.reason
    assert not plan.notes


def test_training_batchnorm_statistics_in_frozen_layers_fall_back():
    plan = plan_boundary(_prepared("resnet20", "from-layer", "layer3", bn_policy="train").model, 32, CPU)
    assert not plan.usable
    assert "holds BatchNorm 'bn1', which updates its statistics" in plan.reason
    assert "too little" in plan.reason


def test_unknown_model_class_falls_back():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Conv2d(3, 4, 3)
            self.fc = nn.Linear(4, 2)

        def forward(self, x):
            return self.fc(x.mean((2, 3)))

    plan = plan_boundary(Net(), 16, CPU)
    assert not plan.usable and "not a known chain" in plan.reason


def test_a_forward_that_differs_from_the_chain_falls_back():
    class Skipping(CifarResNet):  # same class name as the zoo's, different forward
        def forward(self, x):
            return super().forward(x) * 2.0

    Skipping.__name__ = "CifarResNet"
    model = Skipping((1, 1, 1), (4, 8, 8), num_classes=3)
    for p in model.parameters():
        p.requires_grad_(False)
    model.fc.weight.requires_grad_(True)
    model.eval()
    plan = plan_boundary(model, 16, CPU)
    assert not plan.usable and "could not be verified" in plan.reason


def test_suffix_on_prefix_features_equals_the_full_model_in_training():
    prepared = _prepared("resnet20", "from-layer", "layer2.1")
    plan = plan_boundary(prepared.model, 32, CPU)
    suffix = ChainSuffix(plan.suffix)
    x = torch.randn(4, 3, 32, 32)
    torch.manual_seed(3)
    full = prepared.model(x)
    torch.manual_seed(3)
    cached = suffix(run_prefix(plan.prefix, x))
    assert torch.allclose(full, cached, atol=1e-5)
    assert {id(p) for p in suffix.parameters()} >= {id(p) for p in prepared.model.parameters() if p.requires_grad}


@pytest.fixture()
def color_data(tmp_path):
    root = make_color_dataset(tmp_path / "colors", {"train": 10, "val": 4, "test": 4}, size=16)
    return open_dataset(DataConfig(root=str(root), image_size=16, cache_dir=str(tmp_path / "cache")),
                        workers=0, in_process_below=10_000)


def test_feature_loader_matches_batch_loader_order_and_flips(color_data):
    split = color_data.splits["train"]
    spec = AugmentSpec(translate=0, flip=True, cutout=0)
    images = make_loader(split, batch_size=8, device=CPU, train=True, mean=(0, 0, 0), std=(1, 1, 1),
                         augment=spec, seed=5)
    plain = make_loader(split, batch_size=8, device=CPU, train=False, mean=(0, 0, 0), std=(1, 1, 1))
    x_all = torch.cat([x for x, _ in plain])
    views = torch.stack([x_all, x_all.flip(-1)]).numpy()
    for mapped in (False, True):
        feats = views
        if mapped:
            path = color_data.cache_path + ".views.npy"
            np.save(path, views)
            feats = np.load(path, mmap_mode="r")
        loader = FeatureLoader(feats, split.labels, batch_size=8, device=CPU, train=True, flip=True, seed=5)
        assert len(loader) == len(images) and loader.streaming is mapped
        for epoch in (0, 1):
            images.set_epoch(epoch)
            loader.set_epoch(epoch)
            for (xa, ya), (xb, yb) in zip(images, loader, strict=True):
                assert torch.equal(ya, yb)
                assert torch.allclose(xa, xb)


def _request(dataset, prepared, cfg: TrainConfig, **changes) -> CacheRequest:
    request = CacheRequest(cfg=cfg, dataset=dataset, prepared=prepared, device=CPU, mean=(0.5, 0.5, 0.5),
                           std=(0.25, 0.25, 0.25), input_size=16, heldout_name="val")
    return dataclasses.replace(request, **changes)


def _simple_cfg(tmp_path, **data) -> TrainConfig:
    return TrainConfig(
        data=DataConfig(root="x", image_size=16, num_workers=0, cache_dir=str(tmp_path / "cache"), **data),
        model=ModelConfig(name="simple_cnn", options={"widths": (4, 8, 8), "hidden": 16, "dropout": 0.0,
                                                      "input_size": 16}),
        freeze=FreezeConfig(preset="feature-extraction"), batch_size=8, device="cpu")


def _prepare(cfg: TrainConfig, seed: int = 0):
    torch.manual_seed(seed)
    return prepare_model(cfg, 3, CPU, resuming=False)


def test_store_is_reused_and_invalidated_by_dataset_weights_and_boundary(color_data, tmp_path):
    cfg = _simple_cfg(tmp_path)
    events: list = []
    prepared = _prepare(cfg)
    first = enable_cached_features(_request(color_data, prepared, cfg), events.append)
    assert first is not None and not first.store.reused
    # computed channels-last on the CPU, then the weights are put back as the settings have them
    assert all(p.is_contiguous() for p in prepared.model.parameters())
    assert [e.stage for e in events][-1] == "ready" and events[0].stage == "computing"
    assert set(first.loaders) == {"val", "test"} and first.store.arrays["train"].shape[0] == 2  # with mirror
    again = enable_cached_features(_request(color_data, _prepare(cfg), cfg), events.append)
    assert again.store.reused and events[-1].stage == "reused"
    for view, arr in first.store.arrays.items():
        np.testing.assert_array_equal(arr, again.store.arrays[view])
    # Other head weights do not matter: only the frozen prefix is hashed.
    prepared = _prepare(cfg)
    torch.manual_seed(7)
    prepared.model.classifier[4].reset_parameters()
    assert enable_cached_features(_request(color_data, prepared, cfg), events.append).store.reused
    # Weights changed: one frozen weight moves.
    prepared = _prepare(cfg)
    with torch.no_grad():
        prepared.model.block1.conv.weight.add_(0.01)
    assert enable_cached_features(_request(color_data, prepared, cfg), events.append).store.reused is False
    # Boundary changed: train from the classifier's first linear layer.
    moved = dataclasses.replace(cfg, freeze=FreezeConfig(preset="from-layer", trainable_from="classifier.1"))
    cached = enable_cached_features(_request(color_data, _prepare(moved), moved), events.append)
    assert cached.plan.boundary == "classifier.1" and cached.store.reused is False
    # Dataset changed: one training image fewer.
    train = color_data.splits["train"]
    smaller = dataclasses.replace(train, paths=train.paths[1:], labels=train.labels[1:], images=train.images[1:])
    changed = dataclasses.replace(color_data, splits={**color_data.splits, "train": smaller})
    result = enable_cached_features(_request(changed, _prepare(cfg), cfg), events.append)
    assert result.store.reused is False and result.store.arrays["train"].shape[1] == len(train.paths) - 1


def test_damaged_store_is_recomputed(color_data, tmp_path):
    cfg = _simple_cfg(tmp_path)
    first = enable_cached_features(_request(color_data, _prepare(cfg), cfg), lambda e: None)
    (first.store.folder / "train.npy").write_bytes(b"garbage")
    second = enable_cached_features(_request(color_data, _prepare(cfg), cfg), lambda e: None)
    assert not second.store.reused
    np.testing.assert_array_equal(second.store.arrays["val"], first.store.arrays["val"])


def test_over_budget_features_are_memory_mapped(color_data, tmp_path):
    cfg = _simple_cfg(tmp_path)
    cfg = dataclasses.replace(cfg, data=dataclasses.replace(cfg.data, memory_budget_mb=1))
    prepared = _prepare(cfg)
    from cnn_studio.core.training import features

    plan_small = features.choose_dtype(10, 1 << 20)
    assert plan_small == ("float32", True)
    assert features.choose_dtype(1 << 20, 1 << 20) == ("float16", False)
    events: list = []
    request = _request(color_data, prepared, cfg)
    cached = enable_cached_features(request, events.append)
    assert cached is not None  # 1 MB still holds these tiny features: in memory, fp32
    assert not cached.store.mapped and cached.store.arrays["train"].dtype == np.float32
    tiny = features.choose_dtype
    try:
        features.choose_dtype = lambda elements, budget: ("float16", False)
        mapped = enable_cached_features(request, events.append)
    finally:
        features.choose_dtype = tiny
    assert mapped.store.mapped and isinstance(mapped.store.arrays["train"], np.memmap)
    assert "memory-mapped" in events[-1].message and events[-1].mapped
    x, y = next(iter(mapped.train_loader))
    assert x.dtype == torch.float32 and x.shape[0] == 8 and y.dtype == torch.int64


def test_off_when_disabled_compiled_or_nothing_frozen(color_data, tmp_path):
    cfg = _simple_cfg(tmp_path)
    events: list = []
    assert enable_cached_features(_request(color_data, _prepare(cfg), cfg.replace(feature_cache=False)),
                                  events.append) is None
    assert events[-1].stage == "off" and "off in the settings" in events[-1].message
    assert enable_cached_features(_request(color_data, _prepare(cfg), cfg, distributed=True), events.append) is None
    assert "distributed" in events[-1].message
    full = cfg.replace(freeze=FreezeConfig(preset="full"))
    count = len(events)
    assert enable_cached_features(_request(color_data, _prepare(full), full), events.append) is None
    assert len(events) == count  # nothing frozen: nothing to say


def test_augmentation_notes_say_what_is_off(color_data, tmp_path):
    cfg = _simple_cfg(tmp_path, augment_translate=4, cutout=4)
    events: list = []
    enable_cached_features(_request(color_data, _prepare(cfg), cfg), events.append)
    assert "Random translation and cutout is off" in events[-1].message
    assert "mirrored" in events[-1].message
