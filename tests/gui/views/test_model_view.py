"""The Model view edits the core model's requires_grad flags and produces the FreezeConfig."""

from __future__ import annotations

from PySide6.QtCore import Qt


def _trainable_names(model) -> set[str]:
    return {n for n, p in model.named_parameters() if p.requires_grad}


def test_presets_set_core_requires_grad(qtbot, window):
    view = window.model_view
    view.set_num_classes(3)
    view.select_model("resnet20")
    model = view.model
    assert model.fc.out_features == 3
    all_names = {n for n, _ in model.named_parameters()}
    assert _trainable_names(model) == all_names
    view.preset_buttons["feature-extraction"].click()
    assert _trainable_names(model) == {"fc.weight", "fc.bias"}
    assert view._items["fc"].checkState(0) == Qt.CheckState.Checked
    assert view._items["layer1"].checkState(0) == Qt.CheckState.Unchecked
    assert view.trainable_count == sum(p.numel() for p in model.fc.parameters())
    assert "Frozen" in view.totals.text()
    view.preset_buttons["last-stage"].click()
    trainable = _trainable_names(model)
    assert trainable and all(n.startswith(("layer3", "fc")) for n in trainable)
    assert any(n.startswith("layer3") for n in trainable)
    assert view._items["layer2"].checkState(0) == Qt.CheckState.Unchecked
    assert view.freeze_config().preset == "last-stage"
    view.preset_buttons["full"].click()
    assert _trainable_names(model) == all_names


def test_unchecking_a_layer_freezes_it_and_gives_a_custom_config(qtbot, window):
    view = window.model_view
    view.select_model("resnet20")
    view.preset_buttons["full"].click()
    view._items["layer1"].setCheckState(0, Qt.CheckState.Unchecked)
    model = view.model
    assert not any(p.requires_grad for p in model.layer1.parameters())
    assert all(p.requires_grad for p in model.layer2.parameters())
    assert view._items["layer1.0"].checkState(0) == Qt.CheckState.Unchecked
    cfg = view.freeze_config()
    assert cfg.preset == "custom" and cfg.frozen == ("layer1",)
    # the core applies the same config to a fresh model with the same result
    from cnn_studio.core.models.freezing import apply_freeze
    from cnn_studio.core.models.registry import get_model

    fresh = get_model("resnet20", num_classes=view.num_classes)
    apply_freeze(fresh, cfg, view.info)
    assert _trainable_names(fresh) == _trainable_names(model)


def test_from_selected_layer_and_lr_multipliers(qtbot, window):
    view = window.model_view
    view.select_model("resnet20")
    view.tree.setCurrentItem(view._items["layer2"])
    view.preset_buttons["from-layer"].click()
    assert not any(p.requires_grad for p in view.model.layer1.parameters())
    assert all(p.requires_grad for p in view.model.layer2.parameters())
    cfg = view.freeze_config()
    assert cfg.preset == "from-layer" and cfg.trainable_from == "layer2"
    view.backbone_mult.setValue(0.25)
    view._add_lr_multiplier()
    view.lr_table.item(0, 1).setText("0.5")
    view.bn_policy.setCurrentIndex(view.bn_policy.findData("train"))
    cfg = view.freeze_config()
    assert cfg.backbone_lr_mult == 0.25 and dict(cfg.lr_multipliers) == {"layer2": 0.5} and cfg.bn_policy == "train"
    assert view.preset_buttons["feature-extraction"].toolTip()


def test_picker_groups_models_by_family_with_descriptions(qtbot, window):
    view = window.model_view
    groups = [view.picker.topLevelItem(i).text(0) for i in range(view.picker.topLevelItemCount())]
    assert groups[:2] == ["Basics", "VGG"] and "Transfer learning backbones" in groups
    view.select_model("resnet56")
    assert "ResNet" in view.info_label.text() and "parameters" in view.info_label.text()
    assert window.train_view.form.optimizer.currentText() == "sgd"  # family defaults
    view.select_model("simple_cnn")
    assert window.train_view.form.optimizer.currentText() == "adam"


def test_freeze_note_and_preset_reset_on_model_change(qtbot, window):
    mv = window.model_view
    mv.select_model("resnet56")
    mv.set_pretrained("none")
    mv.apply_preset("feature-extraction")
    assert mv.freeze_note.isVisibleTo(mv)
    mv.select_model("plain56")
    assert mv.freeze_config().preset == "full" and mv.frozen_count == 0
    assert not mv.freeze_note.isVisibleTo(mv)
