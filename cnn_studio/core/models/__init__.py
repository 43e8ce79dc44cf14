"""The model zoo, pretrained weights, the layer tree and freezing.

Importing this package imports torch; the CLI and ``config.py`` import it lazily.
"""

# The registry first: it imports the builder modules in zoo order (their registration order).
from cnn_studio.core.models.registry import (
    ModelInfo,
    ModelOption,
    PretrainedWeights,
    builder_options,
    check_input_size,
    count_parameters,
    get_model,
    get_model_info,
    list_models,
    option_problem,
    parameter_count,
    register_model,
    suggested_input_size,
)
from cnn_studio.core.models.backbones import imagenet_categories  # noqa: I001
from cnn_studio.core.models.efficientnet_lite import lite0_weights_path

__all__ = [
    "ModelInfo", "ModelOption", "PretrainedWeights", "builder_options", "check_input_size", "count_parameters",
    "get_model", "get_model_info", "imagenet_categories", "list_models", "lite0_weights_path", "option_problem",
    "parameter_count", "register_model", "suggested_input_size",
]
