"""Keras-style layer names for the VGG networks, next to torchvision's module paths.

The course (like Keras' ``VGG16``) names layers ``block5_conv1``, ``block5_pool``, ``fc1``,
``predictions``; torchvision numbers them inside ``features`` and ``classifier``. The two
numberings differ between plain VGG-16 and VGG-16-BN, because the BatchNorm layers take indices:

====================  =====================  ==================
Keras (VGG16)         torchvision vgg16      torchvision vgg16_bn
====================  =====================  ==================
block1_conv1          features.0             features.0
block5_conv1          features.24            features.34
block5_pool           features.30            features.43
fc1 / fc2             classifier.0 / .3      classifier.0 / .3
predictions           classifier.6           classifier.6
====================  =====================  ==================

Our VGG nets for 32 px (``vgg*_bn_cifar``) use the Keras layout as paths (``block5.conv1``), so
their Keras names are their paths with ``_``. Names are derived from the module order (a new
block after every max-pool), which is how Keras' VGG builder numbers them; a test checks them
against torchvision's module lists. Networks that are not VGGs get no Keras names.
"""

from __future__ import annotations

from torch import nn

from cnn_studio.core.errors import ModelError


def _is_vgg(model: nn.Module) -> bool:
    from torchvision.models import VGG

    from cnn_studio.core.models.vgg import VGGCifar

    return isinstance(model, (VGG, VGGCifar))


def keras_names(model: nn.Module) -> dict[str, str]:
    """Return ``{module path: Keras name}`` for a VGG (``{}`` for other networks).

    Convolutions are ``block{B}_conv{C}``, max-pools ``block{B}_pool``, the linear layers ``fc1``,
    ``fc2`` ... and the last one ``predictions``.
    """
    if not _is_vgg(model):
        return {}
    names: dict[str, str] = {}
    block, conv = 1, 0
    linears = []
    for path, module in model.named_modules():
        if isinstance(module, nn.Conv2d):
            conv += 1
            names[path] = f"block{block}_conv{conv}"
        elif isinstance(module, nn.MaxPool2d):
            names[path] = f"block{block}_pool"
            block, conv = block + 1, 0
        elif isinstance(module, nn.Linear):
            linears.append(path)
    for index, path in enumerate(linears, start=1):
        names[path] = "predictions" if index == len(linears) else f"fc{index}"
    return names


def resolve_layer(model: nn.Module, layer: str) -> str:
    """Return the module path of ``layer``: a dotted path as is, or a Keras name translated.

    Raises:
        ModelError: neither a module path nor a Keras name of this model.
    """
    paths = {path for path, _ in model.named_modules() if path}
    if layer in paths:
        return layer
    by_keras = {keras: path for path, keras in keras_names(model).items()}
    if layer in by_keras:
        return by_keras[layer]
    hint = " or a Keras name such as 'block5_conv1'" if by_keras else ""
    raise ModelError(f"The model has no layer '{layer}'; pick a path from the layer tree (e.g. 'cnn-studio "
                     f"models NAME'){hint}.")
