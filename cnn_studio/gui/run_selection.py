"""Which run the window shows and which checkpoint Inspect and Predict use."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from cnn_studio.core.training.events import RunFinished
from cnn_studio.gui.session import Session


def run_checkpoint(run_dir: str) -> str:
    """Return a run folder's best checkpoint, else its last one ('' when it has neither)."""
    from cnn_studio.core.runs import BEST_CHECKPOINT, LAST_CHECKPOINT

    return next((str(Path(run_dir) / name) for name in (BEST_CHECKPOINT, LAST_CHECKPOINT)
                 if (Path(run_dir) / name).is_file()), "")


class RunSelection(QObject):
    """Turns "a run finished" and "a run was chosen" into the session's active run and checkpoint.

    ``message(text)`` says which checkpoint Inspect and Predict now use.
    """

    message = Signal(str)

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session

    def on_run_finished(self, event: RunFinished) -> None:
        """A run ended: show its results and use its best (else last) checkpoint."""
        if event.run_dir:
            self._session.set_active_run(str(event.run_dir))
        checkpoint = event.best_checkpoint or event.last_checkpoint
        if checkpoint:
            self._session.set_checkpoint(str(checkpoint))

    def choose(self, run_dir: str) -> None:
        """A run was chosen in the Runs view: show its results and use its model in Inspect and Predict."""
        self._session.set_active_run(run_dir)
        checkpoint = run_checkpoint(run_dir)
        if not checkpoint or checkpoint == self._session.checkpoint:
            return  # a refresh of the list re-announces the same run: do not reload its model
        self._session.set_checkpoint(checkpoint)
        self.message.emit(self.tr("Inspect and Predict now use {path}").format(path=checkpoint))
