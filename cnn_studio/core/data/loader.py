"""Batches for training and evaluation: ``make_loader`` and ``normalize_batch``.

In-memory splits: the ``uint8`` pixels sit on the training device; each batch is an
``index_select`` of a shuffled index, augmented there (one ``gather`` does pad-and-crop translate
and horizontal flip for the whole batch; cutout is one mask), then normalised in one fused op.
No per-sample Python in the loop. Streaming splits decode files in ``DataLoader`` workers with
``decode_image`` and then go through the very same on-device augmentation and normalisation.

Order: a seeded permutation per epoch (``seed`` and ``set_epoch``), identical on every rank;
rank ``r`` of ``w`` takes ``perm[r::w]`` so every sample is seen once per epoch across ranks, and
every rank gets the same number of batches (DDP needs that). Streaming training with
``world_size > 1`` uses torch's ``DistributedSampler`` instead (it pads with a few repeats).
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from typing import Iterator, Sequence

import torch
import torch.nn.functional as F
from torch.utils.data import BatchSampler, DataLoader, Dataset, DistributedSampler

from cnn_studio.core.config import DataConfig
from cnn_studio.core.data.dataset import Split
from cnn_studio.core.data.decode import decode_image


@dataclass(frozen=True)
class AugmentSpec:
    """Training augmentation, all batched on the device (He et al. 2015; DeVries & Taylor 2017)."""

    translate: int = 4  # zero-pad by this much, then crop a random window of the original size
    flip: bool = True  # random horizontal flip with probability 1/2
    cutout: int = 0  # side of a square set to the mean colour (0 in normalised space); 0: off

    @classmethod
    def from_config(cls, cfg: DataConfig) -> "AugmentSpec":
        """Return the augmentation a data config asks for."""
        return cls(translate=cfg.augment_translate, flip=cfg.augment_flip, cutout=cfg.cutout)

    @property
    def active(self) -> bool:
        """True if any augmentation is on."""
        return self.translate > 0 or self.flip or self.cutout > 0


NO_AUGMENT = AugmentSpec(translate=0, flip=False, cutout=0)


def _channel_tensor(values: Sequence[float], device: torch.device) -> torch.Tensor:
    return torch.as_tensor([float(v) for v in values], dtype=torch.float32, device=device).view(1, -1, 1, 1)


def normalize_batch(batch: torch.Tensor, mean: Sequence[float], std: Sequence[float],
                    input_size: int | None = None) -> torch.Tensor:
    """Turn ``uint8 N x 3 x S x S`` pixels into the model's normalised float input.

    ``(x / 255 - mean) / std`` in one fused op, then (if ``input_size`` differs from ``S``) a
    bilinear resize on the device. The evaluation and inference preprocessing.
    """
    if batch.dim() == 3:
        batch = batch.unsqueeze(0)
    dev = batch.device
    std_t = _channel_tensor(std, dev)
    scale = 1.0 / (255.0 * std_t)
    shift = -_channel_tensor(mean, dev) / std_t
    x = torch.addcmul(shift, batch.to(torch.float32), scale)
    if input_size is not None and input_size != x.shape[-1]:
        x = F.interpolate(x, size=(input_size, input_size), mode="bilinear", align_corners=False,
                          antialias=input_size < x.shape[-1])
    return x


def augment_batch(batch: torch.Tensor, spec: AugmentSpec, generator: torch.Generator | None = None) -> torch.Tensor:
    """Random translate (pad and crop) and horizontal flip of a ``uint8 N x C x H x W`` batch.

    One ``gather`` reads every sample's window, columns reversed for flipped samples.
    """
    n, c, h, w = batch.shape
    t = spec.translate
    if n == 0 or (t <= 0 and not spec.flip):
        return batch
    dev = batch.device
    src = F.pad(batch, (t, t, t, t)) if t > 0 else batch
    hp, wp = h + 2 * t, w + 2 * t
    if t > 0:
        dy = torch.randint(0, 2 * t + 1, (n, 1, 1), generator=generator, device=dev)
        dx = torch.randint(0, 2 * t + 1, (n, 1, 1), generator=generator, device=dev)
    else:
        dy = dx = torch.zeros((n, 1, 1), dtype=torch.int64, device=dev)
    cols = torch.arange(w, device=dev).view(1, 1, w)
    if spec.flip:
        flip = torch.rand((n, 1, 1), generator=generator, device=dev) < 0.5
        cols = torch.where(flip, (w - 1) - cols, cols)
    rows = torch.arange(h, device=dev).view(1, h, 1)
    index = ((rows + dy) * wp + (cols + dx)).view(n, 1, h * w).expand(n, c, h * w)
    return torch.gather(src.reshape(n, c, hp * wp), 2, index).view(n, c, h, w)


def apply_cutout(x: torch.Tensor, size: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """Zero a ``size`` x ``size`` square per sample (centre anywhere; may be clipped), in place."""
    if size <= 0 or x.shape[0] == 0:
        return x
    n, _, h, w = x.shape
    dev = x.device
    cy = torch.randint(0, h, (n, 1, 1), generator=generator, device=dev)
    cx = torch.randint(0, w, (n, 1, 1), generator=generator, device=dev)
    ys = torch.arange(h, device=dev).view(1, h, 1)
    xs = torch.arange(w, device=dev).view(1, 1, w)
    lo = size // 2
    mask = (ys >= cy - lo) & (ys < cy - lo + size) & (xs >= cx - lo) & (xs < cx - lo + size)
    return x.masked_fill_(mask.unsqueeze(1), 0.0)


def _num_batches(n: int, batch_size: int, world_size: int) -> int:
    return math.ceil(math.ceil(n / world_size) / batch_size) if n else 0


def epoch_batches(n: int, batch_size: int, *, shuffle: bool, seed: int, epoch: int, rank: int = 0,
                  world_size: int = 1) -> list[torch.Tensor]:
    """Return this rank's batches of sample indices for one epoch (CPU int64 tensors).

    The permutation depends only on ``seed`` and ``epoch`` (the same on every rank); rank ``r``
    takes ``perm[r::world_size]``; all ranks get ``ceil(ceil(n / w) / batch_size)`` batches.
    """
    if shuffle:
        gen = torch.Generator().manual_seed(int(seed) * 1_000_003 + int(epoch))
        order = torch.randperm(n, generator=gen)
    else:
        order = torch.arange(n)
    shard = order[rank::world_size]
    count = _num_batches(n, batch_size, world_size)
    if count == 0:
        return []
    if math.ceil(len(shard) / batch_size) == count:
        return list(shard.split(batch_size))
    return list(torch.tensor_split(shard, count))


class _FileDataset(Dataset):
    """Streaming samples: ``(uint8 3 x S x S, label)`` decoded on the fly by ``decode_image``."""

    def __init__(self, paths: list[str], labels: list[int], size: int):
        self.paths, self.labels, self.size = paths, labels, size

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        return torch.from_numpy(decode_image(self.paths[i], self.size)), self.labels[i]


class _PlannedBatches:
    """A batch sampler that replays ``epoch_batches`` (streaming with one process)."""

    def __init__(self, loader: "BatchLoader"):
        self.loader = loader

    def __iter__(self) -> Iterator[list[int]]:
        for b in self.loader._plan():
            yield b.tolist()

    def __len__(self) -> int:
        return len(self.loader)


class BatchLoader:
    """Yields ``(x, y)``: normalised ``float32 N x 3 x I x I`` and ``int64 N``, on ``device``."""

    def __init__(self, split: Split, *, batch_size: int, device: torch.device | str, train: bool,
                 mean: Sequence[float], std: Sequence[float], input_size: int | None = None,
                 augment: AugmentSpec | None = None, seed: int = 0, rank: int = 0, world_size: int = 1,
                 num_workers: int = 2):
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        if not 0 <= rank < world_size:
            raise ValueError("rank must be in [0, world_size)")
        self.split = split
        self.batch_size = batch_size
        self.device = torch.device(device)
        self.train = train
        self.mean, self.std = tuple(mean), tuple(std)
        self.input_size = input_size
        self.augment = (augment if augment is not None else AugmentSpec()) if train else NO_AUGMENT
        self.seed, self.rank, self.world_size = seed, rank, world_size
        self.num_workers = num_workers
        self.epoch = 0
        self._sampler: DistributedSampler | None = None

    @property
    def streaming(self) -> bool:
        """True when batches are decoded from files in worker processes."""
        return self.split.streaming

    @property
    def num_samples(self) -> int:
        """Samples in the split (all ranks together)."""
        return len(self.split)

    def set_epoch(self, epoch: int) -> None:
        """Choose the epoch: reseeds the shuffle and the augmentation (same order on every rank)."""
        self.epoch = int(epoch)

    def __len__(self) -> int:
        if self._use_distributed_sampler():
            return math.ceil(math.ceil(len(self.split) / self.world_size) / self.batch_size)
        return _num_batches(len(self.split), self.batch_size, self.world_size)

    def _plan(self) -> list[torch.Tensor]:
        return epoch_batches(len(self.split), self.batch_size, shuffle=self.train, seed=self.seed,
                             epoch=self.epoch, rank=self.rank, world_size=self.world_size)

    def _use_distributed_sampler(self) -> bool:
        return self.streaming and self.train and self.world_size > 1

    def _generator(self) -> torch.Generator:
        gen = torch.Generator(device=self.device)
        gen.manual_seed((int(self.seed) * 1_000_003 + self.epoch) * 131 + 17 + self.rank)
        return gen

    def _finish(self, xb: torch.Tensor, yb: torch.Tensor, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        if self.augment.active:
            xb = augment_batch(xb, self.augment, gen)
        x = normalize_batch(xb, self.mean, self.std, self.input_size)
        if self.augment.cutout > 0:
            apply_cutout(x, round(self.augment.cutout * x.shape[-1] / xb.shape[-1]), gen)
        return x, yb

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        gen = self._generator()
        if not self.streaming:
            images = self.split.images_on(self.device)
            labels = self.split.labels.to(self.device)
            for idx in self._plan():
                with _batch_threads(self.device):
                    idx = idx.to(self.device, non_blocking=True)
                    batch = self._finish(images.index_select(0, idx), labels.index_select(0, idx), gen)
                yield batch
            return
        yield from self._iter_streaming(gen)

    def _iter_streaming(self, gen: torch.Generator) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        dataset = _FileDataset(self.split.paths, self.split.labels.tolist(), self.split.image_size)
        if self._use_distributed_sampler():
            sampler = DistributedSampler(dataset, num_replicas=self.world_size, rank=self.rank,
                                         shuffle=True, seed=self.seed, drop_last=False)
            sampler.set_epoch(self.epoch)
            batch_sampler = BatchSampler(sampler, self.batch_size, drop_last=False)
        else:
            batch_sampler = _PlannedBatches(self)
        pin = self.device.type == "cuda"
        loader = DataLoader(dataset, batch_sampler=batch_sampler, num_workers=self.num_workers,
                            pin_memory=pin, persistent_workers=False)
        for xb, yb in loader:
            with _batch_threads(self.device):
                batch = self._finish(xb.to(self.device, non_blocking=pin), yb.to(self.device, non_blocking=pin), gen)
            yield batch


@contextlib.contextmanager
def _batch_threads(device: torch.device) -> Iterator[None]:
    """Make a CPU batch on one thread: these ops are too small to gain from intra-op threads, and
    on a busy machine waiting for a descheduled worker thread made them ~10x slower (measured)."""
    if device.type != "cpu":
        yield
        return
    threads = torch.get_num_threads()
    if threads > 1:
        torch.set_num_threads(1)
    try:
        yield
    finally:
        if threads > 1:
            torch.set_num_threads(threads)


def make_loader(split: Split, *, batch_size: int, device: torch.device | str, train: bool,
                mean: Sequence[float], std: Sequence[float], input_size: int | None = None,
                augment: AugmentSpec | None = None, seed: int = 0, rank: int = 0, world_size: int = 1,
                num_workers: int = 2) -> BatchLoader:
    """Return a ``BatchLoader`` over a split (in-memory or streaming: same semantics).

    Args:
        split: A split of ``open_dataset``'s result.
        batch_size: Samples per batch on this rank.
        device: Where batches are made (the training device).
        train: Shuffle and augment; False: fixed order, no augmentation.
        mean, std: Per-channel normalisation (0..1 units): the dataset's or the pretrained model's.
        input_size: Model input size; batches are resized on the device when it differs.
        augment: Training augmentation (default: translate 4 and flip).
        seed: Seeds the shuffle and the augmentation (with the epoch).
        rank, world_size: Distributed sharding of each epoch's permutation.
        num_workers: Decoder workers of the streaming path.
    """
    return BatchLoader(split, batch_size=batch_size, device=device, train=train, mean=mean, std=std,
                       input_size=input_size, augment=augment, seed=seed, rank=rank, world_size=world_size,
                       num_workers=num_workers)
