"""Atomic file writes: the one way CNN Studio writes a file that must never be half-written.

Data goes to a temporary file in the target's folder, is flushed (and fsynced unless asked not
to), then renamed over the target with ``os.replace``. A crash, kill or exception at any moment
leaves the previous file intact and no temporary file behind.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Iterator


@contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "wb", *, fsync: bool = True,
                 encoding: str | None = None) -> Iterator[IO[Any]]:
    """Open a temporary file for writing; on success it replaces ``path`` atomically.

    Args:
        path: the file to create or replace; its folder is created if needed.
        mode: ``"wb"`` or ``"w"``.
        fsync: flush the data (and the folder entry) to disk before and after the rename; a
            large cache protected by its own checksums may skip it.
        encoding: text encoding for ``"w"``.
    """
    target = Path(path)
    tmp = temp_file_beside(target)
    try:
        with open(tmp, mode, encoding=encoding) as handle:
            yield handle
            handle.flush()
            if fsync:
                os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if fsync:
        _fsync_dir(target.parent)


def temp_file_beside(target: Path, suffix: str = ".tmp") -> Path:
    """Create an empty hidden temporary file in ``target``'s folder (created if needed).

    Its permissions follow the umask like any new file (``mkstemp`` alone would make it
    owner-only), so the file renamed into place is as readable as one written directly.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    os.close(fd)
    if os.name == "posix":
        os.chmod(name, 0o666 & ~_UMASK)
    return Path(name)


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# Read once at import: os.umask can only be read by setting it, which is not thread-safe later.
_UMASK = _read_umask()


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX); a no-op where folders cannot be opened."""
    if os.name != "posix":
        return
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
