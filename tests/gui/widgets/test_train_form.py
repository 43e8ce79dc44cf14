"""The hyperparameter form (widgets/train_form.py)."""

from __future__ import annotations


def test_momentum_only_for_sgd(qtbot, window):
    form = window.train_view.form
    form.optimizer.setCurrentText("adam")
    assert not form.momentum.isEnabled() and "SGD" in form.momentum.toolTip()
    form.optimizer.setCurrentText("sgd")
    assert form.momentum.isEnabled()


def test_feature_cache_checkbox_reaches_the_config_and_follows_a_loaded_one(qtbot, window):
    from dataclasses import replace

    from cnn_studio.core.config import TrainConfig

    form = window.train_view.form
    assert form.feature_cache.isChecked()  # TrainConfig's default: on
    base = TrainConfig()
    assert form.apply_to(base).feature_cache is True
    form.feature_cache.setChecked(False)
    assert form.apply_to(base).feature_cache is False
    form.load_from(replace(base, feature_cache=True))
    assert form.feature_cache.isChecked()
    assert "random shift and cutout are off" in form.feature_cache.toolTip()
