"""The one validation carve-out (core/data/splits.py)."""

from __future__ import annotations

from collections import Counter

from cnn_studio.core.data.splits import carve_validation


def test_carve_validation_is_one_function_and_keeps_a_training_image():
    items = [(f"a{i}", 0) for i in range(3)] + [("b0", 1)]
    train_part, val = carve_validation(items, ["a", "b"], 0.5, split_seed=0)
    assert Counter(y for _, y in val) == {0: 2} and Counter(y for _, y in train_part) == {0: 1, 1: 1}
    assert carve_validation(items, ["a", "b"], 0.0)[1] == []
