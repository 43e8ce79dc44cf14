"""Which run's model the Inspect and Predict views use, and opening images in Inspect."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

if TYPE_CHECKING:
    from cnn_studio.gui.main_window import MainWindow


class RunSelection(QObject):
    """Hands a finished or chosen run's checkpoint to Inspect and Predict and shows its results."""

    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.w = window
        self.chosen_checkpoint = ""

    def on_run_finished(self, event: Any) -> None:
        """A run ended: refresh the Runs list, show its results and use its best (else last) checkpoint."""
        w = self.w
        w.runs_view.refresh()
        if event.run_dir:
            w.show_run_results(event.run_dir)
        checkpoint = event.best_checkpoint or event.last_checkpoint
        if checkpoint:
            self.chosen_checkpoint = str(checkpoint)
            if hasattr(w.predict_view, "set_checkpoint"):
                w.predict_view.set_checkpoint(checkpoint)
            if hasattr(w.inspect_view, "set_model_source"):
                w.inspect_view.set_model_source(checkpoint)

    def choose(self, run_dir: str) -> None:
        """A run was chosen in the Runs view: show its results and use its model in Inspect and Predict."""
        w = self.w
        w.show_run_results(run_dir)
        from cnn_studio.core.runs import BEST_CHECKPOINT, LAST_CHECKPOINT

        checkpoint = next((str(Path(run_dir) / name) for name in (BEST_CHECKPOINT, LAST_CHECKPOINT)
                           if (Path(run_dir) / name).is_file()), "")
        if not checkpoint or checkpoint == self.chosen_checkpoint:
            return  # a refresh of the list re-announces the same run: do not reload its model
        self.chosen_checkpoint = checkpoint
        if hasattr(w.inspect_view, "set_model_source"):
            w.inspect_view.set_model_source(checkpoint)
        if hasattr(w.predict_view, "set_checkpoint"):
            w.predict_view.set_checkpoint(checkpoint)
        w.statusBar().showMessage(self.tr("Inspect and Predict now use {path}").format(path=checkpoint), 5000)

    def inspect_image(self, path: str, checkpoint: str = "") -> None:
        """Open an image in the Inspect view, with ``checkpoint``'s model unless it is already loaded."""
        w = self.w
        view = w.inspect_view
        if not hasattr(view, "set_image_path"):
            return
        current = getattr(getattr(view, "predictor", None), "source", None)
        if checkpoint and current != checkpoint:
            loaded = w.results_view.loaded_predictor()  # shared: every use holds its lock
            view.set_model_source(loaded if loaded is not None and loaded.source == checkpoint else checkpoint)
        view.set_image_path(path)
        w.tabs.setCurrentWidget(view)
