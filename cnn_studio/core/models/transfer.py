"""The lecture's four transfer-learning strategies, as data: dataset size x similarity to ImageNet.

A 2x2 guide (rows: small / large dataset, columns: similar / different to ImageNet photos). Each
cell says what to freeze, how fast the pretrained layers learn relative to the head, how much to
augment, and why. ``apply_strategy(cfg, strategy)`` turns a cell into a ``TrainConfig`` for the
config's model::

    cfg = apply_strategy(recommended_config("vgg16_bn"), strategy_for("small", "different"))
    # -> ImageNet weights, train from features.34 (Keras' block5_conv1), backbone at lr x 0.1,
    #    strong augmentation

"Stages" are the model's ``ModelInfo.stages``: for VGG-16 the five conv blocks, so "the last
stage" is everything from ``block5_conv1`` on, the course's example.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from cnn_studio.core.config import FreezeConfig, Pretrained, TrainConfig
from cnn_studio.core.errors import ModelError
from cnn_studio.core.models.registry import get_model_info

SIZES = ("small", "large")
SIMILARITIES = ("similar", "different")


@dataclass(frozen=True)
class TransferStrategy:
    """One cell of the 2x2 guide.

    Attributes:
        id: ``small-similar``, ``small-different``, ``large-similar`` or ``large-different``.
        dataset_size: ``small`` (tens to hundreds of images per class) or ``large`` (thousands).
        similarity: ``similar`` (photos of everyday objects, like ImageNet) or ``different``
            (X-rays, spectrograms, microscopy, drawings).
        title: the recommendation's short name.
        freeze_preset: the ``FreezeConfig.preset`` it uses.
        trained_stages: for ``from-layer``: how many of the last stages train (0 otherwise).
        backbone_lr_mult: learning-rate factor of the pretrained layers (the head gets 1).
        augment_translate, augment_flip, cutout: the augmentation (``DataConfig`` fields).
        advice: what to do, in one sentence.
        reason: why, in one sentence.
    """

    id: str
    dataset_size: str
    similarity: str
    title: str
    freeze_preset: str
    trained_stages: int
    backbone_lr_mult: float
    augment_translate: int
    augment_flip: bool
    cutout: int
    advice: str
    reason: str


# Strong augmentation (shifts, flips, cutout) where data is scarce; the usual shifts and flips else.
STRATEGIES: tuple[TransferStrategy, ...] = (
    TransferStrategy(
        "small-similar", "small", "similar", "Feature extraction", "feature-extraction", 0, 0.1, 4, True, 8,
        "Freeze the whole pretrained network and train only the new classifier, with strong augmentation.",
        "ImageNet features already describe photos like yours, and with little data any fine-tuned "
        "convolution would overfit."),
    TransferStrategy(
        "small-different", "small", "different", "Fine-tune the last stage", "from-layer", 1, 0.1, 4, True, 8,
        "Freeze the early layers and fine-tune the last stage (from block5_conv1 in VGG-16) and the "
        "classifier, the pretrained layers at a tenth of the learning rate, with strong augmentation.",
        "Early layers detect edges and colours that suit any image, but the last stage's ImageNet "
        "object parts do not fit your images, and too few images forbid training more."),
    TransferStrategy(
        "large-similar", "large", "similar", "Fine-tune the last stages", "from-layer", 2, 0.1, 4, True, 0,
        "Fine-tune the last two stages and the classifier, the pretrained layers at a tenth of the "
        "learning rate, keeping the earliest layers frozen.",
        "Enough data lets the deeper layers adapt without overfitting, and the small rate keeps the "
        "already useful ImageNet features from being destroyed early in training."),
    TransferStrategy(
        "large-different", "large", "different", "Full fine-tune", "full", 0, 1.0, 4, True, 0,
        "Train the whole network, starting from the ImageNet weights, all layers at the full learning rate.",
        "Your images need different features at every depth and there is enough data to learn them; "
        "the pretrained weights are only a better starting point than random ones."),
)


def strategy_for(dataset_size: str, similarity: str) -> TransferStrategy:
    """Return the cell for ``small|large`` x ``similar|different``.

    Raises:
        ModelError: a value outside those choices.
    """
    for strategy in STRATEGIES:
        if (strategy.dataset_size, strategy.similarity) == (dataset_size, similarity):
            return strategy
    raise ModelError(f"Choose the dataset size from {' or '.join(SIZES)} and the similarity from "
                     f"{' or '.join(SIMILARITIES)}, not '{dataset_size}' and '{similarity}'.")


def apply_strategy(cfg: TrainConfig, strategy: TransferStrategy) -> TrainConfig:
    """Return ``cfg`` changed to follow ``strategy`` for the config's model.

    Starts from ImageNet weights (a weights file already chosen is kept), sets the freeze preset
    (``from-layer`` trains from the first module of the last ``trained_stages`` stages), the
    pretrained layers' learning-rate factor and the augmentation. Everything else is kept.

    Raises:
        ModelError: the model has no pretrained weights, or too few stages for the strategy.
    """
    info = get_model_info(cfg.model.name)
    pretrained = cfg.model.pretrained
    if pretrained.kind != "file":
        if info.weights is None:
            raise ModelError(f"{info.title} has no ImageNet weights; transfer strategies need a pretrained "
                             "model, so choose one of the transfer-learning backbones.")
        pretrained = Pretrained("imagenet")
    trainable_from = None
    if strategy.freeze_preset == "from-layer":
        if len(info.stages) < strategy.trained_stages:
            raise ModelError(f"{info.title} has only {len(info.stages)} stages; the strategy "
                             f"'{strategy.title}' needs {strategy.trained_stages}.")
        trainable_from = info.stages[-strategy.trained_stages]
    freeze = FreezeConfig(preset=strategy.freeze_preset, trainable_from=trainable_from,
                          bn_policy=cfg.freeze.bn_policy, backbone_lr_mult=strategy.backbone_lr_mult)
    data = replace(cfg.data, augment_translate=strategy.augment_translate, augment_flip=strategy.augment_flip,
                   cutout=strategy.cutout)
    return replace(cfg, model=replace(cfg.model, pretrained=pretrained), freeze=freeze, data=data)
