"""CIFAR-10 "python version" (pickle batches) to an image folder of PNGs.

``convert_cifar(SRC, DST)`` reads ``batches.meta``, ``data_batch_*`` and ``test_batch`` from
``cifar-10-batches-py/`` and writes ``DST/train/<class>/<file>.png`` and ``DST/test/<class>/...``
with the class names of ``batches.meta`` and the original file names of the batches, the layout of
the common CIFAR-10 image-dir repositories. ``download_cifar10`` fetches the archive with
torchvision first (needs internet; never run in tests).
"""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from cnn_studio.core.errors import Cancelled, DatasetError
from cnn_studio.core.progress import CancelCheck, Progress


FOLDER_NAME = "cifar-10-batches-py"


def _find_batches(src: Path) -> Path:
    if (src / "batches.meta").is_file():
        return src
    if (src / FOLDER_NAME / "batches.meta").is_file():
        return src / FOLDER_NAME
    raise DatasetError(f"{src} is not a CIFAR-10 python-version folder (no batches.meta); "
                       f"choose the '{FOLDER_NAME}' folder.")


def _load_pickle(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            data = pickle.load(fh, encoding="bytes")  # noqa: S301 - the official format is pickle
    except (OSError, pickle.UnpicklingError, EOFError, ValueError) as exc:
        raise DatasetError(f"Cannot read the CIFAR batch {path} ({type(exc).__name__}); "
                           "download the dataset again.") from None
    if not isinstance(data, dict):
        raise DatasetError(f"{path} is not a CIFAR batch; download the dataset again.")
    return {k.decode() if isinstance(k, bytes) else k: v for k, v in data.items()}


def _text(value: bytes | str) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _safe_name(name: str) -> str:
    name = os.path.basename(name.replace("\\", "/")) or "image"
    stem = os.path.splitext(name)[0]
    return stem + ".png"


def convert_cifar(src: str | os.PathLike, dst: str | os.PathLike, progress: Progress | None = None,
                  cancel: CancelCheck | None = None) -> Path:
    """Convert CIFAR-10 pickle batches to ``DST/train/<class>/*.png`` and ``DST/test/<class>/*.png``.

    Args:
        src: The ``cifar-10-batches-py`` folder (or its parent).
        dst: Output folder (created; existing files of the same name are overwritten).
        progress: ``progress(done, total)`` in images.
        cancel: Returns True to stop (raises ``Cancelled``).

    Returns:
        The output folder.

    Raises:
        DatasetError: ``src`` is not a CIFAR-10 python-version folder or a batch is unreadable.
    """
    folder = _find_batches(Path(src))
    meta = _load_pickle(folder / "batches.meta")
    names = [_text(n) for n in meta.get("label_names", [])]
    if not names:
        raise DatasetError(f"{folder / 'batches.meta'} has no label_names; download the dataset again.")
    train_files = sorted(folder.glob("data_batch_*"))
    batches = [("train", p) for p in train_files]
    if (folder / "test_batch").is_file():
        batches.append(("test", folder / "test_batch"))
    if not train_files:
        raise DatasetError(f"{folder} has no data_batch_* files; download the dataset again.")
    loaded = []
    for split, path in batches:
        b = _load_pickle(path)
        try:
            data = np.asarray(b["data"], dtype=np.uint8).reshape(-1, 3, 32, 32)
            labels = [int(v) for v in b["labels"]]
        except (KeyError, ValueError) as exc:
            raise DatasetError(f"{path} is not a CIFAR-10 batch ({exc}); download the dataset again.") from None
        files = [_text(f) for f in b.get("filenames", [])] or [f"{split}_{path.name}_{i:05d}.png"
                                                               for i in range(len(labels))]
        if len(labels) != len(data) or len(files) != len(data) or any(not 0 <= y < len(names) for y in labels):
            raise DatasetError(f"{path} has inconsistent data and labels; download the dataset again.")
        loaded.append((split, data, labels, files))
    total = sum(len(x[1]) for x in loaded)
    out = Path(dst)
    for split in {s for s, *_ in loaded}:
        for name in names:
            (out / split / name).mkdir(parents=True, exist_ok=True)
    done = 0
    used: set[tuple[str, str, str]] = set()
    for split, data, labels, files in loaded:
        pixels = data.transpose(0, 2, 3, 1)
        for i in range(len(labels)):
            name = _safe_name(files[i])
            key = (split, names[labels[i]], name)
            if key in used:  # a repeated file name: keep both
                name = f"{os.path.splitext(name)[0]}_{done}.png"
                key = (split, names[labels[i]], name)
            used.add(key)
            Image.fromarray(pixels[i]).save(out / split / names[labels[i]] / name, compress_level=1)
            done += 1
            if done % 500 == 0 or done == total:
                if cancel and cancel():
                    raise Cancelled()
                if progress:
                    progress(done, total)
    return out


def download_cifar10(dst: str | os.PathLike, progress: Progress | None = None) -> Path:
    """Download CIFAR-10 with torchvision (needs internet) and convert it to ``dst``.

    Returns:
        The converted image folder.
    """
    from torchvision.datasets import CIFAR10  # lazy: only this path needs it

    with tempfile.TemporaryDirectory(prefix="cifar10-") as tmp:
        try:
            CIFAR10(root=tmp, train=True, download=True)
        except (OSError, RuntimeError) as exc:
            raise DatasetError(f"Downloading CIFAR-10 failed ({exc}); check the internet connection.") from None
        return convert_cifar(Path(tmp) / FOLDER_NAME, dst, progress=progress)
