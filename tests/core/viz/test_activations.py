"""Hooked activations equal a manual forward pass, for any kind of layer."""

import numpy as np
import pytest
import torch
import torch.nn as nn

from cnn_studio.core.viz.activations import capture_activations, feature_maps, stage_overview


class TinyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(inplace=True),
            nn.MaxPool2d(2), nn.Sequential(nn.Conv2d(4, 6, 3, padding=1), nn.ReLU(inplace=True)),
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(6, 3)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.features(x)), 1))


@pytest.fixture
def net():
    torch.manual_seed(0)
    model = TinyNet()
    model.features[1].running_mean.uniform_(-0.5, 0.5)
    model.features[1].running_var.uniform_(0.5, 2.0)
    model.train()  # capture must switch to eval and restore this
    return model


def test_hooked_activations_equal_manual_forward(net):
    x = torch.randn(1, 3, 8, 8)
    paths = ["features.0", "features.1", "features.2", "features.3", "features.4.0", "pool", "fc"]
    captured, logits = capture_activations(net, x, paths)
    assert net.training  # mode restored
    net.eval()
    with torch.no_grad():
        conv = net.features[0](x)
        bn = net.features[1](conv)
        relu = torch.relu(bn)
        pooled = nn.functional.max_pool2d(relu, 2)
        conv2 = net.features[4][0](pooled)
        out = net(x)
    # the BN output is captured before the in-place ReLU overwrote it
    for path, manual in [("features.0", conv), ("features.1", bn), ("features.2", relu),
                         ("features.3", pooled), ("features.4.0", conv2)]:
        torch.testing.assert_close(captured[path], manual)
    assert captured["pool"].shape == (1, 6, 1, 1)
    torch.testing.assert_close(captured["fc"], out)
    torch.testing.assert_close(logits, out)
    with pytest.raises(KeyError):
        capture_activations(net, x, ["features.9"])


def test_feature_maps_sorted_with_ranges(net):
    x = torch.randn(1, 3, 8, 8)
    fm = feature_maps(net, x, "features.1")
    net.eval()
    with torch.no_grad():
        bn = net.features[1](net.features[0](x))[0].numpy()
    assert fm.shape == (4, 8, 8) and fm.spatial
    means = bn.reshape(4, -1).mean(1)
    np.testing.assert_array_equal(fm.channels, np.argsort(-means, kind="stable"))
    assert np.all(np.diff(fm.means) <= 0)
    np.testing.assert_allclose(fm.maps[0], bn[fm.channels[0]], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(fm.minimums, bn.reshape(4, -1).min(1)[fm.channels], rtol=1e-5)
    assert fm.value_range == pytest.approx((bn.min(), bn.max()), rel=1e-5)
    head = feature_maps(net, x, "fc", max_channels=2)
    assert head.maps.shape == (2, 1, 1) and not head.spatial and head.shape == (3,)


def test_stage_overview_input_to_head(net):
    x = torch.randn(1, 3, 8, 8)
    strip = stage_overview(net, x, ["features.2", "features.4", "fc"])
    assert [s.path for s in strip] == ["input", "features.2", "features.4", "fc"]
    assert strip[0].image.shape == (8, 8, 3)
    assert strip[1].image.shape == (8, 8) and strip[2].image.shape == (4, 4)
    assert strip[3].image.shape == (2, 2)  # 3 logits padded into a 2 x 2 square
    for s in strip:
        assert 0.0 <= s.image.min() and s.image.max() <= 1.0
