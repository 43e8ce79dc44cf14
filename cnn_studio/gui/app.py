"""Start the desktop app: ``run_app(demo=False, dataset=None, language=None) -> int``."""

from __future__ import annotations

import sys
import traceback
from types import TracebackType

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication

from cnn_studio.gui.i18n import setup_language
from cnn_studio.gui.platform_check import EXIT_MISSING_LIBRARIES
from cnn_studio.gui.settings import APPLICATION, ORGANIZATION


def install_excepthook() -> None:
    """Show unexpected exceptions from slots in a dialog; the app keeps running."""
    previous = sys.excepthook

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            previous(exc_type, exc, tb)
            return
        from cnn_studio.core.errors import UserError
        from cnn_studio.gui.widgets.dialogs import show_error

        details = "" if issubclass(exc_type, UserError) else "".join(traceback.format_exception(exc_type, exc, tb))
        sys.stderr.write(details or f"{exc}\n")
        app = QApplication.instance()
        parent = app.activeWindow() if app is not None else None
        message = str(exc) if issubclass(exc_type, UserError) else f"{exc_type.__name__}: {exc}"
        show_error(parent, message, details)

    sys.excepthook = hook


def make_application(argv: list[str] | None = None) -> QApplication:
    """Return the QApplication (creating it with the app's names if needed)."""
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QCoreApplication.setApplicationVersion(_version())
    app = QApplication.instance()
    if app is None:
        QApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationDisplayName("CNN Studio")
    import pyqtgraph as pg

    # Plots on white like the rest of the window; no antialiasing keeps repaints cheap while training.
    pg.setConfigOptions(antialias=False, background="w", foreground="k")
    return app  # type: ignore[return-value]


def _version() -> str:
    from cnn_studio import __version__

    return __version__


def xcb_libraries_problem() -> str | None:
    """Return the message about missing xcb libraries (None when the window can open)."""
    from PySide6.QtCore import QLibraryInfo

    from cnn_studio.gui.platform_check import check_xcb_platform

    return check_xcb_platform(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))


def run_app(demo: bool = False, dataset: str | None = None, language: str | None = None) -> int:
    """Open the main window (on the demo dataset, or on ``dataset``; in ``language`` if given); return the exit code.

    On Linux/X11 it first checks the system libraries of Qt's xcb plugin: when some are missing it
    prints the install command and returns 1 (Qt would abort with a misleading message).
    """
    problem = xcb_libraries_problem()
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_MISSING_LIBRARIES
    app = make_application()
    install_excepthook()
    setup_language(app, language)  # before any widget exists: translators and a Hangul-capable font
    from cnn_studio.gui.main_window import MainWindow

    window = MainWindow()
    window.show()
    if demo:
        window.open_demo()
    elif dataset:
        window.open_dataset(dataset)
    else:
        window.restore_last_dataset()
    return int(app.exec())
