"""Notes on the selected run, saved in its folder (``run_meta.json``) as the user types."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from cnn_studio.gui.widgets.common import set_names

SAVE_DELAY_MS = 800  # typing pauses this long before the notes are written (and at once on a run switch)


class RunNotes(QWidget):
    """A notes editor for one run; ``saved(path)`` after the notes were written, ``failed(message)`` if not."""

    saved = Signal(str)
    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("runNotesPanel")
        self.path = ""
        self._pending = False  # typed but not yet written
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel()
        self.title.setObjectName("runNotesTitle")
        self.title.setWordWrap(True)
        self.editor = set_names(QPlainTextEdit(), "runNotes", self.tr("Notes on the selected run"))
        self.editor.setPlaceholderText(self.tr("What did this run try, and what did you learn from it? "
                                               "The notes are saved in the run's folder."))
        layout.addWidget(self.title)
        layout.addWidget(self.editor, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save)
        self.editor.textChanged.connect(self._typed)
        self.show_run("", "", "")

    def show_run(self, path: str, name: str, notes: str) -> None:
        """Edit the notes of the run at ``path`` ('' : no single run selected). The same run keeps what is typed."""
        if path == self.path and path:
            self.title.setText(self.tr("<b>Notes on {name}</b>").format(name=escape(name)))
            return
        self.save()
        self.path = path
        self.editor.blockSignals(True)
        self.editor.setPlainText(notes)
        self.editor.blockSignals(False)
        self.editor.setEnabled(bool(path))
        self.title.setText(self.tr("<b>Notes on {name}</b>").format(name=escape(name)) if path
                           else self.tr("<b>Notes</b> (select one run)"))

    def _typed(self) -> None:
        self._pending = True
        self._timer.start()

    def save(self) -> None:
        """Write pending notes now (nothing when none are pending)."""
        from cnn_studio.core.errors import UserError
        from cnn_studio.core.runs import update_run_meta

        self._timer.stop()
        if not self._pending or not self.path:
            return
        self._pending = False
        try:
            update_run_meta(self.path, notes=self.editor.toPlainText())
        except UserError as exc:
            self.failed.emit(str(exc))
            return
        self.saved.emit(self.path)
