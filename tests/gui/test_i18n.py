"""The Korean interface: complete and current translations, start-up language, menu, fonts, captions."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication

from cnn_studio.gui import i18n

ROOT = Path(__file__).resolve().parents[2]


def _load_update_script():
    spec = importlib.util.spec_from_file_location("update_translations", ROOT / "scripts" / "update_translations.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def korean(qapp, tmp_path):
    """Korean translators and font installed for one test; English and the old font restored after it."""
    font = QFont(qapp.font())
    language = i18n.setup_language(qapp, "ko", settings_path=str(tmp_path / "settings.ini"))
    yield language
    i18n.install_translators(qapp, "en")
    qapp.setFont(font)


def test_every_gui_string_has_korean_and_the_committed_ts_and_qm_are_current():
    """lupdate + ko.json + lrelease into a temp folder must reproduce the committed .ts and .qm byte for byte."""
    script = _load_update_script()
    report = script.check()
    missing = [f"{context}: {source!r}" for context, source in report.missing]
    assert not missing, f"strings without a Korean translation (add them to resources/i18n/ko.json): {missing}"
    assert not report.placeholder_errors, report.placeholder_errors
    assert not report.no_context, f"tr() through an alias (lupdate cannot see the class): {report.no_context}"
    assert not report.stale, f"{report.stale} out of date: run python scripts/update_translations.py"


def test_check_reports_untranslated_strings_and_broken_placeholders(tmp_path):
    """The filler flags an unfinished message and a translation that drops a placeholder."""
    script = _load_update_script()
    ts = tmp_path / "x_ko.ts"
    ts.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n<TS version="2.1" language="ko_KR">\n'
                  "<context><name>V</name>"
                  "<message><source>Open</source><translation type=\"unfinished\"></translation></message>"
                  "<message><source>{n} images</source><translation type=\"unfinished\"></translation></message>"
                  "<message numerus=\"yes\"><source>%n file(s)</source>"
                  "<translation type=\"unfinished\"><numerusform></numerusform></translation></message>"
                  "</context><context><name></name>"  # what lupdate makes of `tr = self.tr` after a nested def
                  "<message><source>Lost</source><translation>잃음</translation></message>"
                  "</context></TS>\n", encoding="utf-8")
    report = script.fill(ts, {"strings": {"{n} images": "이미지", "%n file(s)": "파일 %n개"}, "contexts": {}})
    assert report.missing == [("V", "Open")]
    assert report.no_context == ["Lost"] and not report.ok
    assert report.placeholder_errors and "{n} images" in report.placeholder_errors[0]
    text = ts.read_text(encoding="utf-8")
    assert "<numerusform>파일 %n개</numerusform>" in text and text.count('type="unfinished"') == 1


def test_starting_in_korean_shows_korean_in_the_main_window(qtbot, korean, tmp_path):
    from cnn_studio.gui.main_window import MainWindow
    from cnn_studio.gui.settings import AppSettings

    assert korean == "ko"
    w = MainWindow(AppSettings(tmp_path / "settings.ini"))
    qtbot.addWidget(w)
    titles = [w.tabs.tabText(i) for i in range(w.tabs.count())]
    assert titles[:3] == ["1 데이터셋", "2 모델", "3 학습"] and "7 예측" in titles  # every tab numbered (issue 14)
    assert [a.text() for a in w.menuBar().actions()][:2] == ["파일(&F)", "학습(&T)"]
    assert w.train_view.form.lr.accessibleName() == "학습률"
    # texts core/ defines, shown through core_text: freeze presets and model descriptions
    assert w.model_view.preset_buttons["feature-extraction"].text() == "특징 추출"
    assert "합성곱" in w.model_view.info_label.text()  # the simple CNN's description
    # Qt's own Korean: standard buttons of dialogs
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "취소"
    w.close()


def test_lang_option_is_accepted_and_reaches_the_app(monkeypatch):
    from cnn_studio import cli
    import cnn_studio.gui.app as app_module

    calls = []
    monkeypatch.setattr(app_module, "run_app", lambda **kw: calls.append(kw) or 0)
    assert cli.main(["--lang", "ko"]) == 0
    assert cli.main(["gui", "--lang", "en", "--demo"]) == 0
    assert cli.main(["--lang", "ko", "gui"]) == 0
    assert cli.main([]) == 0
    assert [c["language"] for c in calls] == ["ko", "en", "ko", None]
    with pytest.raises(SystemExit) as exc:
        cli.main(["--lang", "fr"])
    assert exc.value.code == 2


def test_language_menu_saves_the_choice_and_says_restart(qtbot, window, dialogs):
    menu = window.findChild(type(window.menuBar().actions()[0].menu()), "languageMenu")
    assert menu is not None
    choices = {a.data(): a for a in menu.actions()}
    assert list(choices) == ["system", "en", "ko"] and choices["system"].isChecked()
    assert choices["ko"].text() == "한국어"
    choices["ko"].trigger()
    assert i18n.saved_choice(window.settings.path) == "ko" and choices["ko"].isChecked()
    assert dialogs.messages and "restart" in dialogs.messages[-1]["text"]
    # the next start reads it
    assert i18n.resolve_language(i18n.saved_choice(window.settings.path)) == "ko"


def test_saved_choice_and_resolution(tmp_path):
    path = str(tmp_path / "s.ini")
    assert i18n.saved_choice(path) == "system"
    i18n.save_choice(path, "en")
    assert i18n.saved_choice(path) == "en"
    assert i18n.resolve_language("ko") == "ko" and i18n.resolve_language("en") == "en"
    assert i18n.resolve_language("system") in ("en", "ko")
    with pytest.raises(ValueError):
        i18n.save_choice(path, "fr")


def test_no_korean_font_prints_how_to_install_one(qapp, monkeypatch, capsys):
    font = QFont(qapp.font())
    monkeypatch.setattr(i18n, "korean_font_family", lambda: "")
    assert i18n.apply_korean_font(qapp) == ""
    assert "fonts-noto-cjk" in capsys.readouterr().err
    assert qapp.font() == font


def test_korean_font_is_picked_when_installed_and_draws_hangul(qapp):
    family = i18n.korean_font_family()
    if not family:
        pytest.skip("no Hangul font installed here (Debian: apt-get install fonts-noto-cjk)")
    old = QFont(qapp.font())
    try:
        assert i18n.apply_korean_font(qapp) == family
        assert QApplication.font().families()[0] == family
        metrics = QFontMetrics(QApplication.font())
        assert all(metrics.inFontUcs4(ord(ch)) for ch in "한국어 전이학습")
    finally:
        qapp.setFont(old)


def test_thumbnail_captions_get_two_lines_of_the_current_font(qtbot):
    """Captions are 'class\\n95%': the cell must hold two lines even in a tall Hangul font."""
    from cnn_studio.gui.widgets.common import ThumbnailGrid

    grid = ThumbnailGrid(72)
    qtbot.addWidget(grid)
    small = grid.gridSize().height()
    assert small >= 72 + 2 * grid.fontMetrics().lineSpacing()
    big = QFont(grid.font())
    big.setPointSizeF(big.pointSizeF() * 2)
    grid.setFont(big)
    assert grid.gridSize().height() >= 72 + 2 * QFontMetrics(big).lineSpacing() > small


def test_main_window_survives_an_application_font_change(qtbot, window, qapp):
    """Switching to a Hangul font re-measures every widget; none may shadow QWidget.metric() (the Runs view did)."""
    old = QFont(qapp.font())
    try:
        big = QFont(old)
        big.setPointSizeF(old.pointSizeF() + 3)
        qapp.setFont(big)
        qtbot.wait(50)
        assert window.runs_view.overlay_metric.count() == 5  # held-out, train accuracy and loss; train + held-out error
    finally:
        qapp.setFont(old)
