"""CNN Studio: train and understand convolutional networks with PyTorch.

This module only holds the version, so ``cnn-studio --version`` imports neither torch nor Qt.
"""

__version__ = "0.1.0"
