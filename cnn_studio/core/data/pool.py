"""Decoding many files in parallel processes, with progress and cancellation.

The worker function lives here and imports only numpy and Pillow, so spawned processes start
fast (and the same code works in a frozen app: ``freeze_support`` runs in ``__main__``). Files go
to the workers in chunks; small sets decode in this process, where starting workers would cost
more than it saves.
"""

from __future__ import annotations

import concurrent.futures as futures
import multiprocessing
import os
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from cnn_studio.core.data.decode import ImageDecodeError, file_digest, fit_square, load_rgb_sized, read_bytes
from cnn_studio.core.errors import Cancelled
from cnn_studio.core.progress import CancelCheck, Progress


# Below this many files, decode in-process: spawning workers costs ~0.3 s.
IN_PROCESS_BELOW = 1500
# Files per task sent to a worker: big enough to amortise pickling, small enough for smooth progress.
CHUNK_SIZE = 500


@dataclass
class ChunkResult:
    """What a worker returns for a chunk of files (plain arrays: cheap to pickle)."""

    start: int
    pixels: np.ndarray | None  # k x 3 x S x S uint8 (rows of failed files are zero), or None
    ok: np.ndarray  # k bool
    reasons: list[str | None]
    native_sizes: list[tuple[int, int]]  # (w, h); (0, 0) for failed files
    digests: list[str]
    channel_sums: np.ndarray  # k x 3 float64: sum of pixel values / 255 (after fitting)
    channel_sq_sums: np.ndarray  # k x 3 float64
    pixel_counts: np.ndarray  # k int64


def decode_chunk(start: int, paths: Sequence[str], size: int | None, keep_pixels: bool) -> ChunkResult:
    """Decode a chunk of files (runs in a worker process).

    Args:
        start: Index of the first file in the full list (returned for reassembly).
        paths: The files.
        size: Working size; None decodes at each file's own size (a check, not kept).
        keep_pixels: Return the ``k x 3 x S x S`` pixels (needs ``size``).
    """
    k = len(paths)
    pixels = np.zeros((k, 3, size, size), np.uint8) if keep_pixels and size else None
    ok = np.zeros(k, bool)
    reasons: list[str | None] = [None] * k
    native: list[tuple[int, int]] = [(0, 0)] * k
    digests = [""] * k
    sums = np.zeros((k, 3))
    sq_sums = np.zeros((k, 3))
    counts = np.zeros(k, np.int64)
    for i, path in enumerate(paths):
        try:
            data = read_bytes(path)
            digests[i] = file_digest(data)
            rgb, native[i] = load_rgb_sized(data, size)
            arr = fit_square(rgb, size) if size else rgb.transpose(2, 0, 1)
        except ImageDecodeError as exc:
            reasons[i] = exc.reason
            continue
        except Exception as exc:  # noqa: BLE001 - one bad file must never stop the whole set
            reasons[i] = f"cannot decode the image ({type(exc).__name__}: {str(exc)[:100]})"
            continue
        ok[i] = True
        if pixels is not None:
            pixels[i] = arr
        else:
            flat = arr.reshape(3, -1)
            sums[i] = flat.sum(1, dtype=np.int64) / 255.0
            sq_sums[i] = np.square(flat, dtype=np.int32).sum(1, dtype=np.int64) / 65025.0
            counts[i] = flat.shape[1]
    if pixels is not None and k:
        # Vectorised over the chunk (failed rows are zeros and get a count of 0).
        flat = pixels.reshape(k, 3, -1)
        sums = flat.sum(2, dtype=np.int64) / 255.0
        sq_sums = np.square(flat, dtype=np.int32).sum(2, dtype=np.int64) / 65025.0
        counts = np.where(ok, flat.shape[2], 0).astype(np.int64)
    return ChunkResult(start, pixels, ok, reasons, native, digests, sums, sq_sums, counts)


def default_workers() -> int:
    """Return the number of decoder processes: the CPUs this process may use (at most 8)."""
    try:
        n = len(os.sched_getaffinity(0))  # type: ignore[attr-defined]
    except AttributeError:
        n = os.cpu_count() or 1
    return max(1, min(n, 8))


def decode_files(
    paths: Sequence[str],
    size: int | None,
    *,
    keep_pixels: bool,
    workers: int | None = None,
    in_process_below: int | None = None,
    chunk_size: int = CHUNK_SIZE,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> list[ChunkResult]:
    """Decode ``paths`` (in order) in worker processes; return the chunk results in order.

    Raises:
        Cancelled: ``cancel()`` returned True between chunks.
    """
    total = len(paths)
    workers = workers or default_workers()
    threshold = IN_PROCESS_BELOW if in_process_below is None else in_process_below
    starts = list(range(0, total, chunk_size))
    done = 0
    if progress:
        progress(0, total)
    results: list[ChunkResult] = []
    if total < threshold or workers <= 1:
        # Small chunks in-process so progress and cancellation stay responsive.
        step = min(chunk_size, 200)
        for s in range(0, total, step):
            if cancel and cancel():
                raise Cancelled()
            results.append(decode_chunk(s, paths[s:s + step], size, keep_pixels))
            done = min(total, s + step)
            if progress:
                progress(done, total)
        return results
    context = multiprocessing.get_context("spawn")
    pool = futures.ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        pending = {pool.submit(decode_chunk, s, list(paths[s:s + chunk_size]), size, keep_pixels)
                   for s in starts}
        while pending:
            finished, pending = futures.wait(pending, timeout=0.2, return_when=futures.FIRST_COMPLETED)
            for fut in finished:
                res = fut.result()
                results.append(res)
                done += len(res.ok)
            if progress and finished:
                progress(done, total)
            if cancel and cancel():
                for fut in pending:
                    fut.cancel()
                raise Cancelled()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    results.sort(key=lambda r: r.start)
    return results
