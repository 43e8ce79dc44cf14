"""The one progress and cancel protocol (core/progress.py), and the jobs that use it."""

from __future__ import annotations

import inspect
import threading

import pytest

from cnn_studio.core.errors import Cancelled
from cnn_studio.core.progress import CancelToken, Progress, check_cancelled, report


def test_cancel_token_is_a_thread_safe_cancel_check():
    token = CancelToken()
    assert token() is False and not token.cancelled
    check_cancelled(token)  # not cancelled: nothing happens
    worker = threading.Thread(target=token.cancel)
    worker.start()
    worker.join()
    assert token() is True and token.cancelled
    with pytest.raises(Cancelled):
        check_cancelled(token)
    check_cancelled(None)  # no token never cancels


def test_report_calls_the_listener_with_integers_only_when_there_is_one():
    seen: list[tuple[int, int]] = []
    listener: Progress = lambda done, total: seen.append((done, total))  # noqa: E731
    report(listener, 3.0, 10)
    report(None, 4, 10)
    assert seen == [(3, 10)] and all(isinstance(v, int) for v in seen[0])


def test_every_long_job_takes_the_same_progress_and_cancel_keywords():
    from cnn_studio.core.data.cifar import convert_cifar
    from cnn_studio.core.data.dataset import open_dataset
    from cnn_studio.core.data.pool import decode_files
    from cnn_studio.core.data.scan import scan_image_folder
    from cnn_studio.core.inference import Predictor
    from cnn_studio.core.models.weights import download_weights

    for fn in (convert_cifar, open_dataset, decode_files, scan_image_folder, Predictor.predict, download_weights):
        params = inspect.signature(fn).parameters
        assert "progress" in params and "cancel" in params, fn.__name__


def test_a_cancelled_token_stops_a_scan(tmp_path):
    from cnn_studio.core.data.scan import scan_image_folder
    from tests.core.datafiles import make_split_dirs

    root = make_split_dirs(tmp_path / "data")
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        scan_image_folder(root, cancel=token)
