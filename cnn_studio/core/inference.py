"""Classify image files with a trained checkpoint or the bundled ImageNet EfficientNet-Lite0.

Preprocessing is exactly the evaluation path: ``decode_image`` (file -> uint8 3 x S x S, the same
function the dataset cache uses) then the loader's ``normalize_batch`` (resize to the model's
input size and normalise with the checkpoint's mean and std). Each file gets either a
``Prediction`` or a ``PredictionError`` (missing, not an image, damaged); one bad file never stops
the others. Files are decoded and classified in batches.

A ``Predictor`` holds one model; ``lock`` serialises every use of it (forward hooks are per
module, so two background tasks must not run it at the same time).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from cnn_studio.core.errors import UserError
from cnn_studio.core.progress import CancelCheck, Progress, check_cancelled

__all__ = [
    "ClassProbability",
    "Prediction",
    "PredictionError",
    "Predictor",
    "collect_image_paths",
    "imagenet_class_names",
    "load_predictor",
]



@dataclass(frozen=True)
class ClassProbability:
    """One of the top-k classes for a file."""

    label: str
    index: int
    prob: float


@dataclass(frozen=True)
class Prediction:
    """The top-k classes of one file, most probable first."""

    path: str
    top: tuple[ClassProbability, ...]

    @property
    def label(self) -> str:
        """The predicted class name."""
        return self.top[0].label

    @property
    def prob(self) -> float:
        """The predicted class's probability."""
        return self.top[0].prob

    def to_json_dict(self) -> dict[str, Any]:
        """``{"path", "top": [{"label", "prob"}]}`` (the ``predict --json`` item)."""
        return {"path": self.path, "top": [{"label": c.label, "prob": round(c.prob, 6)} for c in self.top]}


@dataclass(frozen=True)
class PredictionError:
    """A file that could not be classified, with a one-line reason."""

    path: str
    error: str

    def to_json_dict(self) -> dict[str, Any]:
        """``{"path", "error"}`` (the ``predict --json`` item)."""
        return {"path": self.path, "error": self.error}


def imagenet_class_names() -> list[str]:
    """Return the 1000 ImageNet category names, in class-index order (torchvision's list)."""
    from torchvision.models._meta import _IMAGENET_CATEGORIES

    return list(_IMAGENET_CATEGORIES)


def collect_image_paths(inputs: Iterable[str | os.PathLike]) -> list[str]:
    """Expand files and folders into the list of files to classify.

    A file given by name is always kept (so a non-image gets its own error message); a folder
    contributes its image files (by extension, recursively, hidden files skipped, sorted).
    A path that does not exist is kept too and reported as missing by ``predict``.
    """
    from cnn_studio.core.data.decode import is_image_name

    result: list[str] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = [str(p) for p in sorted(path.rglob("*"))
                     if p.is_file() and is_image_name(p.name)
                     and not any(part.startswith(".") for part in p.relative_to(path).parts)]
            result.extend(found)
        else:
            result.append(str(path))
    return list(dict.fromkeys(result))


@dataclass(eq=False)
class Predictor:
    """A model ready to classify files with the evaluation preprocessing.

    Attributes:
        model: the network, in eval mode, on ``device``.
        class_names: one name per output.
        mean, std: per-channel normalisation (0..1 units).
        image_size: decoded size (``decode_image``'s ``size``).
        input_size: the model's input size (``normalize_batch`` resizes to it).
        model_name: the zoo name.
        source: what was loaded, for titles (a checkpoint path or "ImageNet").
        stages: module paths from input to head (the activation overview).
        head: dotted path of the classifier layer ('' if unknown).
    """

    model: Any
    class_names: list[str]
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    image_size: int
    input_size: int
    model_name: str = ""
    source: str = ""
    stages: tuple[str, ...] = ()
    head: str = ""
    device: str = "cpu"
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    # --- construction ----------------------------------------------------------------------
    @classmethod
    def from_checkpoint(cls, path: str | os.PathLike, *, device: str = "cpu") -> "Predictor":
        """Load a CNN Studio checkpoint (``best.pt``/``last.pt``) for prediction.

        Raises:
            CheckpointError: not a usable checkpoint.
        """
        from cnn_studio.core.checkpoint import load_checkpoint
        from cnn_studio.core.models.weights import build_model_from_checkpoint

        ckpt = load_checkpoint(path, map_location="cpu")
        model = build_model_from_checkpoint(ckpt)
        info = _model_info(ckpt["model_name"])
        default_norm = (0.5, 0.5, 0.5)  # only for checkpoints written without their statistics
        mean = ckpt.get("mean") or getattr(info, "mean", None) or default_norm
        std = ckpt.get("std") or getattr(info, "std", None) or default_norm
        image_size = int(ckpt.get("image_size") or ckpt.get("input_size") or getattr(info, "input_size", 32))
        input_size = int(ckpt.get("input_size") or image_size)
        return cls(
            model=model.to(device).eval(),
            class_names=[str(c) for c in ckpt["class_names"]],
            mean=tuple(float(v) for v in mean),
            std=tuple(float(v) for v in std),
            image_size=image_size,
            input_size=input_size,
            model_name=str(ckpt["model_name"]),
            source=str(path),
            stages=tuple(getattr(info, "stages", ()) or ()),
            head=str(getattr(info, "head", "") or ""),
            device=device,
        )

    @classmethod
    def imagenet(cls, *, device: str = "cpu") -> "Predictor":
        """The zoo's bundled ImageNet model (EfficientNet-Lite0) with its 1000 class names (offline).

        Preprocessing (input size, mean, std) comes from the weights' metadata.

        Raises:
            ModelError: the weights package is missing.
        """
        from cnn_studio.core.models.weights import bundled_imagenet_model, imagenet_weights, load_imagenet_model

        name = bundled_imagenet_model()
        weights = imagenet_weights(name)
        info = _model_info(name)
        return cls(
            model=load_imagenet_model(name).to(device).eval(),
            class_names=imagenet_class_names(),
            mean=tuple(weights.mean),
            std=tuple(weights.std),
            image_size=weights.input_size,
            input_size=weights.input_size,
            model_name=name,
            source="ImageNet",
            stages=tuple(getattr(info, "stages", ()) or ()),
            head=str(getattr(info, "head", "") or ""),
            device=device,
        )

    # --- preprocessing ---------------------------------------------------------------------
    def decode(self, path: str | os.PathLike) -> np.ndarray:
        """Decode one file to uint8 3 x S x S (S = ``image_size``).

        Raises:
            ImageDecodeError: missing, empty, not an image, or damaged.
        """
        from cnn_studio.core.data.decode import decode_image

        return decode_image(path, self.image_size)

    def normalize(self, uint8_batch) -> Any:
        """Turn uint8 N x 3 x S x S (array or tensor) into the model's normalised input batch."""
        import torch

        from cnn_studio.core.data.loader import normalize_batch

        batch = torch.as_tensor(np.asarray(uint8_batch)).to(self.device)
        return normalize_batch(batch, self.mean, self.std, self.input_size)

    def preprocess(self, path: str | os.PathLike) -> Any:
        """Return the normalised 1 x 3 x H x W input tensor for one file (evaluation preprocessing)."""
        return self.normalize(self.decode(path)[None])

    def pixels_to_image(self, pixels: np.ndarray) -> np.ndarray:
        """uint8 3 x S x S -> H x W x 3 (for drawing the picture the model sees)."""
        return np.ascontiguousarray(np.asarray(pixels).transpose(1, 2, 0))

    def explain(self, pixels: np.ndarray, *, class_index: int | None = None,
                layer: str | None = None) -> Any:
        """Grad-CAM (``viz.gradcam.GradCam``) of decoded pixels (uint8 3 x S x S) under the lock."""
        from cnn_studio.core.viz.gradcam import gradcam

        with self.lock:
            return gradcam(self.model, self.normalize(np.asarray(pixels)[None]),
                           class_index=class_index, layer=layer)

    # --- prediction ------------------------------------------------------------------------
    def predict_batches(
        self,
        paths: Sequence[str | os.PathLike],
        topk: int = 5,
        *,
        batch_size: int = 32,
        cancel: CancelCheck | None = None,
    ) -> Iterator[list[Prediction | PredictionError]]:
        """Yield results batch by batch, in input order (for progress and cancellation).

        Raises:
            Cancelled: ``cancel()`` became true between batches.
        """
        import torch

        from cnn_studio.core.data.decode import ImageDecodeError

        k = max(1, min(int(topk), len(self.class_names)))
        items = [str(p) for p in paths]
        for start in range(0, len(items), max(1, batch_size)):
            check_cancelled(cancel)
            chunk = items[start:start + batch_size]
            results: list[Prediction | PredictionError | None] = [None] * len(chunk)
            pixels, where = [], []
            for i, path in enumerate(chunk):
                error = _missing(path)
                if error:
                    results[i] = PredictionError(path, error)
                    continue
                try:
                    pixels.append(self.decode(path))
                    where.append(i)
                except ImageDecodeError as exc:
                    results[i] = PredictionError(path, exc.reason)
            if pixels:
                with self.lock, torch.inference_mode():
                    self.model.eval()
                    logits = self.model(self.normalize(np.stack(pixels)))
                    probs = torch.softmax(logits.float(), dim=1)
                    values, indices = probs.topk(k, dim=1)
                values, indices = values.cpu().numpy(), indices.cpu().numpy()
                for row, i in enumerate(where):
                    top = tuple(ClassProbability(self.class_names[int(c)], int(c), float(p))
                                for p, c in zip(values[row], indices[row]))
                    results[i] = Prediction(chunk[i], top)
            yield [r for r in results if r is not None]

    def predict(
        self,
        paths: Sequence[str | os.PathLike],
        topk: int = 5,
        *,
        batch_size: int = 32,
        progress: Progress | None = None,
        cancel: CancelCheck | None = None,
    ) -> list[Prediction | PredictionError]:
        """Classify files; one result per path, in order.

        Args:
            paths: image files (see :func:`collect_image_paths` for folders).
            topk: classes per file.
            batch_size: files decoded and run together.
            progress: called with ``(done, total)`` after each batch.
            cancel: when ``cancel()`` is true, raises ``Cancelled`` between batches.
        """
        results: list[Prediction | PredictionError] = []
        for batch in self.predict_batches(paths, topk, batch_size=batch_size, cancel=cancel):
            results.extend(batch)
            if progress is not None:
                progress(len(results), len(paths))
        return results


def _missing(path: str) -> str | None:
    p = Path(path)
    if not p.exists():
        return "file not found"
    if p.is_dir():
        return "is a folder, not an image file"
    return None


def _model_info(name: str) -> Any:
    """The zoo's ModelInfo for ``name``, or None when the registry does not know it."""
    try:
        from cnn_studio.core.models.registry import get_model_info

        return get_model_info(name)
    except (ImportError, UserError, KeyError):
        return None


def load_predictor(checkpoint: str | os.PathLike | None = None, *, model: str | None = None,
                   pretrained: str | None = None, device: str = "cpu") -> Predictor:
    """The predictor the CLI and the GUI ask for: a checkpoint, or ``model``+``pretrained``.

    Raises:
        UserError: neither or both given, or a model/pretrained pair that has no bundled classifier.
    """
    if checkpoint is not None and model is not None:
        raise UserError("Give either --checkpoint or --model, not both.")
    if checkpoint is not None:
        return Predictor.from_checkpoint(checkpoint, device=device)
    from cnn_studio.core.models.weights import bundled_imagenet_model

    bundled = bundled_imagenet_model()
    if model is None:
        raise UserError(f"Give a model to predict with: --checkpoint FILE, or --model {bundled} --pretrained imagenet.")
    if model != bundled or (pretrained or "imagenet") != "imagenet":
        raise UserError(f"Only '--model {bundled} --pretrained imagenet' classifies without a checkpoint; "
                        "for other models train one and pass --checkpoint.")
    return Predictor.imagenet(device=device)

