"""The model zoo, pretrained weights, the layer tree and freezing."""
