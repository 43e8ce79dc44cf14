"""The Train view: resumed runs' curves start with their history."""

from __future__ import annotations

import pytest

from tests.gui.conftest import make_fake_run

def test_resumed_run_curves_start_with_its_history(qtbot, window, tmp_path):
    import dataclasses

    from cnn_studio.core.runs import read_metrics
    from cnn_studio.core.training.events import RunStarted

    tv = window.train_view
    assert tv.plots_hint.isVisibleTo(tv)
    tv.clear_curves()
    assert not tv.plots_hint.isVisibleTo(tv)
    tv.preload_history(read_metrics(make_fake_run(tmp_path, "r", epochs=3)))
    assert list(tv.curves["train_loss"].xData) == [1.0, 2.0, 3.0]
    fields = {f.name: None for f in dataclasses.fields(RunStarted) if f.default is dataclasses.MISSING
              and f.default_factory is dataclasses.MISSING}
    fields.update(start_epoch=2, steps_per_epoch=1, model_name="m", device="cpu", precision="fp32",
                  train_images=1, heldout_images=1, heldout_name="val", run_dir="r")
    tv.on_run_started(RunStarted(**fields))  # the resumed run redoes epoch 3: its old points go
    assert list(tv.curves["train_loss"].xData) == [1.0, 2.0]
    assert "1 step per epoch" in tv.log.toPlainText() and "Resumed after 2 epochs" in tv.log.toPlainText()
    lo, hi = tv.lr_plot.getViewBox().viewRange()[1]
    assert lo == pytest.approx(0.0) and 0.1 < hi < 0.2  # a flat lr of 0.1 gets a range around it
