"""Synthetic run outcomes and tiny queues for the lab tests (not a test module)."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from cnn_studio.core.config import DataConfig, ModelConfig, OptimConfig, TrainConfig
from cnn_studio.core.lab.recipe import DataFacts, RunOutcome, RunSpec


def facts(root: str = "/data", image_size: int = 32, train: int = 5000, test: int = 1000, classes: int = 10) -> DataFacts:
    """DataFacts of an imaginary dataset."""
    return DataFacts(data=DataConfig(root=root, validation="test"), train_images=train, test_images=test,
                     image_size=image_size, num_classes=classes)


def outcome(spec: RunSpec, train_errors: Sequence[float], test_errors: Sequence[float] | None = None,
            status: str = "completed", seconds_per_epoch: float = 10.0, message: str = "") -> RunOutcome:
    """A finished run with the given error curves (in %)."""
    test_errors = test_errors if test_errors is not None else [e + 5 for e in train_errors]
    history = tuple({"epoch": i + 1, "train_loss": 1.0 / (i + 1), "train_accuracy": 1 - tr / 100,
                     "heldout_name": "test", "heldout_loss": 1.2 / (i + 1), "heldout_accuracy": 1 - te / 100,
                     "lr": 0.1, "seconds": seconds_per_epoch}
                    for i, (tr, te) in enumerate(zip(train_errors, test_errors)))
    return RunOutcome(spec, status, f"/runs/{spec.name}", history, message,
                      seconds_per_epoch * len(history), None)


def tiny_spec(name: str, data_root: Path, epochs: int = 2, lr: float = 3e-3) -> RunSpec:
    """A seconds-long run of a narrow simple CNN on 16 px images."""
    cfg = TrainConfig(
        data=DataConfig(root=str(data_root), image_size=16, num_workers=0, validation="test"),
        model=ModelConfig(name="simple_cnn", options={"widths": (4, 8, 8), "hidden": 16, "dropout": 0.0,
                                                      "input_size": 16}),
        optim=OptimConfig(optimizer="adam", lr=lr, weight_decay=0.0, schedule="cosine"),
        epochs=epochs, batch_size=16, seed=1, device="cpu")
    return RunSpec(name, name.upper(), cfg, group="tiny")
