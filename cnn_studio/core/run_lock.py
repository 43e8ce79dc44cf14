"""One writer per run folder: a lock file that records its owner (pid, host) and dies with it.

``owner.lock`` in the run folder holds ``{"pid", "host", "started"}`` and an operating-system lock
(``flock`` on POSIX, ``msvcrt.locking`` on Windows) held by the training process for the whole
run. The OS drops that lock when the process ends in any way (exit, crash, ``kill -9``, power cut
followed by a reboot), so a reader can tell a live owner from a dead one without trusting pids:

- :class:`RunLock` is taken by the process that trains; a second writer gets
  :class:`~cnn_studio.core.errors.RunLockedError` (one sentence, exit 2 in the CLI).
- :func:`owner_state` says ``"alive"``, ``"dead"`` (the file is there, its lock is not: the writer
  died and the run is *interrupted*) or ``"none"`` (no lock file: no run in progress, or an older
  CNN Studio).

A normal end removes the file. Where the file system has no locks, the pid (same host) decides.
"""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path
from typing import Any

from cnn_studio.core.atomic import storage_error
from cnn_studio.core.errors import RunLockedError

LOCK_FILE = "owner.lock"
# A reader probing the lock (the Runs view) holds it for microseconds: retry this long first.
ACQUIRE_RETRY_S = 1.0
_WINDOWS_LOCK_OFFSET = 1 << 20  # lock a byte past the JSON text, so readers can still read it

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
try:
    import msvcrt
except ImportError:  # POSIX
    msvcrt = None  # type: ignore[assignment]


class RunLock:
    """The exclusive right to write one run folder; use as a context manager or acquire/release."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self.path = self.folder / LOCK_FILE
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None

    def acquire(self) -> "RunLock":
        """Take the lock or raise RunLockedError (another live writer) / StorageError (cannot write)."""
        if self._fd is not None:
            return self
        deadline = time.monotonic() + ACQUIRE_RETRY_S
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            except OSError as exc:
                raise storage_error(exc, self.path) from None
            locked = _try_lock(fd)
            if locked is False or (locked is None and owner_state(self.folder) == "alive"):
                os.close(fd)
                if time.monotonic() < deadline:
                    time.sleep(0.05)
                    continue
                raise RunLockedError(busy_message(self.folder))
            if not _same_file(fd, self.path):  # the previous owner removed it meanwhile: start over
                os.close(fd)
                continue
            self._fd = fd
            self._write_owner()
            return self

    def _write_owner(self) -> None:
        info = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}
        data = json.dumps(info).encode("utf-8")
        try:
            os.ftruncate(self._fd, 0)
            os.lseek(self._fd, 0, os.SEEK_SET)
            os.write(self._fd, data)
        except OSError as exc:
            self.release()
            raise storage_error(exc, self.path) from None

    def release(self) -> None:
        """Remove the lock file and drop the lock (safe to call twice)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        if os.name == "posix":  # unlink while still holding: a waiting opener sees a stale inode
            _unlink(self.path)
        _unlock(fd)
        os.close(fd)
        if os.name != "posix":
            _unlink(self.path)

    def __enter__(self) -> "RunLock":
        return self.acquire()

    def __exit__(self, *exc: Any) -> None:
        self.release()


def read_owner(folder: str | os.PathLike[str]) -> dict[str, Any] | None:
    """Return the recorded owner ``{"pid", "host", "started"}`` of a run folder, or None."""
    try:
        data = json.loads((Path(folder) / LOCK_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def owner_state(folder: str | os.PathLike[str]) -> str:
    """Return ``"alive"``, ``"dead"`` (the writer died: the run is interrupted) or ``"none"``."""
    path = Path(folder) / LOCK_FILE
    if not path.exists():
        return "none"
    if fcntl is None and msvcrt is None:
        return _state_from_pid(read_owner(folder))
    try:
        fd = os.open(path, os.O_RDONLY if fcntl is not None else os.O_RDWR)
    except FileNotFoundError:
        return "none"
    except OSError:
        return _state_from_pid(read_owner(folder))
    try:
        if fcntl is not None:  # a shared probe: never makes a starting writer fail for long
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return "alive"
            except OSError:  # no locks on this file system
                return _state_from_pid(read_owner(folder))
            fcntl.flock(fd, fcntl.LOCK_UN)
            return "dead"
        got = _try_lock(fd)
        if got:
            _unlock(fd)
        return "alive" if got is False else ("dead" if got else _state_from_pid(read_owner(folder)))
    finally:
        os.close(fd)


def busy_message(folder: str | os.PathLike[str]) -> str:
    """The one sentence for a run folder that another process is writing."""
    owner = read_owner(folder) or {}
    who = f" (pid {owner.get('pid')} on {owner.get('host')})" if owner.get("pid") else ""
    return (f"The run folder {folder} is being written by another CNN Studio process{who}; wait for it to "
            "finish or stop it, then try again.")


def _try_lock(fd: int) -> bool | None:
    """Lock ``fd`` exclusively without waiting: True, False (held elsewhere) or None (no locking here)."""
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        elif msvcrt is not None:
            os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            return None
    except (BlockingIOError, PermissionError):
        return False
    except OSError:
        return None
    return True


def _unlock(fd: int) -> None:
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
        elif msvcrt is not None:
            os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    except OSError:
        pass


def _same_file(fd: int, path: Path) -> bool:
    try:
        a, b = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (a.st_ino, a.st_dev) == (b.st_ino, b.st_dev) or os.name != "posix"


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def _state_from_pid(owner: dict[str, Any] | None) -> str:
    """Without OS locks: same host and a live pid means alive; another host cannot be checked."""
    if not owner or not isinstance(owner.get("pid"), int):
        return "dead"
    if owner.get("host") != socket.gethostname():
        return "alive"
    return "alive" if pid_alive(owner["pid"]) else "dead"


def pid_alive(pid: int) -> bool:
    """True if a process with this id exists on this machine."""
    if pid <= 0:
        return False
    if os.name == "nt":
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        ok = ctypes.windll.kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        ctypes.windll.kernel32.CloseHandle(handle)
        return bool(ok) and code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
