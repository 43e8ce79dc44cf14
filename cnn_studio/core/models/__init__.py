"""The model zoo, pretrained weights, the layer tree and freezing.

Importing this package imports torch; the CLI and ``config.py`` import it lazily.
"""

from cnn_studio.core.models.backbones import imagenet_categories
from cnn_studio.core.models.efficientnet_lite import lite0_weights_path
from cnn_studio.core.models.registry import (
    ModelInfo,
    check_input_size,
    count_parameters,
    get_model,
    get_model_info,
    list_models,
    parameter_count,
    suggested_input_size,
)

__all__ = [
    "ModelInfo", "check_input_size", "imagenet_categories", "lite0_weights_path", "count_parameters", "get_model", "get_model_info", "list_models",
    "parameter_count", "suggested_input_size",
]
