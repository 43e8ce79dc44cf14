"""Divergence: a run whose loss or weights have blown up ends ``failed`` with advice, at once.

A bare NaN loss is only the last symptom. Far earlier, with a learning rate far too high, the
training loss can climb to 1e24 while staying finite, or BatchNorm's running variance can
overflow. A huge but finite held-out loss alone is not treated as divergence (BatchNorm statistics
of a short run on a tiny set give 1e12 and recover); a NaN held-out loss is. :class:`DivergenceGuard`
checks the losses at every progress report and epoch end, and the weights and BatchNorm
statistics at every epoch end and before every checkpoint, so a diverged run never overwrites
its last good checkpoint and never reports ``completed``.
"""

from __future__ import annotations

import math

import torch

from cnn_studio.core.checkpoint import first_nonfinite
from cnn_studio.core.training.run_state import NonFiniteLoss

# A cross-entropy loss starts near ln(classes) (a random head). Training can spike a few times
# above that, but 100x (230 for 10 classes: the right class at probability e^-230) is never
# recovered from; the runs of issue 12 showed 1e12 and 2e24.
EXPLODE_FACTOR = 100.0


class Diverged(NonFiniteLoss):
    """The loss exploded or a weight / BatchNorm statistic became NaN or infinite."""


class DivergenceGuard:
    """Raises :class:`Diverged` with one sentence of advice when the run has blown up."""

    def __init__(self, num_classes: int, lr: float) -> None:
        self.start_loss = math.log(max(2, num_classes))
        self.limit = EXPLODE_FACTOR * self.start_loss
        self.lr = lr

    def check_loss(self, loss: float | None, *, epoch: int, what: str = "training loss", kept: str = "") -> None:
        """Raise if a finite ``loss`` is far above the start value (NaN is the caller's other message)."""
        if loss is None or not math.isfinite(loss):
            if loss is not None and what != "training loss":
                raise Diverged(self.message(epoch, f"the {what} became NaN or infinite", kept))
            return
        # A huge held-out loss alone (BatchNorm statistics of a short, tiny run) is not divergence.
        if loss > self.limit and what == "training loss":
            raise Diverged(self.message(
                epoch, f"the {what} reached {loss:.3g}, over {EXPLODE_FACTOR:g}x its starting value "
                       f"of about {self.start_loss:.2f}", kept))

    def heldout_exploded(self, loss: float | None) -> bool:
        """True when a finite held-out loss is over the explosion limit: worth a warning, not a failure."""
        return loss is not None and math.isfinite(loss) and loss > self.limit

    def check_weights(self, model: torch.nn.Module, *, epoch: int, kept: str = "") -> None:
        """Raise if a parameter or buffer (BatchNorm running mean/variance) holds NaN or infinity."""
        bad = first_nonfinite(model.state_dict())
        if bad is not None:
            kind = "BatchNorm statistic" if "running_" in bad else "weight"
            raise Diverged(self.message(epoch, f"the {kind} '{bad}' became NaN or infinite", kept))

    def message(self, epoch: int, what: str, kept: str) -> str:
        """One sentence: what blew up, when, what to do, and which checkpoint is kept."""
        tail = f" ({kept})" if kept else ""
        return (f"The training diverged in epoch {epoch + 1}: {what}; the learning rate ({self.lr:g}) is too high, "
                f"so lower it (e.g. 10x) or add warm-up epochs{tail}.")
