"""Drops on the main window: what opens as a dataset and what is classified (gui/drops.py)."""

from __future__ import annotations

from tests.gui.conftest import wait_for_dataset


def test_drop_rule_depends_on_the_tab(qtbot, window, tiny_dataset, monkeypatch):
    added = []
    monkeypatch.setattr(window.predict_view, "add_paths", added.append)
    image = str(next((tiny_dataset / "test" / "red").iterdir()))
    window.tabs.setCurrentWidget(window.predict_view)
    message = window.handle_dropped_paths([str(tiny_dataset)])
    assert added == [[str(tiny_dataset)]] and "classified" in message and window._scan_task is None
    window.tabs.setCurrentWidget(window.train_view)
    message = window.handle_dropped_paths([image])
    assert added[-1] == [image] and window.tabs.currentWidget() is window.predict_view
    assert "Classifying 1 image " in message
    window.tabs.setCurrentWidget(window.model_view)
    message = window.handle_dropped_paths([str(tiny_dataset)])
    assert "as a dataset" in message and window.statusBar().currentMessage() == message
    wait_for_dataset(qtbot, window)
    assert len(added) == 2
