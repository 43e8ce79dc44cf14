"""Message boxes used across the app (one place, so tests can patch QMessageBox)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget


def _tr(text: str) -> str:
    return QCoreApplication.translate("dialogs", text)


_STRINGS = (QT_TRANSLATE_NOOP("dialogs", "CNN Studio"), QT_TRANSLATE_NOOP("dialogs", "Unexpected error"),
            QT_TRANSLATE_NOOP("dialogs", "Something went wrong; the app keeps running."))  # for lupdate


def show_error(parent: QWidget | None, message: str, details: str = "") -> None:
    """Show a user error (one sentence) or an unexpected error with its details."""
    box = QMessageBox(parent)
    box.setObjectName("errorDialog")
    box.setIcon(QMessageBox.Icon.Warning if not details else QMessageBox.Icon.Critical)
    box.setWindowTitle(_tr("CNN Studio") if not details else _tr("Unexpected error"))
    if details:
        box.setText(_tr("Something went wrong; the app keeps running.") + "\n\n" + message)
        box.setDetailedText(details)
    else:
        box.setText(message)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.exec()


def ask_yes_no(parent: QWidget | None, title: str, question: str) -> bool:
    """Ask a yes/no question; return True for yes."""
    answer = QMessageBox.question(parent, title, question,
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes
