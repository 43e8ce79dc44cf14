"""Model options, the transfer-learning guide, Keras names and the training input size in the Model view."""

from __future__ import annotations

from torch import nn

from cnn_studio.core.config import ModelConfig, TrainConfig
from tests.gui.conftest import wait_for_dataset


def _has_bn(model) -> bool:
    return any(isinstance(m, nn.BatchNorm2d) for m in model.modules())


def test_batchnorm_option_rebuilds_the_model_and_goes_into_the_config(qtbot, window):
    view = window.model_view
    view.select_model("simple_cnn")
    box = view.options.controls["batch_norm"]
    assert view.options.isVisibleTo(view) and box.isChecked() and _has_bn(view.model)
    assert window.session.config.model.options == {}
    box.setChecked(False)
    assert not _has_bn(view.model)  # the tree shows the network that will train
    assert window.session.config.model.options == {"batch_norm": False}
    assert "BatchNorm: off" in view.info_label.text()
    assert "off" in window.session.config.model.run_label()  # run folder names carry the option
    box.setChecked(True)
    assert window.session.config.model.options == {}


def test_shortcut_option_and_models_without_options(qtbot, window):
    view = window.model_view
    view.select_model("resnet20")
    combo = view.options.controls["shortcut"]
    assert [combo.itemText(i) for i in range(combo.count())] == ["A", "B"]
    combo.setCurrentIndex(combo.findData("B"))
    assert window.session.config.model.options == {"shortcut": "B"}
    assert any(isinstance(m, nn.Conv2d) and m.kernel_size == (1, 1) for m in view.model.modules())  # projections
    view.select_model("plain20")
    assert not view.options.isVisibleTo(view) and window.session.config.model.options == {}


def test_options_survive_save_and_load(qtbot, window, tmp_path):
    view = window.model_view
    cfg = TrainConfig(model=ModelConfig(name="simple_cnn", options={"batch_norm": False}))
    path = tmp_path / "cfg.json"
    cfg.save(path)
    window.config_files.load_path(str(path))
    assert not view.options.controls["batch_norm"].isChecked() and not _has_bn(view.model)
    assert window.current_config().model.options == {"batch_norm": False}
    saved = tmp_path / "again.json"
    window.current_config().save(saved)
    assert TrainConfig.load(saved).model.options == {"batch_norm": False}
    # builder options without a control (a lab recipe's narrow network) are kept as well
    narrow = TrainConfig(model=ModelConfig(name="simple_cnn", options={"hidden": 16, "batch_norm": False}))
    window.session.load_config(narrow)
    assert window.current_config().model.options == {"hidden": 16, "batch_norm": False}
    assert view.model.classifier[-1].in_features == 16


def test_strategy_cell_applies_the_recommendation_and_says_why(qtbot, window):
    view = window.model_view
    view.select_model("efficientnet_lite0")
    view.guide.buttons["small-different"].click()
    cfg = window.session.config
    assert cfg.model.pretrained.kind == "imagenet"
    assert cfg.freeze.preset == "from-layer" and cfg.freeze.trainable_from == view.info.stages[-1]
    assert cfg.freeze.backbone_lr_mult == 0.1 and cfg.data.cutout == 8 and cfg.data.augment_flip
    assert window.train_view.form.cutout.value() == 8  # every view shows the applied config
    assert view.backbone_mult.value() == 0.1 and view.freeze_config().trainable_from == view.info.stages[-1]
    assert view.guide.buttons["small-different"].isChecked()
    assert "Why" in view.guide.explanation.text()
    view.guide.buttons["large-different"].click()
    assert window.session.config.freeze.preset == "full" and window.session.config.freeze.backbone_lr_mult == 1.0
    assert not view.guide.buttons["small-different"].isChecked()


def test_strategy_on_a_model_without_weights_is_refused_in_words(qtbot, window):
    view = window.model_view
    view.select_model("simple_cnn")
    before = window.session.config
    view.guide.buttons["small-similar"].click()
    assert "no ImageNet weights" in view.guide.explanation.text()
    assert window.session.config == before
    assert not any(b.isChecked() for b in view.guide.buttons.values())


def test_keras_names_next_to_paths_and_train_from_one_click(qtbot, window):
    view = window.model_view
    view.select_model("vgg11_bn_cifar")
    tree = view.layer_tree
    assert not tree.tree.isColumnHidden(1)
    assert tree.keras_name("block5.conv1") == "block5_conv1"
    action = tree.train_from_action("block5.conv1")
    assert "block5_conv1" in action.text()
    action.trigger()
    freeze = window.session.config.freeze
    assert freeze.preset == "from-layer" and freeze.trainable_from == "block5.conv1"
    trainable = {n for n, p in view.model.named_parameters() if p.requires_grad}
    assert trainable and not any(n.startswith(("block1", "block4")) for n in trainable)
    view.select_model("resnet20")
    assert tree.tree.isColumnHidden(1)  # no Keras names: no empty column


def test_input_size_follows_the_dataset_and_the_config(qtbot, window, tiny_dataset):
    view = window.model_view
    view.select_model("efficientnet_lite0")
    assert view.input_size == 224 and "open a dataset" in view.info_label.text()
    window.open_dataset(str(tiny_dataset))
    wait_for_dataset(qtbot, window)
    assert view.input_size == 64  # 16 px images: the size training uses, as core.training.setup resolves it
    assert "64×64" in view.info_label.text()
    stem_shape = view.layer_tree.items["_conv_stem"].text(3)
    assert stem_shape.endswith("32×32")  # the shapes are those at 64 px, not 112x112
    window.train_view.form.input_size.setValue(96)
    assert view.input_size == 96 and view.layer_tree.items["_conv_stem"].text(3).endswith("48×48")
