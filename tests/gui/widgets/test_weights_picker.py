"""The Model view's starting-weights picker (widgets/weights_picker.py)."""

from __future__ import annotations

from cnn_studio.gui.views.model_view import ModelView

def test_weights_picker_follows_model_and_paths(qtbot, tmp_path):
    view = ModelView()
    qtbot.addWidget(view)
    view.select_model("simple_cnn")
    combo = view.weights.combo
    assert not combo.model().item(combo.findData("imagenet")).isEnabled()
    checkpoint = str(tmp_path / "run" / "best.pt")
    view.set_pretrained(checkpoint)
    assert view.weights.key() == "checkpoint" and view.pretrained_value() == checkpoint
    assert view.weights.status.text() == checkpoint
    view.set_pretrained("none")
    assert view.pretrained_value() == "none" and "Random" in view.weights.status.text()
    requested: list[str] = []
    view.download_requested.connect(requested.append)
    view.weights.download_button.click()
    assert requested == ["simple_cnn"]
