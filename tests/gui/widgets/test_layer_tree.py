"""The Model view's trainable-layers tree (widgets/layer_tree.py)."""

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
