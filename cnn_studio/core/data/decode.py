"""The one preprocessing from an image file to pixels: ``decode_image``.

Used by the decoded-tensor cache, the streaming loader and inference, so a picture becomes the
same ``uint8 3 x S x S`` array everywhere. Imports only numpy and Pillow (no torch): the decoder
processes start fast.

Any mode loads as RGB (gray, palette, RGBA composited on white, 16-bit, CMYK; the first frame of
an animation). The shorter side is resized to ``size`` and the centre cropped, as torchvision's
``Resize(size) + CenterCrop(size)`` does. A file whose header declares more than
``MAX_IMAGE_PIXELS`` pixels is refused before any pixel is allocated (decompression bombs).
"""

from __future__ import annotations

import hashlib
import io
import os
import warnings
from pathlib import Path
from typing import BinaryIO, Union

import numpy as np
from PIL import Image, UnidentifiedImageError

from cnn_studio.core.errors import DatasetError

# Bump when the decoded pixels of the same file would change: it invalidates every cache.
DECODER_VERSION = 1

# The one list of image file extensions (lower case, with the dot): dataset scans, predict's folder
# expansion, the window's drops and its file dialogs all use it.
IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"})

# 50 megapixels: a 8000 x 6000 photo still loads; a "bomb" PNG of 30000 x 30000 does not.
MAX_IMAGE_PIXELS = 50_000_000

Source = Union[str, os.PathLike, bytes, BinaryIO]


class ImageDecodeError(DatasetError):
    """A file is not a usable image; ``reason`` is a one-line explanation."""

    def __init__(self, reason: str, path: str | None = None):
        self.reason = reason
        self.path = path
        super().__init__(f"{path}: {reason}" if path else reason)


def is_image_name(name: str) -> bool:
    """Return True if the file name has an image extension (case-insensitive)."""
    dot = name.rfind(".")
    return dot > 0 and name[dot:].lower() in IMAGE_EXTENSIONS


def image_name_patterns() -> str:
    """Return the extensions as file-dialog patterns: ``"*.bmp *.gif ... *.webp"`` (sorted)."""
    return " ".join(f"*{ext}" for ext in sorted(IMAGE_EXTENSIONS))


def read_bytes(path: str | os.PathLike) -> bytes:
    """Read a whole file, turning OS errors into ``ImageDecodeError``."""
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise ImageDecodeError(f"cannot read the file ({exc.strerror or exc})") from None


def file_digest(data: bytes) -> str:
    """Return a short hash of a file's bytes (for duplicate detection)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _to_rgb_array(img: Image.Image) -> np.ndarray:
    """Return an H x W x 3 uint8 array for any Pillow mode."""
    mode = img.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        arr = np.asarray(img, dtype=np.float64) if mode == "F" else np.asarray(img).astype(np.float64)
        # 16-bit data (I;16, or I holding values above 255) spans 0..65535; small I values are 8-bit.
        top = 65535.0 if mode.startswith("I;16") or float(arr.max(initial=0)) > 255 else 255.0
        if mode == "F":
            lo = float(arr.min())
            top = float(arr.max())
            arr = arr - lo
            top = max(top - lo, 1e-12)
        gray = np.clip(arr * (255.0 / top) + 0.5, 0, 255).astype(np.uint8)
        return np.repeat(gray[:, :, None], 3, axis=2)
    if mode == "P" and "transparency" in img.info:
        img = img.convert("RGBA")
        mode = "RGBA"
    if mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(background, rgba).convert("RGB")
    elif mode != "RGB":
        img = img.convert("RGB")
    return np.asarray(img)


def _open(source: Source) -> Image.Image:
    if isinstance(source, (bytes, bytearray)):
        if not source:
            raise ImageDecodeError("empty file")
        fp: BinaryIO = io.BytesIO(source)
    elif isinstance(source, (str, os.PathLike)):
        data = read_bytes(source)
        if not data:
            raise ImageDecodeError("empty file")
        fp = io.BytesIO(data)
    else:
        fp = source
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(fp)
    except UnidentifiedImageError:
        raise ImageDecodeError("not an image (unrecognised format)") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageDecodeError("image too large (possible decompression bomb); refused") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageDecodeError(f"not a readable image ({_short(exc)})") from None


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]


def load_rgb(source: Source, size_hint: int | None = None) -> np.ndarray:
    """Decode a file at (about) its own size: H x W x 3 uint8.

    ``size_hint`` lets large JPEGs decode at a reduced scale that is still >= the hint.
    """
    return _load(source, size_hint)[0]


def load_rgb_sized(source: Source, size_hint: int | None = None) -> tuple[np.ndarray, tuple[int, int]]:
    """Like ``load_rgb`` and also return the file's own ``(width, height)`` from its header."""
    return _load(source, size_hint)


def _load(source: Source, size: int | None) -> tuple[np.ndarray, tuple[int, int]]:
    img = _open(source)
    try:
        width, height = img.size
        if width <= 0 or height <= 0:
            raise ImageDecodeError("image has no pixels")
        if width * height > MAX_IMAGE_PIXELS:
            raise ImageDecodeError(
                f"image too large ({width} x {height} pixels, limit {MAX_IMAGE_PIXELS:,}); "
                "possible decompression bomb, refused")
        if getattr(img, "n_frames", 1) > 1:
            img.seek(0)
        if size is not None and img.format == "JPEG" and min(width, height) >= 2 * size:
            img.draft("RGB", (size, size))  # JPEG DCT scaling: decode fewer pixels
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img.load()
        arr = _to_rgb_array(img)
    except ImageDecodeError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageDecodeError("image too large (possible decompression bomb); refused") from None
    except OSError as exc:
        msg = str(exc).lower()
        if "truncated" in msg or "premature" in msg or "broken" in msg or "end of file" in msg:
            raise ImageDecodeError("truncated or damaged image data") from None
        raise ImageDecodeError(f"cannot decode the image ({_short(exc)})") from None
    except (SyntaxError, ValueError, IndexError, EOFError, TypeError) as exc:
        raise ImageDecodeError(f"cannot decode the image ({_short(exc)})") from None
    finally:
        img.close()
    return arr, (width, height)


def fit_square(arr: np.ndarray, size: int) -> np.ndarray:
    """Resize the shorter side of an H x W x 3 array to ``size`` and centre-crop; 3 x S x S."""
    h, w = arr.shape[:2]
    if (h, w) != (size, size):
        scale = size / min(h, w)
        new_w, new_h = max(size, round(w * scale)), max(size, round(h * scale))
        img = Image.fromarray(arr)
        if (new_w, new_h) != (w, h):
            img = img.resize((new_w, new_h), Image.BILINEAR, reducing_gap=3.0)
        left, top = (new_w - size) // 2, (new_h - size) // 2
        arr = np.asarray(img)[top:top + size, left:left + size]
    return np.ascontiguousarray(arr.transpose(2, 0, 1))


def decode_image(source: Source, size: int) -> np.ndarray:
    """Decode one image file into a ``uint8`` array of shape ``3 x size x size``.

    Args:
        source: A path, the file's bytes, or a binary file object.
        size: Working size: the shorter side is resized to it, then the centre is cropped.

    Returns:
        The RGB pixels, channels first.

    Raises:
        ImageDecodeError: The file is empty, truncated, not an image, or too large.
    """
    try:
        return fit_square(_load(source, size)[0], size)
    except ImageDecodeError as exc:
        if exc.path is None and isinstance(source, (str, os.PathLike)):
            raise ImageDecodeError(exc.reason, str(source)) from None
        raise


def image_header_size(path: str | os.PathLike) -> tuple[int, int] | None:
    """Return ``(width, height)`` from a file's header without decoding, or None if unreadable."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(Path(path)) as img:
                return img.size
    except Exception:  # noqa: BLE001 - any failure means "unknown"; decoding reports it properly
        return None
