"""OpenMP threads sleep when idle (OMP_WAIT_POLICY=PASSIVE) from the entry points, unless the user chose."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cnn_studio.cpu_sharing import apply_cpu_sharing_defaults, cpu_sharing_defaults

REPO = Path(__file__).resolve().parents[2]

# Records OMP_WAIT_POLICY at the moment torch is first imported, then runs the entry point.
_PROBE = """
import os, sys
seen = []
class Probe:
    def find_spec(self, name, path=None, target=None):
        if name == "torch" and not seen:
            seen.append(os.environ.get("OMP_WAIT_POLICY", "<unset>"))
        return None
sys.meta_path.insert(0, Probe())
sys.argv = ["cnn-studio", "models", "simple_cnn", "--classes", "2", "--json"]
try:
    {entry}
finally:  # python -m cnn_studio ends in sys.exit
    print("AT_TORCH_IMPORT=" + (seen[0] if seen else "<torch not imported>"), file=sys.stderr)
"""

_ENTRIES = {
    "script": "from cnn_studio.cli import main; main(sys.argv[1:])",  # the cnn-studio console script
    "module": "import runpy; runpy.run_module('cnn_studio', run_name='__main__')",  # python -m cnn_studio
}


def test_defaults_respect_a_users_choice():
    assert cpu_sharing_defaults({}) == {"OMP_WAIT_POLICY": "PASSIVE"}
    for name in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "KMP_BLOCKTIME"):
        assert cpu_sharing_defaults({name: "1"}) == {}
    env = {"PATH": "/bin"}
    assert apply_cpu_sharing_defaults(env) == {"OMP_WAIT_POLICY": "PASSIVE"} and env["OMP_WAIT_POLICY"] == "PASSIVE"
    mine = {"OMP_WAIT_POLICY": "ACTIVE"}
    assert apply_cpu_sharing_defaults(mine) == {} and mine == {"OMP_WAIT_POLICY": "ACTIVE"}


def _run(entry: str, **env_changes: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "KMP_BLOCKTIME")}
    env.update(env_changes, PYTHONPATH=str(REPO))
    code = _PROBE.replace("{entry}", _ENTRIES[entry])
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    return [line for line in done.stderr.splitlines() if line.startswith("AT_TORCH_IMPORT=")][0].split("=", 1)[1]


@pytest.mark.parametrize("entry, user_value, expected", [
    ("script", None, "PASSIVE"), ("module", None, "PASSIVE"), ("script", "ACTIVE", "ACTIVE"),
])
def test_entry_points_set_passive_before_torch_loads(entry, user_value, expected):
    assert _run(entry, **({"OMP_WAIT_POLICY": user_value} if user_value else {})) == expected
