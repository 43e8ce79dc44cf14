"""Drawing helpers shared by the recipes (matplotlib axes in, nothing global touched).

A run that did not complete is never drawn as a curve: it gets a line in the axes' note box
("plain-56: failed") instead, so a diverged run cannot pass for a result.
"""

from __future__ import annotations

from typing import Any

from cnn_studio.core.lab.recipe import RunOutcome

NOTE_ATTR = "_lab_notes"


def note(ax: Any, text: str) -> None:
    """Add a line to the axes' note box (drawn by :func:`finish_axes`)."""
    notes = getattr(ax, NOTE_ATTR, [])
    notes.append(text)
    setattr(ax, NOTE_ATTR, notes)


def _skip(ax: Any, o: RunOutcome) -> bool:
    if o.ok:
        return False
    note(ax, f"{o.spec.label}: {o.status}")
    return True


def _integer_epochs(ax: Any) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def error_curves(ax: Any, o: RunOutcome, colour: str | None) -> None:
    """Training error thin, test error bold, in % per epoch (He et al.'s style)."""
    _integer_epochs(ax)
    if _skip(ax, o):
        return
    epochs = [int(r["epoch"]) for r in o.history]
    line = ax.plot(epochs, o.train_errors(), linewidth=1.0, color=colour, alpha=0.9, marker="o", markersize=2)[0]
    ax.plot(epochs, o.test_errors(), linewidth=2.6, color=line.get_color(), marker="o", markersize=4,
            label=o.spec.label)


def accuracy_curve(ax: Any, o: RunOutcome, x: str = "epoch", colour: str | None = None,
                   style: str = "-") -> None:
    """Held-out accuracy in % against ``epoch`` or cumulative training ``seconds``."""
    if x == "epoch":
        _integer_epochs(ax)
    if _skip(ax, o):
        return
    xs = [int(r["epoch"]) for r in o.history] if x == "epoch" else o.elapsed()
    ys = [100.0 * float(r["heldout_accuracy"]) if r.get("heldout_accuracy") is not None else float("nan")
          for r in o.history]
    ax.plot(xs, ys, style, color=colour, linewidth=1.8, marker="o", markersize=3, label=o.spec.label)


def loss_curve(ax: Any, o: RunOutcome, colour: str | None = None, style: str = "-") -> None:
    """Training loss per epoch."""
    _integer_epochs(ax)
    if _skip(ax, o):
        return
    ax.plot([int(r["epoch"]) for r in o.history], [float(r["train_loss"]) for r in o.history], style,
            color=colour, linewidth=1.5, label=o.spec.label)


def finish_axes(ax: Any, legend: bool = True) -> None:
    """Grid, legend (when there are curves) and the note box of runs not drawn."""
    ax.grid(True, alpha=0.3)
    handles, _ = ax.get_legend_handles_labels()
    if legend and handles:
        ax.legend(fontsize=8)
    notes = getattr(ax, NOTE_ATTR, [])
    if notes:
        ax.text(0.02, 0.02, "not drawn:\n" + "\n".join(notes), transform=ax.transAxes, fontsize=8,
                va="bottom", ha="left", color="#b00020",
                bbox={"boxstyle": "round", "facecolor": "white", "alpha": 0.8, "edgecolor": "#b00020"})
