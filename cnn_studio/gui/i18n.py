"""The interface language: Qt translators, a Hangul-capable font, and the View > Language menu.

The app ships in English (the source strings) and Korean (``resources/i18n/cnn_studio_ko.qm``,
built by ``scripts/update_translations.py``). The choice is one of :data:`CHOICES`: ``system``
(Korean when the system locale is Korean, else English), ``en`` or ``ko``. It is kept in the
settings file (key ``ui/language``); ``cnn-studio --lang ko|en`` overrides it for one start.

At start-up :func:`setup_language` installs our translator and Qt's own Korean one
(``qtbase_ko.qm``, so standard dialogs and buttons are Korean too) and, when Korean text is
expected, makes a CJK-capable font the application font so Hangul never renders as boxes. A
language picked in the menu applies at the next start (widgets are not retranslated live).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtGui import QAction, QActionGroup, QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox

from cnn_studio.paths import resource_path

#: the languages the interface can be shown in, besides following the system
LANGUAGES: tuple[str, ...] = ("en", "ko")
#: what the settings and the menu can hold
CHOICES: tuple[str, ...] = ("system",) + LANGUAGES
SETTINGS_KEY = "ui/language"
#: Hangul-capable families, best first (Linux, Windows, macOS); any other Korean family is the fallback
KOREAN_FONTS: tuple[str, ...] = ("Noto Sans CJK KR", "Noto Sans KR", "Source Han Sans KR", "NanumGothic",
                                 "Malgun Gothic", "Apple SD Gothic Neo", "AppleGothic", "UnDotum", "Baekmuk Gulim")
NO_FONT_HINT = ("No font with Korean (Hangul) glyphs is installed, so Korean text may show as boxes; install one "
                "(Debian/Ubuntu: sudo apt-get install fonts-noto-cjk; Fedora: sudo dnf install "
                "google-noto-sans-cjk-fonts) and restart CNN Studio.")

_installed: list[QTranslator] = []  # kept alive while installed (Qt does not own them)
_active_language = "en"


def translations_file(language: str) -> Path:
    """Return the compiled translation of our strings for ``language`` (e.g. ``cnn_studio_ko.qm``)."""
    return resource_path("i18n", f"cnn_studio_{language}.qm")


def system_language() -> str:
    """Return ``ko`` when the system locale is Korean, else ``en``."""
    return "ko" if QLocale.system().language() == QLocale.Language.Korean else "en"


def resolve_language(choice: str | None) -> str:
    """Return the language code (``en`` or ``ko``) for a choice (``system``, ``en``, ``ko`` or None)."""
    if choice in LANGUAGES:
        return str(choice)
    return system_language()


def saved_choice(settings_path: str) -> str:
    """Return the language choice stored in the settings file (``system`` when none is)."""
    value = str(QSettings(settings_path, QSettings.Format.IniFormat).value(SETTINGS_KEY, "system") or "system")
    return value if value in CHOICES else "system"


def save_choice(settings_path: str, choice: str) -> None:
    """Store the language choice (one of :data:`CHOICES`) in the settings file."""
    if choice not in CHOICES:
        raise ValueError(f"Unknown language '{choice}'; choose one of {', '.join(CHOICES)}.")
    qs = QSettings(settings_path, QSettings.Format.IniFormat)
    qs.setValue(SETTINGS_KEY, choice)
    qs.sync()


def active_language() -> str:
    """Return the language the translators were last installed for."""
    return _active_language


def install_translators(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Replace the installed translators by those for ``language``; return the ones installed.

    English needs none (the source strings are English). For Korean, Qt's ``qtbase_ko.qm`` comes
    from PySide6's own translations folder and ours from the resources.
    """
    global _active_language
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    _active_language = language
    if language == "en":  # numbers and dates as the system writes them, unless it is set to Korean
        QLocale.setDefault(QLocale("en_US") if system_language() == "ko" else QLocale.system())
        return []
    QLocale.setDefault(QLocale("ko_KR"))
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ours = translations_file(language)
    candidates = ((f"qtbase_{language}", qt_dir), (ours.stem, str(ours.parent)))
    for name, folder in candidates:
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _installed.append(translator)
        else:
            print(f"CNN Studio: the translation {name}.qm was not found in {folder}.", file=sys.stderr)
    return list(_installed)


def korean_font_family() -> str:
    """Return an installed font family that has Hangul glyphs, the best known first ('' when none is installed)."""
    families = QFontDatabase.families(QFontDatabase.WritingSystem.Korean)
    for name in KOREAN_FONTS:
        if name in families:
            return name
    return families[0] if families else ""


def apply_korean_font(app: QApplication) -> str:
    """Make a Hangul-capable font the application font (same size); return its family, '' if none.

    When no such font is installed, print one sentence saying how to install one.
    """
    family = korean_font_family()
    if not family:
        print(NO_FONT_HINT, file=sys.stderr)
        return ""
    font = QFont(app.font())
    font.setFamilies([family] + [f for f in font.families() if f != family])
    app.setFont(font)
    return family


def setup_language(app: QApplication, override: str | None = None, settings_path: str | None = None) -> str:
    """Install the translators and font for the chosen language; return the language code.

    Args:
        app: the application.
        override: ``en`` / ``ko`` from ``--lang`` (wins over the saved choice for this start).
        settings_path: the settings file holding the saved choice (the app's default when None).
    """
    if settings_path is None:
        from cnn_studio.gui.settings import AppSettings

        settings_path = AppSettings().path
    language = resolve_language(override or saved_choice(settings_path))
    install_translators(app, language)
    if language == "ko" or system_language() == "ko":
        apply_korean_font(app)
    return language


#: the translation context of texts that core/ defines (it cannot call tr()) and the GUI shows
CORE_CONTEXT = "core"


def core_text(text: str) -> str:
    """Translate a text defined in core/ (a model's title or description, a freeze preset's label)."""
    return QCoreApplication.translate(CORE_CONTEXT, text) if text else text


def core_strings() -> list[str]:
    """Return every core/ text the GUI shows through :func:`core_text` (collected for the translators).

    ``scripts/update_translations.py`` adds these to the .ts in the ``core`` context; add a source
    here when the GUI starts showing another core text.
    """
    from cnn_studio.core.models.freezing import PRESETS
    from cnn_studio.core.models.registry import get_model_info, list_models

    texts = [t for p in PRESETS.values() for t in (p.label, p.explanation)]
    for name in list_models():
        info = get_model_info(name)
        texts += [info.title, info.description]
    return sorted({t for t in texts if t})


def add_language_menu(menu: QMenu, settings_path: str) -> QActionGroup:
    """Add a Language submenu (System / English / 한국어) to ``menu``; return its action group.

    Picking an entry saves the choice; it applies at the next start (a message says so).
    """
    sub = menu.addMenu(_menu_text("&Language"))
    sub.setObjectName("languageMenu")
    group = QActionGroup(sub)
    group.setExclusive(True)
    current = saved_choice(settings_path)
    labels = {"system": _menu_text("System"), "en": "English", "ko": "한국어"}  # language names in their own language
    for choice in CHOICES:
        action = QAction(labels[choice], sub)
        action.setObjectName(f"actionLanguage_{choice}")
        action.setCheckable(True)
        action.setChecked(choice == current)
        action.setData(choice)
        action.triggered.connect(lambda _=False, c=choice: _on_language_picked(menu, settings_path, c))
        group.addAction(action)
        sub.addAction(action)
    return group


def _on_language_picked(menu: QMenu, settings_path: str, choice: str) -> None:
    save_choice(settings_path, choice)
    if resolve_language(choice) != active_language():
        box = QMessageBox(QMessageBox.Icon.Information, _menu_text("Language"),
                          _menu_text("The language changes when CNN Studio is restarted."),
                          QMessageBox.StandardButton.Ok, menu.window())
        box.setObjectName("languageRestartMessage")
        box.exec()


def _menu_text(text: str) -> str:
    """Translate a menu string (each one is listed in :data:`_MENU_STRINGS` for lupdate)."""
    return QCoreApplication.translate("LanguageMenu", text)


_MENU_STRINGS = (QT_TRANSLATE_NOOP("LanguageMenu", "&Language"), QT_TRANSLATE_NOOP("LanguageMenu", "System"),
                 QT_TRANSLATE_NOOP("LanguageMenu", "Language"),
                 QT_TRANSLATE_NOOP("LanguageMenu", "The language changes when CNN Studio is restarted."))

