"""The Train view's live curves (widgets/train_curves.py)."""

from __future__ import annotations

import pytest

from cnn_studio.gui.widgets.train_curves import SMOOTHING, TrainCurves


def test_step_loss_smoothing_fades_per_tenth_of_an_epoch_not_per_point(qtbot):
    curves = TrainCurves()
    qtbot.addWidget(curves)
    # dense points (a tenth of an epoch apart or closer): the usual exponential smoothing
    for x, loss in ((0.05, 2.0), (0.1, 1.0)):
        curves.add_step(x, loss, 0.1, 100.0)
    y = curves.series["step_loss"].y
    assert y[-1] == pytest.approx(SMOOTHING * 2.0 + (1 - SMOOTHING) * 1.0)
    # a fast run on cached features gives one point per epoch: the curve follows the loss
    curves.clear()
    for epoch, loss in enumerate((1.0, 0.05, 0.02, 0.015, 0.014), start=1):
        curves.add_step(float(epoch), loss, 1e-3, 25000.0)
    y = curves.series["step_loss"].y
    assert y[0] == 1.0 and y[-1] < 0.02  # the old smoothing left it near 0.4


def test_the_lr_legend_appears_with_the_first_parameter_group(qtbot):
    curves = TrainCurves()
    qtbot.addWidget(curves)
    legend = curves.lr_plot.plotItem.legend
    assert not legend.isVisible()  # no empty box before a run
    curves.add_step(0.5, 1.0, None, 100.0, lrs=[("backbone", 1e-4), ("head", 1e-3)])
    assert legend.isVisible() and len(legend.items) == 2
    curves.clear()
    assert not legend.isVisible() and len(legend.items) == 0
