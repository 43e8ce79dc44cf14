"""Predictions as a table: names relative to the folder given, and a CSV that Excel opens.

Used by ``cnn-studio predict --csv`` and the Predict view's export: one row per file,
``path, [true_class,] label_1, prob_1, ..., label_k, prob_k, error`` (``true_class`` when the files
were labelled by their class sub-folders, see ``core.folder_eval``). The file is UTF-8 with a byte-order mark,
so Excel shows non-ASCII class and file names correctly, and paths use ``/`` on every OS.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Iterable, Sequence

from cnn_studio.core.atomic import atomic_write
from cnn_studio.core.inference import Prediction, PredictionError


def relative_names(paths: Sequence[str], inputs: Iterable[str | os.PathLike]) -> list[str]:
    """Return each path relative to the input folder it was found in (``/`` separators).

    A file under one of the folders in ``inputs`` is named relative to it (``cat/img1.jpg``);
    with several folders given, the folder's own name comes first (``photos/cat/img1.jpg``) so
    equal names in different folders stay apart. A file given by name keeps the name it was given.
    """
    folders = [Path(p) for p in inputs if Path(p).is_dir()]
    several = len(folders) > 1
    names = []
    for path in paths:
        p = Path(path)
        name = p.as_posix()
        for folder in folders:
            try:
                rel = p.relative_to(folder).as_posix()
            except ValueError:
                continue
            name = f"{folder.resolve().name}/{rel}" if several else rel
            break
        names.append(name)
    return names


def prediction_rows(results: Sequence[Prediction | PredictionError], names: Sequence[str],
                    topk: int, true_classes: Sequence[str] | None = None) -> list[list[str]]:
    """Return the header and one row per result (top-k labels and probabilities, or the error).

    ``true_classes`` (one name per result, '' when unknown) adds a ``true_class`` column after ``path``.
    """
    header = ["path"] + (["true_class"] if true_classes is not None else [])
    lead = len(header)
    for rank in range(1, topk + 1):
        header += [f"label_{rank}", f"prob_{rank}"]
    rows = [header + ["error"]]
    for i, (result, name) in enumerate(zip(results, names)):
        row = [name] + ([true_classes[i]] if true_classes is not None else [])
        if isinstance(result, Prediction):
            for c in result.top[:topk]:
                row += [c.label, f"{c.prob:.6f}"]
            row += [""] * (lead + 2 * topk - len(row)) + [""]
        else:
            row += [""] * (2 * topk) + [result.error]
        rows.append(row)
    return rows


def write_predictions_csv(path: str | os.PathLike, results: Sequence[Prediction | PredictionError],
                          names: Sequence[str], topk: int, true_classes: Sequence[str] | None = None) -> None:
    """Write the predictions to ``path`` as CSV (UTF-8 with BOM), atomically (see :func:`prediction_rows`).

    Raises:
        OSError: The file could not be written.
    """
    text = io.StringIO(newline="")
    csv.writer(text).writerows(prediction_rows(results, names, topk, true_classes))  # rows end in \r\n (RFC 4180)
    with atomic_write(Path(path), "wb") as fh:
        fh.write(text.getvalue().encode("utf-8-sig"))
