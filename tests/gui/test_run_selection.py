"""Choosing a run sets the session's checkpoint (Inspect and Predict) and what Export uses."""

from __future__ import annotations

from tests.gui.conftest import make_fake_run

def test_choosing_a_run_sets_inspect_and_predict_models_and_export_uses_it(qtbot, window, monkeypatch):
    from cnn_studio.gui.widgets import export_dialog
    from cnn_studio.paths import runs_dir

    inspected, predicted, exported = [], [], []
    monkeypatch.setattr(window.inspect_view, "set_model_source", inspected.append)
    monkeypatch.setattr(window.predict_view, "set_checkpoint", predicted.append)
    monkeypatch.setattr(export_dialog.ExportDialog, "exec",
                        lambda self: exported.append((self.cfg, self.source_label.text())))
    run = make_fake_run(runs_dir(), "20250101-000000-resnet20")
    make_fake_run(runs_dir(), "20250101-000001-plain20")
    view = window.runs_view
    view.refresh()
    assert not inspected  # listing runs does not load a model
    view.select_paths([str(run)])
    assert inspected == [str(run / "best.pt")] and predicted == [str(run / "best.pt")]
    view.refresh()  # a refresh keeps the selection without reloading the model
    assert len(inspected) == 1
    window.export_for_server()
    cfg, text = exported[-1]
    assert cfg.batch_size == 7 and "selected run 20250101-000000-resnet20" in text
    view.select_paths([r.path for r in view.runs])  # two runs: the current settings are exported
    window.model_view.select_model("simple_cnn")
    window.export_for_server()
    cfg, text = exported[-1]
    assert cfg.batch_size != 7 and "current Model and Train settings" in text
