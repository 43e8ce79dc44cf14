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


def _progress(**over):
    from cnn_studio.core.training.events import BatchProgress

    values = dict(epoch=1, step=5, steps_per_epoch=10, global_step=5, total_steps=30, epoch_fraction=0.5, loss=1.0,
                  accuracy=0.5, lr=1e-4, images_per_second=100.0, lrs=(("backbone", 1e-4), ("head", 1e-3)))
    values.update(over)
    return BatchProgress(**values)


def test_lr_plot_shows_every_parameter_group_and_axes_have_no_si_prefix(qtbot, window):
    from cnn_studio.core.training.events import EpochEnded

    tv = window.train_view
    tv.clear_curves()
    tv.plot_panel.planned_epochs = 3
    for i in range(1, 9):
        tv.on_batch_progress(_progress(step=i, global_step=i, epoch_fraction=i / 10))
    tv.on_epoch_ended(EpochEnded(epoch=1, epochs=3, train_loss=1.0, train_accuracy=0.5, heldout_name="val",
                                 heldout_loss=1.1, heldout_accuracy=0.4, best_accuracy=0.4, is_best=True, lr=1e-4,
                                 seconds=1.0, images_per_second=100.0))
    assert "far above a random model" not in tv.log.toPlainText()
    tv.on_epoch_ended(EpochEnded(epoch=2, epochs=3, train_loss=1.0, train_accuracy=0.5, heldout_name="val",
                                 heldout_loss=1.9e12, heldout_accuracy=0.2, best_accuracy=0.4, is_best=False, lr=1e-4,
                                 seconds=1.0, images_per_second=100.0, heldout_exploded=True))
    assert "loss is 1.9e+12, far above a random model" in tv.log.toPlainText()  # a warning, not a failure
    tv.redraw(everything=True)
    assert sorted(tv.plot_panel.lr_curve_names()) == ["lr:backbone", "lr:head"]
    assert list(tv.curves["lr:head"].yData) == [1e-3] * 8 and list(tv.curves["lr:backbone"].yData) == [1e-4] * 8
    legend = [label.text for _sample, label in tv.lr_plot.getPlotItem().legend.items]
    assert legend[-2:] == ["backbone", "head"]
    lo, hi = tv.lr_plot.getViewBox().viewRange()[1]
    assert lo == pytest.approx(0.0) and 1e-3 < hi < 2e-3  # the head's rate is on the plot
    for plot in (tv.lr_plot, tv.speed_plot, tv.acc_plot, tv.loss_plot):
        axis = plot.getAxis("bottom")
        assert not axis.autoSIPrefix and axis.autoSIPrefixScale == 1.0
    x_lo, x_hi = tv.acc_plot.getViewBox().viewRange()[0]  # one point at epoch 1 of 3: the axis spans the run
    assert -0.2 < x_lo <= 0.0 and 3.0 <= x_hi < 3.2
    tv.clear_curves()  # a new run: the group curves go
    assert tv.plot_panel.lr_curve_names() == [] and "lr:head" not in tv.curves


def test_run_header_names_model_and_dataset(qtbot, window):
    import dataclasses

    from cnn_studio.core.training.events import RunStarted

    tv = window.train_view
    fields = {f.name: None for f in dataclasses.fields(RunStarted) if f.default is dataclasses.MISSING
              and f.default_factory is dataclasses.MISSING}
    fields.update(start_epoch=0, epochs=3, steps_per_epoch=4, model_name="resnet18", device="cpu", precision="fp32",
                  train_images=100, heldout_images=20, heldout_name="val", run_dir="/runs/r1", input_size=64)
    tv.on_run_started(RunStarted(**fields, config={"data": {"root": "/data/flowers"}}))
    text = tv.run_header.text()
    assert "resnet18" in text and "flowers" in text and "100 training" in text and "64 px" in text
    tv.log.clear()
    assert "flowers" in tv.run_header.text()  # the header stays when the log scrolls or is cleared


def test_model_switch_keeps_typed_epochs_and_defaults_button_resets(qtbot, window, tiny_dataset):
    from tests.gui.conftest import wait_for_dataset

    window.open_dataset(str(tiny_dataset))
    wait_for_dataset(qtbot, window)
    form = window.train_view.form
    window.model_view.select_model("simple_cnn")
    family = form.epochs.value()
    form.epochs.setValue(3)  # the user types 3
    window.model_view.select_model("resnet20")
    assert form.epochs.value() == 3
    window.train_view.defaults_requested.emit()  # "Family defaults": the recipe's epochs again
    assert form.epochs.value() != 3 and not form.epochs_typed
    window.model_view.select_model("simple_cnn")
    assert form.epochs.value() == family


def test_short_step_schedule_warns_in_the_form(qtbot, window):
    form = window.train_view.form
    form.schedule.setCurrentText("step")
    form.epochs.setValue(3)
    assert "3 epochs" in form.schedule_note.text() and "after 1.5 epochs" in form.schedule_note.text()
    form.epochs.setValue(30)
    assert form.schedule_note.text() == ""
    form.epochs.setValue(1)
    assert "inside the first epoch" in form.schedule_note.text()


def test_time_estimate_before_start(qtbot, window, tiny_dataset):
    from tests.gui.conftest import configure_tiny_run, wait_for_dataset

    window.open_dataset(str(tiny_dataset))
    wait_for_dataset(qtbot, window)
    configure_tiny_run(window, epochs=2)
    tv = window.train_view
    assert "Next run:" in tv.run_header.text() and "simple_cnn" in tv.run_header.text()
    assert "tiny" in tv.run_header.text()
    tv.estimate_button.click()
    qtbot.waitUntil(lambda: "Estimated time" in tv.estimate_label.text(), timeout=60000)
    assert "about" in tv.estimate_label.text() and "2 epochs" in tv.estimate_label.text()
    assert not tv.is_busy()
    window.train_view.form.epochs.setValue(4)
    assert "changed" in tv.estimate_label.text()
    assert tv.estimate_text(30, 2, 100.0) == "Estimated time: about 30 s for 2 epochs (100 images/s)."
    assert tv.estimate_text(600, 10, 50.0).startswith("Estimated time: about 10 min")
    assert tv.estimate_text(150, 10, 9000.0, "compute", 120.0).endswith(
        "Of that, about 2 min computes the frozen layers' features once; every epoch then trains on them.")
    assert "already in the cache folder" in tv.estimate_text(5, 10, 9000.0, "reuse")


def test_showing_the_train_view_estimates_on_its_own(qtbot, window, tiny_dataset):
    from tests.gui.conftest import configure_tiny_run, wait_for_dataset

    window.open_dataset(str(tiny_dataset))
    wait_for_dataset(qtbot, window)
    configure_tiny_run(window, epochs=2)
    tv = window.train_view
    assert not tv.isVisible()
    window.tabs.setCurrentWidget(tv)
    qtbot.waitUntil(lambda: "Estimated time" in tv.estimate_label.text(), timeout=60000)
