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
