"""The window title and the tab labels."""

from __future__ import annotations


def test_title_names_the_app_once_and_every_tab_is_numbered(qtbot, window, tiny_dataset):
    from tests.gui.conftest import wait_for_dataset

    window.open_dataset(str(tiny_dataset))
    wait_for_dataset(qtbot, window)
    assert window.windowTitle() == "tiny — CNN Studio"  # ends with the display name: Qt adds nothing
    tabs = window.tabs
    assert [tabs.tabText(i).split(" ", 1)[0] for i in range(tabs.count())] == [str(i + 1) for i in range(7)]
    assert all(f"Ctrl+{i + 1}" in tabs.tabToolTip(i) for i in range(tabs.count()))
