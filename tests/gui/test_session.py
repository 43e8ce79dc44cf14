"""The session (gui/session.py): one owner of the window's state that announces every change."""

from __future__ import annotations

import pytest

from cnn_studio.core.config import TrainConfig
from cnn_studio.core.errors import ConfigError
from cnn_studio.gui.session import Session


@pytest.fixture
def session(qapp):
    return Session()


def _listen(session: Session) -> list:
    heard: list = []
    for name in ("dataset_changed", "config_changed", "config_error_changed", "config_loaded",
                 "selected_runs_changed", "active_run_changed", "checkpoint_changed", "predictor_changed",
                 "language_changed"):
        getattr(session, name).connect(lambda value, name=name: heard.append((name, value)))
    return heard


def test_setters_store_plain_state_and_announce_changes_once(session):
    heard = _listen(session)
    cfg = TrainConfig().replace(epochs=3)
    session.set_config(cfg)
    session.set_config(cfg)  # unchanged: no second signal
    session.set_selected_runs(["/runs/a"])
    session.set_selected_runs(("/runs/a",))
    session.set_predictor(None)
    session.set_language("ko")
    assert heard == [("config_changed", cfg), ("selected_runs_changed", ("/runs/a",)), ("language_changed", "ko")]
    state = session.state
    assert (state.config, state.selected_runs, state.language) == (cfg, ("/runs/a",), "ko")


def test_checkpoint_and_active_run_are_announced_again_when_set_again(session):
    heard = _listen(session)
    session.set_checkpoint("/runs/a/best.pt")
    session.set_checkpoint("/runs/a/best.pt")  # a finished run rewrote best.pt: views reload it
    session.set_active_run("/runs/a")
    assert heard == [("checkpoint_changed", "/runs/a/best.pt")] * 2 + [("active_run_changed", "/runs/a")]


def test_a_loaded_config_is_recorded_before_views_hear_of_it(session):
    seen: list = []
    session.config_loaded.connect(lambda cfg: seen.append(session.config is cfg))
    session.set_config_error("Learning rate must be a number.")
    session.load_config(TrainConfig().replace(batch_size=7))
    assert seen == [True] and session.config.batch_size == 7 and session.config_error == ""


def test_dataset_and_split_and_unknown_language(session):
    heard = _listen(session)
    session.set_dataset(None, (0.15, 0.25))
    assert session.split == (0.15, 0.25) and heard == [("dataset_changed", None)]
    with pytest.raises(ConfigError, match="Unknown language 'xx'"):
        session.set_language("xx")


def test_the_window_writes_the_views_config_into_its_session(qtbot, window):
    window.model_view.select_model("resnet20")
    window.train_view.form.epochs.setValue(9)
    assert window.session.config.epochs == 9 and window.session.config.model.name == "resnet20"
    window.train_view.form.lr.setText("abc")
    assert "Learning rate" in window.session.config_error
    assert window.session.config.epochs == 9  # the last valid config stays
    window.train_view.form.lr.setText("0.01")
    assert window.session.config_error == "" and window.session.config.optim.lr == 0.01
