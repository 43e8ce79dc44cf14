"""atomic_write: all or nothing, and files as readable as any other new file."""

import os
import stat

import pytest

from cnn_studio.core import atomic
from cnn_studio.core.atomic import atomic_write


def test_success_replaces_the_file_with_umask_permissions(tmp_path):
    target = tmp_path / "sub" / "config.json"
    with atomic_write(target, "w", encoding="utf-8") as handle:
        handle.write("new")
    assert target.read_text() == "new"
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~atomic._UMASK
    assert [p.name for p in target.parent.iterdir()] == ["config.json"]


def test_failure_mid_write_keeps_the_old_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "last.pt"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_write(target) as handle:
            handle.write(b"half")
            raise RuntimeError("killed")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["last.pt"]
