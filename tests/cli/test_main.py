"""The command-line entry point (cli/__init__.py): broken pipes end quietly."""

from __future__ import annotations

import subprocess
import sys

from cnn_studio.cli import EXIT_BROKEN_PIPE, main


def test_broken_pipe_exits_quietly_in_process(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    code = main(["models", "--json"])
    monkeypatch.undo()
    assert code == EXIT_BROKEN_PIPE and "Traceback" not in capsys.readouterr().err


def test_broken_pipe_through_head_prints_no_traceback(tmp_path):
    cmd = f"{sys.executable} -m cnn_studio models --json | head -c 5 > /dev/null; exit ${{PIPESTATUS[0]}}"
    proc = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr and "BrokenPipeError" not in proc.stderr
    assert proc.returncode in (0, EXIT_BROKEN_PIPE)


class _ClosedPipe:
    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self):
        raise BrokenPipeError(32, "Broken pipe")
