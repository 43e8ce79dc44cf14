"""Filter pictures: hand-set kernels give known images."""

import numpy as np
import pytest
import torch
import torch.nn as nn

from cnn_studio.core.viz.filters import (
    conv_layer_paths,
    filter_grid,
    filter_images,
    layer_weight,
    tile_images,
)


def test_first_layer_kernel_is_a_colour_patch():
    w = torch.zeros(2, 3, 3, 3)
    w[0, 0] = 1.0   # filter 0: pure positive red everywhere
    w[1, 2, 1, 1] = -0.5  # filter 1: one negative blue pixel in the centre
    img = filter_images(w, normalization="shared")
    assert img.shape == (2, 3, 3, 3)
    # shared scale: max |w| = 1 -> red channel of filter 0 is 1, others mid-grey 0.5
    np.testing.assert_allclose(img[0, :, :, 0], 1.0)
    np.testing.assert_allclose(img[0, :, :, 1:], 0.5)
    expected = np.full((3, 3, 3), 0.5, dtype=np.float32)
    expected[1, 1, 2] = 0.25  # -0.5 on a shared scale of 1
    np.testing.assert_allclose(img[1], expected)
    # per-filter scale: filter 1's own peak is 0.5 -> the blue pixel goes fully dark
    per = filter_images(w, normalization="per_filter")
    assert per[1, 1, 1, 2] == pytest.approx(0.0)
    np.testing.assert_allclose(per[0], img[0])


def test_deeper_layer_mean_or_chosen_input_channel():
    w = np.zeros((1, 4, 2, 2), dtype=np.float32)
    w[0, 1] = [[2.0, 0.0], [0.0, -2.0]]
    mean = filter_images(w)  # mean over 4 inputs: [[0.5, 0], [0, -0.5]], peak 0.5
    np.testing.assert_allclose(mean[0], [[1.0, 0.5], [0.5, 0.0]])
    chosen = filter_images(w, input_channel=1)
    np.testing.assert_allclose(chosen[0], [[1.0, 0.5], [0.5, 0.0]])
    empty = filter_images(w, input_channel=0)
    np.testing.assert_allclose(empty[0], 0.5)
    with pytest.raises(ValueError):
        filter_images(w, input_channel=4)
    # a 3-input kernel seen through one input channel is grey, not colour
    assert filter_images(np.ones((2, 3, 3, 3)), input_channel=0).shape == (2, 3, 3)


def test_grid_layout_zoom_and_model_helpers():
    model = nn.Sequential(nn.Conv2d(3, 5, 3), nn.ReLU(), nn.Sequential(nn.Conv2d(5, 2, 1)))
    assert conv_layer_paths(model) == ["0", "2.0"]
    w = layer_weight(model, "0")
    assert w.shape == (5, 3, 3, 3)
    with pytest.raises(KeyError):
        layer_weight(model, "1")
    grid = filter_grid(w, zoom=4)  # 5 tiles -> 3 columns x 2 rows of 12 px, padding 2
    assert grid.shape == (2 * 14 + 2, 3 * 14 + 2, 3)
    tiles = np.arange(4, dtype=np.float32).reshape(4, 1, 1)
    tiled = tile_images(tiles, columns=2, padding=1, background=-1)
    np.testing.assert_array_equal(tiled, [[-1, -1, -1, -1, -1], [-1, 0, -1, 1, -1],
                                          [-1, -1, -1, -1, -1], [-1, 2, -1, 3, -1],
                                          [-1, -1, -1, -1, -1]])
