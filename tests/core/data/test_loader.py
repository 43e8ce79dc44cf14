"""make_loader: batches, normalisation, seeded shuffle, sharding, augmentation, both paths."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from cnn_studio.core.config import DataConfig
from cnn_studio.core.data.dataset import Split, open_dataset
from cnn_studio.core.data.loader import (
    AugmentSpec, apply_cutout, augment_batch, epoch_batches, make_loader, normalize_batch,
)
from tests.core.datafiles import make_split_dirs

MEAN, STD = (0.5, 0.4, 0.3), (0.2, 0.25, 0.3)


def _split(n=37, size=8) -> Split:
    gen = torch.Generator().manual_seed(0)
    images = torch.randint(0, 256, (n, 3, size, size), dtype=torch.uint8, generator=gen)
    return Split("train", [f"/x/{i}.png" for i in range(n)], torch.arange(n) % 5, images, size)


def test_eval_batches_are_normalised_in_order():
    split = _split()
    loader = make_loader(split, batch_size=16, device="cpu", train=False, mean=MEAN, std=STD)
    batches = list(loader)
    assert len(loader) == len(batches) == 3
    x = torch.cat([b[0] for b in batches])
    y = torch.cat([b[1] for b in batches])
    expected = (split.images.float() / 255 - torch.tensor(MEAN).view(1, 3, 1, 1)) / torch.tensor(STD).view(1, 3, 1, 1)
    assert x.dtype == torch.float32 and torch.allclose(x, expected, atol=1e-5)
    assert torch.equal(y, split.labels)


def test_train_shuffle_seeded_and_epoch_dependent():
    split = _split()
    def order(seed, epoch):
        loader = make_loader(split, batch_size=10, device="cpu", train=True, mean=MEAN, std=STD,
                             augment=AugmentSpec(0, False, 0), seed=seed)
        loader.set_epoch(epoch)
        return torch.cat([y for _, y in loader]), torch.cat([x for x, _ in loader])
    a, xa = order(1, 0)
    b, xb = order(1, 0)
    c, _ = order(1, 1)
    assert torch.equal(a, b) and torch.equal(xa, xb)
    assert not torch.equal(order(1, 0)[1], order(2, 0)[1]) and not torch.equal(xa, order(1, 1)[1])
    assert sorted(a.tolist()) == sorted(split.labels.tolist()) == sorted(c.tolist())


@pytest.mark.parametrize("n,world,bs", [(37, 2, 8), (257, 2, 128), (10, 3, 4), (100, 4, 25)])
def test_shards_cover_every_sample_once_with_equal_batch_counts(n, world, bs):
    per_rank = [epoch_batches(n, bs, shuffle=True, seed=5, epoch=2, rank=r, world_size=world) for r in range(world)]
    counts = {len(b) for b in per_rank}
    assert len(counts) == 1
    every = torch.cat([torch.cat(b) for b in per_rank])
    assert sorted(every.tolist()) == list(range(n))
    assert all(len(batch) <= bs and len(batch) > 0 for b in per_rank for batch in b)
    loader = make_loader(_split(n), batch_size=bs, device="cpu", train=True, mean=MEAN, std=STD, rank=1,
                         world_size=world)
    assert len(loader) == counts.pop()


def test_translate_and_flip_match_a_reference_crop():
    x = torch.randint(0, 256, (64, 3, 6, 6), dtype=torch.uint8)
    out = augment_batch(x, AugmentSpec(translate=2, flip=True), torch.Generator().manual_seed(0))
    padded = F.pad(x, (2, 2, 2, 2))
    flips = 0
    for i in range(64):
        windows = [(padded[i, :, dy:dy + 6, dx:dx + 6], f) for dy in range(5) for dx in range(5) for f in (0, 1)]
        hits = [f for w, f in windows if torch.equal(out[i], w.flip(-1) if f else w)]
        assert hits, f"sample {i} is not a padded crop"
        flips += hits[0]
    assert 10 < flips < 54
    plain = augment_batch(x, AugmentSpec(translate=0, flip=False))
    assert torch.equal(plain, x)


def test_cutout_zeroes_a_square():
    x = torch.ones(8, 3, 16, 16)
    apply_cutout(x, 4, torch.Generator().manual_seed(0))
    zeros = (x[:, 0] == 0).sum(dim=(1, 2))
    assert ((zeros > 0) & (zeros <= 16)).all()
    assert torch.equal(x[:, 0] == 0, x[:, 2] == 0)


def test_input_size_resizes_on_device():
    split = _split(5, 8)
    x, _ = next(iter(make_loader(split, batch_size=5, device="cpu", train=True, mean=MEAN, std=STD, input_size=20)))
    assert x.shape == (5, 3, 20, 20)
    single = normalize_batch(split.images[0], MEAN, STD, 4)
    assert single.shape == (1, 3, 4, 4)


def test_streaming_path_gives_the_same_batches(tmp_path):
    root = make_split_dirs(tmp_path / "ds", classes=("a", "b"), train=6, test=2, size=(12, 12))
    mem = open_dataset(DataConfig(root=str(root), cache_dir=str(tmp_path / "c1"), validation="test"))
    stream = open_dataset(DataConfig(root=str(root), cache_dir=str(tmp_path / "c2"), validation="test"))
    # A tiny set never exceeds a budget of 1 MB, so drop the pixels by hand (test_data_cache covers
    # the budget decision itself).
    for s in stream.splits.values():
        s.images = None
    assert stream.splits["train"].streaming
    for train in (False, True):
        kw = dict(batch_size=5, device="cpu", train=train, mean=MEAN, std=STD, seed=3)
        a = list(make_loader(mem.splits["train"], **kw))
        b = list(make_loader(stream.splits["train"], num_workers=0, **kw))
        assert len(a) == len(b) == 3
        for (xa, ya), (xb, yb) in zip(a, b):
            assert torch.equal(ya, yb) and torch.allclose(xa, xb)
    workers = list(make_loader(stream.splits["test"], batch_size=4, device="cpu", train=False, mean=MEAN,
                               std=STD, num_workers=2))
    assert sum(len(y) for _, y in workers) == 4


def test_streaming_distributed_uses_distributed_sampler(tmp_path):
    root = make_split_dirs(tmp_path / "ds", classes=("a", "b"), train=5, test=1)
    ds = open_dataset(DataConfig(root=str(root)))
    split = ds.splits["train"]
    split.images = None
    seen = []
    for rank in range(2):
        loader = make_loader(split, batch_size=2, device="cpu", train=True, mean=MEAN, std=STD, rank=rank,
                             world_size=2, num_workers=0)
        loader.set_epoch(1)
        ys = [y for _, y in loader]
        assert len(ys) == len(loader) == 3
        seen.append(sum(len(y) for y in ys))
    assert seen == [5, 5]
