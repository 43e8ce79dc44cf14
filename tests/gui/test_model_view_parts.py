"""The Model view's parts: the trainable-layers tree and the starting-weights picker."""

from __future__ import annotations

from PySide6.QtCore import Qt

from cnn_studio.core.config import recommended_config
from cnn_studio.gui.views.model_view import ModelView


def test_custom_freeze_survives_a_config_round_trip(qtbot):
    view = ModelView()
    qtbot.addWidget(view)
    view.select_model("resnet20")
    view.apply_preset("full")
    view.layer_tree.items["layer1"].setCheckState(0, Qt.CheckState.Unchecked)
    cfg = view.apply_to(recommended_config("resnet20"))
    assert cfg.freeze.preset == "custom" and cfg.freeze.frozen == ("layer1",)

    again = ModelView()
    qtbot.addWidget(again)
    again.load_from(cfg)
    assert again.freeze_config().frozen == ("layer1",)
    assert not any(p.requires_grad for p in again.model.layer1.parameters())
    assert all(p.requires_grad for p in again.model.layer2.parameters())
    assert again.layer_tree.items["layer1.0.conv1"].checkState(0) == Qt.CheckState.Unchecked
    assert again.frozen_count == sum(p.numel() for p in again.model.layer1.parameters())
    assert "custom" in again.totals.text()


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
