"""The Train view shows the feature cache's decision (issue 15): the controller's typed signal, one log line."""

from __future__ import annotations

from cnn_studio.core.training.events import FeaturesCached


def test_feature_cache_events_reach_the_train_log(qtbot, window):
    c, tv = window.controller, window.train_view
    c._on_training_event(FeaturesCached(stage="computing", message="Cached features: x.", total=10))
    c._on_training_event(FeaturesCached(stage="computing", message="p", done=5, total=10))
    assert tv.epoch_progress.value() == 500 and "5/10" in tv.epoch_label.text()
    c._on_training_event(FeaturesCached(stage="ready", message="Training on cached features (1.0 MB in memory).",
                                        boundary="fc"))
    log = tv.log.toPlainText()
    assert "Feature cache: Cached features: x." in log
    assert "Feature cache: Training on cached features (1.0 MB in memory)." in log
    assert log.count("Feature cache:") == 2  # progress goes to the bar, not the log
