"""Batches of cached features with the data engine's batch semantics.

:class:`FeatureLoader` is a drop-in for ``BatchLoader`` on cached features: the same per-epoch
permutation (``epoch_batches`` with the run's seed), the same sharding, the same number of
batches, labels as ``int64`` on the device, features as ``float32`` on the device. Training with
horizontal flips picks, per sample and epoch, the stored mirror view with probability 1/2, drawn
from a generator seeded exactly like ``BatchLoader``'s augmentation generator, so with translate
and cutout off a cached run sees the very flips the uncached run would.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np
import torch

from cnn_studio.core.data.loader import epoch_batches


class FeatureLoader:
    """Yields ``(features float32 N x ..., labels int64 N)`` on ``device``.

    Args:
        features: ``V x N x ...`` (numpy, possibly memory-mapped, or a tensor); view 1 is the mirror.
        labels: ``int64 N``.
        flip: pick the mirror view at random (training with horizontal flips; needs ``V == 2``).
    """

    def __init__(self, features: np.ndarray | torch.Tensor, labels: torch.Tensor, *, batch_size: int,
                 device: torch.device | str, train: bool, flip: bool = False, seed: int = 0, rank: int = 0,
                 world_size: int = 1) -> None:
        if flip and features.shape[0] < 2:
            raise ValueError("flipped training needs the mirror view of the features")
        self.device = torch.device(device)
        self.mapped = isinstance(features, np.ndarray)
        if self.mapped and not isinstance(features, np.memmap):
            features = torch.from_numpy(np.ascontiguousarray(features))
            self.mapped = False
        if not self.mapped:
            features = features.to(self.device)  # type: ignore[union-attr]
        self.features = features
        self.labels = labels.to(self.device)
        self.batch_size = batch_size
        self.train = train
        self.flip = flip and train
        self.seed, self.rank, self.world_size = seed, rank, world_size
        self.epoch = 0

    @property
    def num_samples(self) -> int:
        """Samples in the split (all ranks together)."""
        return int(self.labels.shape[0])

    @property
    def streaming(self) -> bool:
        """True when the features are read from a memory-mapped file."""
        return self.mapped

    def set_epoch(self, epoch: int) -> None:
        """Choose the epoch: reseeds the shuffle and the flips."""
        self.epoch = int(epoch)

    def _plan(self) -> list[torch.Tensor]:
        return epoch_batches(self.num_samples, self.batch_size, shuffle=self.train, seed=self.seed,
                             epoch=self.epoch, rank=self.rank, world_size=self.world_size)

    def __len__(self) -> int:
        return len(epoch_batches(self.num_samples, self.batch_size, shuffle=False, seed=0, epoch=0,
                                 rank=self.rank, world_size=self.world_size))

    def _generator(self) -> torch.Generator:
        # Same seeding as BatchLoader._generator: the flips match the uncached path's draws.
        gen = torch.Generator(device=self.device)
        gen.manual_seed((int(self.seed) * 1_000_003 + self.epoch) * 131 + 17 + self.rank)
        return gen

    def _rows(self, view: torch.Tensor | int, idx: torch.Tensor) -> torch.Tensor:
        if not self.mapped:
            if isinstance(view, int):
                return self.features[view].index_select(0, idx).float()
            return self.features[view, idx].float()
        idx_np = idx.cpu().numpy()
        view_np = view if isinstance(view, int) else view.cpu().numpy()
        rows = np.asarray(self.features[view_np, idx_np], dtype=np.float32)
        return torch.from_numpy(rows).to(self.device, non_blocking=False)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        gen = self._generator()
        for idx in self._plan():
            idx = idx.to(self.device)
            view: torch.Tensor | int = 0
            if self.flip:
                # augment_batch draws exactly this for translate 0: rand((n, 1, 1)) < 0.5
                view = (torch.rand((idx.shape[0], 1, 1), generator=gen, device=self.device) < 0.5).view(-1).long()
            yield self._rows(view, idx), self.labels.index_select(0, idx)
