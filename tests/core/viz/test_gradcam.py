"""Grad-CAM highlights the region that drives a class on a synthetic example."""

import numpy as np
import pytest
import torch
import torch.nn as nn

from cnn_studio.core.viz.gradcam import colorize, find_gradcam_layer, gradcam, overlay_heatmap


class TwoDetectors(nn.Module):
    """Class 0 = amount of red, class 1 = amount of blue, read through a spatial feature layer."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 2, 1, bias=False), nn.ReLU(inplace=True))
        with torch.no_grad():
            self.features[0].weight.zero_()
            self.features[0].weight[0, 0] = 1.0  # channel 0 sees red
            self.features[0].weight[1, 2] = 1.0  # channel 1 sees blue
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(2, 2, bias=False)
        with torch.no_grad():
            self.fc.weight.copy_(torch.eye(2))
        for p in self.parameters():  # frozen: Grad-CAM must still work
            p.requires_grad_(False)

    def forward(self, x):
        return self.fc(self.pool(self.features(x)).flatten(1))


def _image():
    x = torch.zeros(1, 3, 16, 16)
    x[0, 0, 1:6, 1:6] = 1.0      # red square top-left
    x[0, 2, 10:15, 9:15] = 1.0   # blue rectangle bottom-right (larger: the predicted class)
    return x


def test_gradcam_highlights_the_driving_region():
    model = TwoDetectors()
    x = _image()
    assert find_gradcam_layer(model, x) == "features"
    red = gradcam(model, x, class_index=0)
    assert red.heatmap.shape == (16, 16) and red.layer == "features"
    assert red.heatmap[1:6, 1:6].mean() > 0.9
    assert red.heatmap[10:15, 9:15].max() < 0.05
    default = gradcam(model, x)  # the predicted class is blue
    assert default.class_index == 1 == default.predicted_index
    assert default.heatmap[10:15, 9:15].mean() > 0.9 and default.heatmap[1:6, 1:6].max() < 0.05
    assert default.probabilities.sum() == pytest.approx(1.0, abs=1e-5)
    # a chosen earlier layer works too, and the module is left without hooks
    conv = gradcam(model, x, class_index=0, layer="features.0")
    assert conv.heatmap[1:6, 1:6].mean() > 0.9
    assert not model.features[0]._forward_hooks and not model.features._forward_hooks


def test_gradcam_rejects_bad_requests():
    model = TwoDetectors()
    x = _image()
    with pytest.raises(ValueError):
        gradcam(model, x, class_index=5)
    with pytest.raises(ValueError):
        gradcam(model, x, layer="fc")
    with pytest.raises(KeyError):
        gradcam(model, x, layer="nope")


def test_overlay_blends_colour_map():
    img = np.zeros((4, 4, 3), dtype=np.uint8)
    heat = np.zeros((2, 2), dtype=np.float32)
    heat[0, 0] = 1.0
    out = overlay_heatmap(img, heat, opacity=1.0)
    assert out.shape == (4, 4, 3)
    np.testing.assert_array_equal(out[0, 0], colorize(np.array([[1.0]]))[0, 0])
    np.testing.assert_array_equal(out[3, 3], colorize(np.array([[0.0]]))[0, 0])
    np.testing.assert_array_equal(overlay_heatmap(img, heat, opacity=0.0), img)


@pytest.mark.parametrize("size, layer, side", [(64, "layer2", 8), (224, "layer4", 7)])
def test_default_layer_is_the_last_map_at_least_7x7_at_the_working_size(size, layer, side):
    from cnn_studio.core.models.registry import get_model
    from cnn_studio.core.viz.gradcam import MIN_CAM_SIZE, is_coarse

    model = get_model("resnet18", num_classes=3).eval()  # layer4 is 2x2 at 64 px: a uniform wash
    x = torch.randn(1, 3, size, size)
    assert find_gradcam_layer(model, x) == layer
    cam = gradcam(model, x)
    assert cam.layer == layer and cam.coarse.shape == (side, side) and not is_coarse(cam)
    assert MIN_CAM_SIZE == 7


def test_small_inputs_fall_back_to_the_last_spatial_map_and_say_it_is_coarse():
    from cnn_studio.core.viz.gradcam import is_coarse

    model = TwoDetectors()
    small = gradcam(model, torch.rand(1, 3, 5, 5))  # no map reaches 7x7: the last spatial one, flagged
    assert small.layer == "features" and small.coarse.shape == (5, 5) and is_coarse(small)
    assert not is_coarse(gradcam(model, _image()))


class EarlyNegative(nn.Module):
    """A 16x16 layer whose evidence is all negative (its map is empty), then a 4x4 layer with positive evidence."""

    def __init__(self):
        super().__init__()
        self.early = nn.Conv2d(3, 1, 1, bias=False)
        self.late = nn.Sequential(nn.AvgPool2d(4), nn.Conv2d(1, 1, 1), nn.ReLU())
        self.fc = nn.Linear(1, 2, bias=False)
        with torch.no_grad():
            self.early.weight.fill_(1.0)
            self.late[1].weight.fill_(-1.0)
            self.late[1].bias.fill_(5.0)
            self.fc.weight.copy_(torch.tensor([[1.0], [-1.0]]))

    def forward(self, x):
        return self.fc(self.late(self.early(x)).mean(dim=(2, 3)))


def test_an_empty_preferred_map_falls_back_to_the_last_spatial_layer():
    model = EarlyNegative()
    x = torch.rand(1, 3, 16, 16)
    assert find_gradcam_layer(model, x) == "early"
    assert float(gradcam(model, x, class_index=0, layer="early").coarse.max()) == 0.0  # all negative evidence
    cam = gradcam(model, x, class_index=0)
    assert cam.layer == "late" and cam.coarse.shape == (4, 4) and float(cam.coarse.max()) > 0
