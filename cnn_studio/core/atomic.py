"""Atomic file writes: the one way CNN Studio writes a file that must never be half-written.

Data goes to a temporary file in the target's folder, is flushed (and fsynced unless asked not
to), then renamed over the target with ``os.replace``. A crash, kill or exception at any moment
leaves the previous file intact and no temporary file behind.

:func:`storage_error` turns a failed write (a full disk, a read-only or foreign folder) into one
sentence that names the folder and the cause; :func:`write_text_atomic` writes text and raises it.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Iterator

from cnn_studio.core.errors import StorageError

# Below this many free bytes a failed write is blamed on a full disk (torch reports it vaguely).
_NEARLY_FULL_BYTES = 64 * 1024 * 1024


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


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 ``text`` atomically; raise :class:`StorageError` (one sentence) if it cannot."""
    target = Path(path)
    try:
        with atomic_write(target, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise storage_error(exc, target) from None
    return target


def storage_error(exc: BaseException, target: str | os.PathLike[str]) -> StorageError:
    """Return the one-sentence :class:`StorageError` for a failed write of ``target``.

    Handles ``OSError`` (ENOSPC, EDQUOT, EROFS, EACCES, EPERM, ...) and the ``RuntimeError`` that
    ``torch.save`` raises when the disk fills mid-write (``unexpected pos``).
    """
    folder = Path(target).parent
    code = getattr(exc, "errno", None)
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)) or (code is None and _nearly_full(folder)):
        cause = "no space is left on its disk (or your quota is used up); free some space or choose another folder"
    elif code == errno.EROFS:
        cause = "it is on a read-only file system; choose a writable folder"
    elif code in (errno.EACCES, errno.EPERM):
        cause = "it is not writable (no permission); choose a folder you can write to"
    elif code in (errno.ENOENT, errno.ENOTDIR):
        cause = "the folder does not exist or a file stands in its place; choose another folder"
    else:
        detail = getattr(exc, "strerror", None) or (str(exc).strip().splitlines() or [type(exc).__name__])[0][:120]
        cause = f"the write failed ({detail}); check the disk and the folder"
    return StorageError(f"Cannot write {Path(target).name} in {folder}: {cause}.")


def _nearly_full(folder: Path) -> bool:
    """True when ``folder``'s disk has almost no free space left (or it cannot be asked)."""
    try:
        return shutil.disk_usage(folder).free < _NEARLY_FULL_BYTES
    except OSError:
        return False
