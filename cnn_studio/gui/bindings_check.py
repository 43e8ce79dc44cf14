"""Know the Qt bindings we ship: the QPainter refcount bug of PySide6 6.12.0 on Python < 3.12.

PySide6 6.12.0 (shiboken6 6.12.0) drops one reference to ``None`` on every ``QPainter.drawRect``,
``drawLine`` and ``drawPicture`` call when Python's ``None`` is not immortal (Python 3.10 and
3.11). pyqtgraph calls these on every redraw, so after minutes of live curves the interpreter
aborts with ``Fatal Python error: none_dealloc``. Measured here with the same script: 6.10.3,
6.11.0 and 6.11.3 on 3.11 gain +2 over 600 calls; 6.12.0 loses 599 on 3.10 and 3.11 and is stable
on 3.12 (None is immortal). pyproject.toml therefore excludes 6.12.0 on Python < 3.12; this check
proves it at run time (tests and ``--self-test``).
"""

from __future__ import annotations

import sys

#: Draw calls made by the check: enough to see a per-call leak clearly, fast (a few ms).
DEFAULT_DRAWS = 3000


def none_refcount_drop(draws: int = DEFAULT_DRAWS) -> int:
    """Draw ``draws`` times with QPainter and return how many references ``None`` lost.

    A healthy binding returns 0 or less (a few references may be gained); an affected one returns
    about ``draws``. Needs a QGuiApplication (one is made if none exists).
    """
    from PySide6.QtCore import QLineF, QRectF
    from PySide6.QtGui import QGuiApplication, QImage, QPainter, QPicture

    if QGuiApplication.instance() is None:
        raise RuntimeError("none_refcount_drop needs a QGuiApplication; create the application first")
    image = QImage(32, 32, QImage.Format.Format_ARGB32)
    picture = QPicture()
    painter = QPainter(image)
    before = sys.getrefcount(None)
    try:
        for i in range(draws):
            kind = i % 3
            if kind == 0:
                painter.drawRect(QRectF(0, 0, 4, 4))
            elif kind == 1:
                painter.drawLine(QLineF(0, 0, 4, 4))
            else:
                painter.drawPicture(0, 0, picture)
        after = sys.getrefcount(None)
    finally:
        painter.end()
    return before - after


def bindings_problem() -> str | None:
    """Return one sentence naming a broken Qt binding in this process, or None when it is sound."""
    import PySide6

    drop = none_refcount_drop()
    if drop > DEFAULT_DRAWS // 10:
        return (f"PySide6 {PySide6.__version__} on Python {sys.version.split()[0]} loses a reference to None on "
                f"every QPainter call ({drop} in {DEFAULT_DRAWS} draws) and will crash during live plots; "
                "install another version: pip install 'PySide6-Essentials!=6.12.0'.")
    return None
