"""The hyperparameter form (widgets/train_form.py)."""

from __future__ import annotations


def test_momentum_only_for_sgd(qtbot, window):
    form = window.train_view.form
    form.optimizer.setCurrentText("adam")
    assert not form.momentum.isEnabled() and "SGD" in form.momentum.toolTip()
    form.optimizer.setCurrentText("sgd")
    assert form.momentum.isEnabled()
