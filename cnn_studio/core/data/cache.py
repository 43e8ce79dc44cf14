"""The on-disk cache of decoded datasets: one file per dataset folder and settings.

File layout (little-endian)::

    magic (16 bytes) | meta length (u64) | meta crc32 (u32) | data crc32 (u32) | meta JSON | data

The data part holds each split's ``uint8 N x 3 x S x S`` pixels and ``int64`` labels, one after
the other. The key (a hash of the file list with sizes and mtimes, the working size, the split
settings and the decoder version) is in the file name and in the meta. The meta also keeps the
settings asked for and the mtimes of the folders that hold the files, so a reopen can find the
cache without listing every file (``dataset.open_dataset(verify="background")``). A file whose magic, key,
length or checksums do not match is stale or corrupt: it is deleted and the set is decoded again.
Writes are atomic (temporary file, then rename), so a crash never leaves a half file behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from cnn_studio import paths as app_paths
from cnn_studio.core.atomic import atomic_write
from cnn_studio.core.data.decode import DECODER_VERSION

MAGIC = b"CNNSTUDIO-DATA\x00\x03"  # 3: meta has "request" and "folders"
_HEAD = struct.Struct("<16sQII")
_CRC_BLOCK = 16 << 20


def cache_dir_for(cache_dir: str | os.PathLike | None) -> Path:
    """Return the cache folder: ``cache_dir`` if given, else ``<user cache>/datasets``."""
    base = Path(cache_dir) if cache_dir else app_paths.user_cache_dir() / "datasets"
    base.mkdir(parents=True, exist_ok=True)
    return base


def dataset_key(root: str, file_stats: dict[str, tuple[int, int]], settings: dict[str, Any]) -> str:
    """Hash the file list (relative paths, sizes, mtimes), settings and decoder version."""
    h = hashlib.blake2b(digest_size=16)
    h.update(json.dumps({"root": root, "settings": settings, "decoder": DECODER_VERSION}, sort_keys=True).encode())
    # The listing's order is deterministic (sorted folders and files), so no sort is needed here.
    h.update("\n".join(file_stats).encode("utf-8", "surrogateescape"))
    h.update(np.array(list(file_stats.values()), dtype=np.int64).tobytes())
    return h.hexdigest()


def cache_file(cache_dir: Path, root: str, key: str) -> Path:
    """Return the cache file of a dataset folder and key."""
    root_id = hashlib.blake2b(root.encode("utf-8", "surrogateescape"), digest_size=6).hexdigest()
    return cache_dir / f"{root_id}-{key[:24]}.cnnds"


def _crc(buffers: list[memoryview]) -> int:
    crc = 0
    for buf in buffers:
        for i in range(0, len(buf), _CRC_BLOCK):
            crc = zlib.crc32(buf[i:i + _CRC_BLOCK], crc)
    return crc


def write_cache(path: Path, meta: dict[str, Any], arrays: list[np.ndarray]) -> None:
    """Write meta and arrays atomically; ``meta`` gets the arrays' layout added."""
    arrays = [np.ascontiguousarray(a) for a in arrays]
    meta = dict(meta, arrays=[{"dtype": str(a.dtype), "shape": list(a.shape)} for a in arrays])
    meta_bytes = json.dumps(meta, ensure_ascii=False).encode("utf-8", "surrogateescape")
    views = [memoryview(a.reshape(-1).view(np.uint8)) for a in arrays]
    head = _HEAD.pack(MAGIC, len(meta_bytes), zlib.crc32(meta_bytes), _crc(views))
    # No fsync: the checksums catch a file the OS did not finish writing, and a 200 MB fsync can
    # cost a second; the rename keeps readers from seeing a half-written file.
    with atomic_write(path, "wb", fsync=False) as fh:
        fh.write(head)
        fh.write(meta_bytes)
        for v in views:
            fh.write(v)
    # Older caches of the same folder (other keys) are stale now.
    prefix = path.name.split("-")[0] + "-"
    for other in path.parent.glob(prefix + "*.cnnds"):
        if other != path:
            try:
                other.unlink()
            except OSError:
                pass


def read_cache(path: Path, key: str | None, *, check_data: bool = True, map_data: bool = False
               ) -> tuple[dict[str, Any], list[np.ndarray]] | None:
    """Return ``(meta, arrays)`` of a valid cache, or None (missing, stale or corrupt: deleted).

    Args:
        path: The cache file.
        key: The key the file must hold; None accepts any (the caller checks the meta itself).
        check_data: Verify the pixels' checksum now. False leaves it to :func:`data_checksum_ok`
            (a reopen checks it in the background); the meta's checksum is always verified.
        map_data: Map the arrays from the file (copy-on-write, read as they are used) instead of
            reading them now: a reopen then costs milliseconds. POSIX only (on Windows a mapped
            file could not be replaced by the next cache write); elsewhere they are read.
    """
    map_data = map_data and os.name == "posix"
    try:
        fh = open(path, "rb")
    except OSError:
        return None
    with fh:
        try:
            magic, meta_len, meta_crc, data_crc = _HEAD.unpack(fh.read(_HEAD.size))
            if magic != MAGIC or meta_len > 1 << 31:
                raise ValueError("bad magic")
            meta_bytes = fh.read(meta_len)
            if len(meta_bytes) != meta_len or zlib.crc32(meta_bytes) != meta_crc:
                raise ValueError("bad meta")
            meta = json.loads(meta_bytes.decode("utf-8", "surrogateescape"))
            if key is not None and meta.get("key") != key:
                raise ValueError("stale key")
            arrays = _map_arrays(path, meta, _HEAD.size + meta_len) if map_data else _read_arrays(fh, meta)
            meta["data_crc"] = data_crc
            if check_data and not data_checksum_ok(meta, arrays):
                raise ValueError("bad data checksum")
        except (ValueError, KeyError, TypeError, struct.error, OSError, UnicodeDecodeError):
            fh.close()
            discard(path)
            return None
    return meta, arrays


def _read_arrays(fh: Any, meta: dict[str, Any]) -> list[np.ndarray]:
    arrays = []
    for spec in meta["arrays"]:
        arr = np.empty(spec["shape"], dtype=np.dtype(spec["dtype"]))
        if fh.readinto(memoryview(arr.reshape(-1).view(np.uint8))) != arr.nbytes:
            raise ValueError("short data")
        arrays.append(arr)
    if fh.read(1):
        raise ValueError("trailing data")
    return arrays


def _map_arrays(path: Path, meta: dict[str, Any], offset: int) -> list[np.ndarray]:
    specs = [(np.dtype(spec["dtype"]), tuple(spec["shape"])) for spec in meta["arrays"]]
    sizes = [dtype.itemsize * int(np.prod(shape)) for dtype, shape in specs]
    if os.path.getsize(path) != offset + sum(sizes):
        raise ValueError("wrong length")
    arrays = []
    for (dtype, shape), size in zip(specs, sizes):
        # Writes are atomic renames, never in place, so the mapped file never shrinks under us.
        arrays.append(np.memmap(path, dtype=dtype, mode="c", offset=offset, shape=shape) if size
                      else np.empty(shape, dtype=dtype))
        offset += size
    return arrays


def data_checksum_ok(meta: dict[str, Any], arrays: list[np.ndarray]) -> bool:
    """Return True when the arrays read by :func:`read_cache` match the file's data checksum."""
    return _crc([memoryview(a.reshape(-1).view(np.uint8)) for a in arrays]) == meta.get("data_crc")


def caches_of(cache_dir: Path, root: str) -> list[Path]:
    """Return the cache files of a dataset folder (any key; normally one)."""
    prefix = cache_file(cache_dir, root, "").name.split("-")[0] + "-"
    return sorted(cache_dir.glob(prefix + "*.cnnds"))


def folder_names(root: str, file_paths: Any) -> list[str]:
    """Return ``root`` ("") and every folder holding one of the files, relative to ``root``.

    A folder's mtime changes when a file in it is added, removed or renamed, so comparing the
    :func:`folder_times` of these few folders says cheaply whether a cached file list is still
    complete (files edited in place are found by the full check of sizes and mtimes).
    """
    folders = {root}
    for p in file_paths:
        folder = os.path.dirname(p)
        while folder not in folders and len(folder) > len(root):
            folders.add(folder)
            folder = os.path.dirname(folder)
    start = len(root) + 1
    return sorted(f[start:] for f in folders)


def folder_times(root: str, names: list[str]) -> dict[str, int]:
    """Return ``{name: mtime_ns}`` of folders relative to ``root`` (-1 for one that is gone)."""
    times = {}
    for name in names:
        try:
            times[name] = os.stat(os.path.join(root, name) if name else root).st_mtime_ns
        except OSError:
            times[name] = -1
    return times


def discard(path: Path) -> None:
    """Delete a cache file if it exists."""
    try:
        path.unlink()
    except OSError:
        pass
