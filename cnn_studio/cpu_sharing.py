"""OpenMP settings that let CPU training share the processor gracefully (set before torch loads).

PyTorch's CPU kernels run on an OpenMP thread team (one thread per core). By default the team's
threads spin after each parallel region, waiting for the next: on an idle machine that saves a
few microseconds per operation, but when two trainings (or a training and the window's own
background jobs) share the cores, each one's spinning threads burn the time the other needs.
Measured on 2 cores: two runs at once got 0.45x the throughput of one alone; with
``OMP_WAIT_POLICY=PASSIVE`` (threads sleep at once) 1.06x, at a 5-7 % cost to a lone run.

The entry points (``python -m cnn_studio`` and the ``cnn-studio`` script) call
:func:`apply_cpu_sharing_defaults` before anything imports torch. A value the user set in the
environment always wins. ``bench/cpu_share_bench.py`` measures the policies against each other.
"""

from __future__ import annotations

import os
from typing import MutableMapping

# The wait policy the app starts with. PASSIVE: an OpenMP thread sleeps as soon as its work is
# done, so a second training (or the GUI's jobs) gets the cores instead of watching them spin.
DEFAULT_OMP_WAIT_POLICY = "PASSIVE"

# The variables that decide how OpenMP threads wait (libgomp reads GOMP_SPINCOUNT, Intel's
# runtime KMP_BLOCKTIME): when the user set any of them, the app leaves the choice to them.
_USER_WAIT_SETTINGS = ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "KMP_BLOCKTIME")


def cpu_sharing_defaults(environ: MutableMapping[str, str] | None = None) -> dict[str, str]:
    """Return the variables to add to ``environ`` (empty when the user chose a wait policy)."""
    env = os.environ if environ is None else environ
    if any(name in env for name in _USER_WAIT_SETTINGS):
        return {}
    return {"OMP_WAIT_POLICY": DEFAULT_OMP_WAIT_POLICY}


def apply_cpu_sharing_defaults(environ: MutableMapping[str, str] | None = None) -> dict[str, str]:
    """Set the defaults in ``environ`` (default ``os.environ``) and return what was set.

    Must run before torch is imported: OpenMP reads the variables once, when it loads. Child
    processes (decoder workers, ``torchrun`` ranks started from here) inherit them.
    """
    env = os.environ if environ is None else environ
    added = cpu_sharing_defaults(env)
    env.update(added)
    return added
