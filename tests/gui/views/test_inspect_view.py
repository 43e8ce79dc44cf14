"""Inspect view: model tree, dropped image, activations, filters (also from snapshots), Grad-CAM."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnn_studio.core.training.events import WeightsSnapshot
from cnn_studio.core.viz.activations import feature_maps
from cnn_studio.gui.views.inspect_view import InspectView
from tests.gui._inspect_helpers import CLASSES, drop_paths, shown, write_checkpoint, write_images


@pytest.fixture
def view(qtbot, tmp_path):
    yield from shown(qtbot, InspectView(), 1000, 700)


def test_inspect_a_dropped_image(qtbot, view, tmp_path):
    view.set_model_source(write_checkpoint(tmp_path))
    qtbot.waitUntil(lambda: view.predictor is not None and view.tree.topLevelItemCount() == 1, timeout=15000)
    assert view.selected_layer() == view.predictor.stages[0]
    [image] = write_images(tmp_path / "imgs", 1)
    with qtbot.waitSignal(view.activations_shown, timeout=10000) as shown, \
            qtbot.waitSignal(view.gradcam_shown, timeout=10000):
        assert drop_paths(view, [image])
    assert shown.args == [view.predictor.stages[0]]
    assert "img_000.png" in view.image_label.text()
    expected = feature_maps(view.predictor.model, view.predictor.preprocess(image), view.predictor.stages[0])
    assert "x".join(map(str, expected.shape)) in view.activations.caption.text()
    assert view.activations.strip_layout.count() == len(view.predictor.stages) + 2  # input + stages + stretch
    assert not view.activations.image.pixmap().isNull()
    assert view.gradcam._cam.heatmap.shape == (16, 16)
    assert view.gradcam.class_combo.count() == len(CLASSES) + 1

    # a conv layer: its filters are drawn; a chosen class is explained
    conv = sorted(view._conv_paths, key=view._conv_order.get)[0]
    with qtbot.waitSignal(view.activations_shown, timeout=10000):
        assert view.select_layer(conv)
    assert not view.filters.image.pixmap().isNull()
    assert "colour patches" in view.filters.caption.text()
    with qtbot.waitSignal(view.gradcam_shown, timeout=10000) as cam:
        view.gradcam.class_combo.setCurrentIndex(3)  # class 2
    assert cam.args == [2]

    # follow training: the snapshot's weights are drawn, not the model's
    weights = {conv: np.zeros((4, 3, 3, 3), dtype=np.float32)}
    view.filters.follow.setChecked(True)
    view.on_weights_snapshot(WeightsSnapshot(epoch=7, weights=weights))
    assert "epoch 7" in view.filters.caption.text()
    assert conv in view.wanted_snapshot_layers()


def test_pooling_layer_and_stale_results(qtbot, view, tmp_path):
    from cnn_studio.core.inference import Predictor

    predictor = Predictor.from_checkpoint(write_checkpoint(tmp_path))
    view.set_model_source(predictor)
    pools = [p for p, m in predictor.model.named_modules() if isinstance(m, torch.nn.MaxPool2d)]
    assert pools
    [image] = write_images(tmp_path / "imgs", 1)
    view.set_image_path(image)
    # change the layer at once: only the last request's result is shown
    with qtbot.waitSignal(view.activations_shown, timeout=10000) as shown:
        view.select_layer(pools[0])
    qtbot.waitUntil(lambda: not view.is_busy(), timeout=10000)
    assert shown.args == [pools[0]]
    assert pools[0] in view.activations.caption.text()
    assert "not a convolution" in view.filters.caption.text()


def test_an_unreadable_image_clears_the_previous_results(qtbot, view, tmp_path):
    view.set_model_source(write_checkpoint(tmp_path))
    qtbot.waitUntil(lambda: view.predictor is not None, timeout=15000)
    [good] = write_images(tmp_path / "imgs", 1)
    with qtbot.waitSignal(view.activations_shown, timeout=10000), qtbot.waitSignal(view.gradcam_shown, timeout=10000):
        view.set_image_path(good)
    assert view.activations.overview_count() > 0 and not view.activations.image.pixmap().isNull()
    truncated = tmp_path / "trunc.png"
    truncated.write_bytes(good.read_bytes()[:120])  # a PNG cut short
    view.set_image_path(truncated)
    qtbot.waitUntil(lambda: not view.is_busy(), timeout=10000)
    assert "trunc.png" in view.image_label.text()
    assert "trunc.png" in view.activations.caption.text()  # the decoder's error names the file
    assert view.activations.overview_count() == 0
    assert view.activations.image.pixmap().isNull()
    assert view.gradcam.image.pixmap().isNull() and view.gradcam._cam is None
    assert "trunc.png" in view.gradcam.caption.text()


def test_filters_show_the_first_conv_inside_a_block(qtbot, view, tmp_path):
    from cnn_studio.core.inference import Predictor
    from cnn_studio.core.viz.filters import conv_layer_paths

    predictor = Predictor.from_checkpoint(write_checkpoint(tmp_path))
    view.set_model_source(predictor)
    qtbot.waitUntil(lambda: not view.is_busy(), timeout=10000)
    first_conv = conv_layer_paths(predictor.model)[0]
    assert view.selected_layer() == predictor.stages[0] != first_conv  # a block (Sequential) is selected
    assert view.filter_layer() == first_conv
    assert not view.filters.image.pixmap().isNull()
    assert f"{first_conv} (the first convolution in {predictor.stages[0]})" in view.filters.caption.text()
    assert "not a convolution" not in view.filters.caption.text()
    view.select_layer("")  # the whole model: its first conv too
    assert view.filter_layer() == first_conv and not view.filters.image.pixmap().isNull()
    qtbot.waitUntil(lambda: not view.is_busy(), timeout=10000)


def test_an_image_without_a_model_says_what_to_do(qtbot, view, tmp_path):
    assert view.no_model_hint.isVisible()
    [image] = write_images(tmp_path / "imgs", 1)
    view.set_image_path(image)
    assert "No model yet" in view.activations.caption.text()
    assert "Open checkpoint" in view.activations.caption.text()
    assert view.use_imagenet_button.isVisible()
    view.set_model_source(write_checkpoint(tmp_path))  # what the main window does for a run
    with qtbot.waitSignal(view.activations_shown, timeout=15000):
        pass
    assert not view.no_model_hint.isVisible()
    assert "3 classes" in view.model_label.text()


def test_gradcam_caption_says_why_a_small_map_is_coarse(qtbot):
    import numpy as np

    from cnn_studio.core.viz.gradcam import GradCam
    from cnn_studio.gui.widgets.inspect_panels import GradcamPanel

    panel = GradcamPanel()
    qtbot.addWidget(panel)
    panel.set_classes(["cat", "dog"])
    picture = np.zeros((64, 64, 3), np.uint8)

    def cam(side: int) -> GradCam:
        return GradCam(heatmap=np.ones((64, 64), np.float32), coarse=np.ones((side, side), np.float32),
                       layer="layer4", class_index=0, class_score=1.0, probabilities=np.array([0.7, 0.3], np.float32))

    panel.show_cam(picture, cam(2))
    assert "only 2x2" in panel.caption.text() and "coarse" in panel.caption.text()
    panel.show_cam(picture, cam(8))
    assert "coarse" not in panel.caption.text() and "layer4" in panel.caption.text()
