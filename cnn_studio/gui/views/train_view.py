"""The Train panel: hyperparameters, Start/Pause/Stop, the run's model and data, a time estimate, live
curves, progress with ETA, event log."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QLabel, QPlainTextEdit, QProgressBar, QPushButton,
                               QScrollArea, QSplitter, QVBoxLayout, QWidget)

from cnn_studio.core.session import TrainingState
from cnn_studio.gui.jobs import JobContext, JobFailure, JobRunner
from cnn_studio.gui.widgets.common import format_seconds, set_names, text_label
from cnn_studio.gui.widgets.image_tools import english_plural
from cnn_studio.gui.widgets.train_curves import PLOT_CURVES, TrainCurves
from cnn_studio.gui.widgets.train_form import TrainForm

REDRAW_MS = 200  # one curve redrawn per tick, 5 a second: live enough, and leaves the CPU to training
ESTIMATE_DELAY_MS = 1500  # re-estimate this long after the last edit (a calibration costs a few seconds of CPU)


class TrainView(QWidget):
    """Drives a run through the window's controller and shows its progress live."""

    start_requested = Signal()
    pause_requested = Signal()
    resume_requested = Signal()
    stop_requested = Signal()
    save_config_requested = Signal()
    load_config_requested = Signal()
    defaults_requested = Signal()
    estimate_requested = Signal()  # the window answers with estimate(config, dataset, config_error)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainView")
        self.form = TrainForm()
        self._state = TrainingState.IDLE
        self._ready_reason = ""
        self._run_started_at = 0.0
        self._start_epoch = 0
        self._history: list[dict[str, Any]] = []
        self._runner = JobRunner(self)  # the time estimate's calibration
        self._run_shown = False  # the header describes a started run (else what Start would train)
        self._estimated: tuple[Any, Any] | None = None
        self._stale = True  # the settings shown have no estimate yet (showing the view then estimates)  # (config, dataset) of the shown estimate
        self._estimate_timer = QTimer(self)
        self._estimate_timer.setSingleShot(True)
        self._estimate_timer.setInterval(ESTIMATE_DELAY_MS)
        self._estimate_timer.timeout.connect(self._auto_estimate)
        self.plot_panel = TrainCurves()
        self.series, self.curves, self.plots_hint = self.plot_panel.series, self.plot_panel.curves, self.plot_panel.hint
        self.loss_plot, self.acc_plot = self.plot_panel.loss_plot, self.plot_panel.acc_plot
        self.lr_plot, self.speed_plot = self.plot_panel.lr_plot, self.plot_panel.speed_plot
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self._build_left())
        splitter.addWidget(self._build_right())
        splitter.setSizes([340, 940])
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)
        self._timer = QTimer(self)
        self._timer.setInterval(REDRAW_MS)
        self._timer.timeout.connect(self.redraw)
        self.form.changed.connect(self._update_buttons)
        self._update_buttons()

    # --- building ------------------------------------------------------------------------
    def _build_left(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        self.start_button = set_names(QPushButton(self.tr("Start")), "startButton", self.tr("Start training"))
        self.pause_button = set_names(QPushButton(self.tr("Pause")), "pauseButton", self.tr("Pause or resume training"))
        self.stop_button = set_names(QPushButton(self.tr("Stop")), "stopButton", self.tr("Stop training"))
        self.start_button.setStyleSheet("font-weight: bold;")
        self.start_button.clicked.connect(self.start_requested)
        self.pause_button.clicked.connect(self._on_pause_clicked)
        self.stop_button.clicked.connect(self.stop_requested)
        for b in (self.start_button, self.pause_button, self.stop_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        estimate = QHBoxLayout()
        self.estimate_label = QLabel()
        self.estimate_label.setObjectName("estimateLabel")
        self.estimate_label.setWordWrap(True)
        self.estimate_button = set_names(QPushButton(self.tr("Estimate time")), "estimateButton",
                                         self.tr("Time a few training steps to estimate how long the run takes"))
        self.estimate_button.clicked.connect(self.estimate_requested)
        estimate.addWidget(self.estimate_label, 1)
        estimate.addWidget(self.estimate_button)
        layout.addLayout(estimate)
        self.ready_label = QLabel()
        self.ready_label.setObjectName("readyLabel")
        self.ready_label.setWordWrap(True)
        self.ready_label.setStyleSheet("color: #555;")
        layout.addWidget(self.ready_label)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(scroll, 1)
        row = QHBoxLayout()
        for text, name, signal in ((self.tr("Family defaults"), "defaultsButton", self.defaults_requested),
                                   (self.tr("Save config…"), "saveConfigButton", self.save_config_requested),
                                   (self.tr("Load config…"), "loadConfigButton", self.load_config_requested)):
            b = set_names(QPushButton(text), name, text.rstrip("…"))
            b.clicked.connect(signal)
            row.addWidget(b)
        layout.addLayout(row)
        return panel

    def _build_right(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        self.run_header = text_label("runHeader", self.tr("No run yet."))
        layout.addWidget(self.run_header)
        grid = QGridLayout()
        self.epoch_progress = set_names(QProgressBar(), "epochProgress", self.tr("Epoch progress"))
        self.run_progress = set_names(QProgressBar(), "runProgress", self.tr("Run progress"))
        for bar in (self.epoch_progress, self.run_progress):
            bar.setRange(0, 1000)
            bar.setValue(0)
        self.epoch_label = QLabel(self.tr("Epoch"))
        self.run_label = QLabel(self.tr("Run"))
        self.eta_label = QLabel()
        self.eta_label.setObjectName("etaLabel")
        grid.addWidget(self.epoch_label, 0, 0)
        grid.addWidget(self.epoch_progress, 0, 1)
        grid.addWidget(self.run_label, 1, 0)
        grid.addWidget(self.run_progress, 1, 1)
        grid.addWidget(self.eta_label, 0, 2, 2, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        self.log = set_names(QPlainTextEdit(), "eventLog", self.tr("Event log"))
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(2000)
        self.log.setPlaceholderText(self.tr("Open a dataset, pick a model, then press Start (F5)."))
        vertical = QSplitter(Qt.Orientation.Vertical)
        vertical.addWidget(self.plot_panel)
        vertical.addWidget(self.log)
        vertical.setSizes([560, 130])
        layout.addWidget(vertical, 1)
        return panel

    # --- buttons and state ---------------------------------------------------------------
    def _on_pause_clicked(self) -> None:
        if self._state == TrainingState.PAUSED:
            self.resume_requested.emit()
        else:
            self.pause_requested.emit()

    def set_ready(self, reason: str) -> None:
        """Tell the view why training cannot start ('' = it can)."""
        self._ready_reason = reason
        self._update_buttons()

    def set_state(self, state: str) -> None:
        """Reflect the controller's state (a ``TrainingState`` or its value)."""
        self._state = state = TrainingState(state)
        self.pause_button.setText(self.tr("Resume") if state == TrainingState.PAUSED else self.tr("Pause"))
        if state.running:
            self._timer.start()
            self._estimate_timer.stop()
            self._runner.cancel("estimate")  # the run's own throughput says more now
        self._update_buttons()

    def _update_buttons(self) -> None:
        running = self._state != TrainingState.IDLE
        reason = self._ready_reason or self.form.error
        self.start_button.setEnabled(not running and not reason)
        self.pause_button.setEnabled(self._state.running)
        self.stop_button.setEnabled(self._state.running)
        self.form.setEnabled(not running)
        self.estimate_button.setEnabled(not running)
        self.ready_label.setText(reason if not running else "")

    def append_log(self, text: str) -> None:
        """Add a timestamped line to the event log."""
        self.log.appendPlainText(f"{time.strftime('%H:%M:%S')}  {text}")

    # --- events from the controller ------------------------------------------------------
    def clear_curves(self) -> None:
        """Empty every curve and progress bar (a new run starts)."""
        self.plot_panel.clear()
        self._history = []
        self.epoch_progress.setValue(0)
        self.run_progress.setValue(0)
        self.eta_label.clear()
        self.redraw(everything=True)

    def on_run_started(self, event: Any) -> None:
        """A run (new or resumed) began: the header names its model and data."""
        self._run_started_at = time.monotonic()
        self._start_epoch = event.start_epoch
        self._run_shown = True
        self.plot_panel.planned_epochs = event.epochs
        if self._history:  # a resumed run redoes the epochs after its checkpoint: keep only those before
            self._show_history([r for r in self._history if int(r.get("epoch", 0)) <= event.start_epoch])
        root = ((event.config or {}).get("data") or {}).get("root") or ""
        held = self._split_name(event.heldout_name)
        self.run_header.setText(self.tr(
            "<b>This run:</b> {model} on {dataset} ({n} training, {m} {held} images, {size} px) · {device} "
            "({precision}) · {dir}").format(model=event.model_name, dataset=Path(root).name or root or "?",
                                            n=event.train_images, m=event.heldout_images, held=held,
                                            size=event.input_size, device=event.device, precision=event.precision,
                                            dir=event.run_dir))
        steps = english_plural(self.tr("%n step(s) per epoch", "", event.steps_per_epoch), event.steps_per_epoch)
        self.append_log(self.tr("Run started: {model} on {device} ({precision}), {n} training images, "
                                "{m} {held} images, {steps} → {dir}").format(
            model=event.model_name, device=event.device, precision=event.precision, n=event.train_images,
            m=event.heldout_images, held=held, steps=steps, dir=event.run_dir))
        if event.start_epoch:
            self.append_log(english_plural(self.tr("Resumed after %n epoch(s); the earlier curves come from the "
                                                   "run's metrics.", "", event.start_epoch), event.start_epoch))

    def preload_history(self, records: list[dict[str, Any]]) -> None:
        """Show a run's earlier step and epoch metrics (``core.runs.read_metrics``) before it resumes."""
        self._history = list(records)
        self._show_history(self._history)

    def _show_history(self, records: list[dict[str, Any]]) -> None:
        self.plot_panel.clear()
        for r in records:
            if r.get("kind") == "step" and r.get("loss") is not None:
                self.plot_panel.add_step(float(r["epoch_fraction"]), float(r["loss"]), r.get("lr"),
                                         r.get("images_per_second"), r.get("lrs") or ())
            elif r.get("kind") == "epoch":
                self.plot_panel.add_epoch(float(r["epoch"]), r.get("train_loss"), r.get("train_accuracy"),
                                          r.get("heldout_loss"), r.get("heldout_accuracy"))
        self.redraw(everything=True)

    def on_batch_progress(self, event: Any) -> None:
        """Throttled progress inside an epoch."""
        self.plot_panel.add_step(event.epoch_fraction, event.loss, event.lr, event.images_per_second,
                                 getattr(event, "lrs", ()))
        self.epoch_progress.setValue(int(1000 * event.step / max(event.steps_per_epoch, 1)))
        self.run_progress.setValue(int(1000 * event.global_step / max(event.total_steps, 1)))
        self.epoch_label.setText(self.tr("Epoch {e}").format(e=event.epoch))
        remaining = None
        if event.images_per_second > 0 and event.global_step > 0:
            elapsed = time.monotonic() - self._run_started_at
            done_steps = max(event.global_step - self._start_epoch * event.steps_per_epoch, 1)
            remaining = elapsed / done_steps * (event.total_steps - event.global_step)
        self.eta_label.setText(self.tr("{ips:.0f} images/s\nETA {eta}").format(
            ips=event.images_per_second, eta=format_seconds(remaining)))

    def on_epoch_ended(self, event: Any) -> None:
        """Add one epoch's points."""
        self.plot_panel.add_epoch(float(event.epoch), event.train_loss, event.train_accuracy, event.heldout_loss,
                                  event.heldout_accuracy)
        held = (self.tr(", {name} loss {loss:.4f}, accuracy {acc:.2%}").format(
            name=self._split_name(event.heldout_name), loss=event.heldout_loss, acc=event.heldout_accuracy)
            if event.heldout_accuracy is not None else "")
        self.append_log(self.tr("Epoch {e}/{n}: train loss {tl:.4f}, accuracy {ta:.2%}{held}{best} "
                                "({s:.1f} s, {ips:.0f} images/s)").format(
            e=event.epoch, n=event.epochs, tl=event.train_loss, ta=event.train_accuracy, held=held,
            best=self.tr(" — best so far") if event.is_best else "", s=event.seconds, ips=event.images_per_second))
        if event.heldout_exploded:
            self.append_log(self.tr("Warning: the {name} loss is {loss:.3g}, far above a random model's: the network "
                                    "is unstable on unseen data; lower the learning rate or add warm-up if it does not "
                                    "fall in the next epochs.").format(name=self._split_name(event.heldout_name),
                                                                       loss=event.heldout_loss))
        self.epoch_progress.setValue(1000)

    def on_features_cached(self, event: Any) -> None:
        """Cached features of the frozen layers: log the decision; while computing, show progress."""
        if event.stage == "computing" and event.done > 0:
            self.epoch_progress.setValue(int(1000 * event.done / max(event.total, 1)))
            self.epoch_label.setText(self.tr("Features {done}/{total}").format(done=event.done, total=event.total))
            return
        self.append_log(self.tr("Feature cache: {message}").format(message=event.message))

    def on_run_finished(self, event: Any) -> None:
        """The run ended (completed, stopped or failed)."""
        n = event.epochs_completed
        texts = [english_plural(self.tr("Run {status} after %n epoch(s).", "", n), n).format(
            status=self._status_name(event.status))]
        if event.test_accuracy is not None:
            texts.append(self.tr("Test accuracy {acc:.2%}.").format(acc=event.test_accuracy))
        self.append_log(" ".join(texts + ([event.message] if event.message else [])))
        if event.status == "completed":
            self.run_progress.setValue(1000)
        self.eta_label.setText(self.tr("{status} in {t}").format(status=self._status_name(event.status),
                                                                t=format_seconds(event.seconds)))
        self.plot_panel.mark_dirty(*PLOT_CURVES)
        self.redraw(everything=True)

    def _status_name(self, status: str) -> str:
        """Return a run status (``completed``, ``stopped``, ``failed``) as a translated word."""
        names = {"completed": self.tr("completed"), "stopped": self.tr("stopped"), "failed": self.tr("failed"),
                 "interrupted": self.tr("interrupted")}
        return names.get(status, status)

    def _split_name(self, name: str | None) -> str:
        """Return the held-out split's name (``val``, ``test``) translated."""
        names = {"val": self.tr("validation"), "validation": self.tr("validation"), "test": self.tr("test")}
        return names.get(name or "", name or self.tr("held-out"))

    def on_failed(self, message: str) -> None:
        """The run failed with a message."""
        self.append_log(self.tr("Failed: {message}").format(message=message))

    def redraw(self, everything: bool = False) -> None:
        """Push the buffers into the persistent curves.

        Each timer tick repaints one plot (round robin, ~2 ms each) so that no single event-loop
        task paints all four plots at once; ``everything`` updates all curves now (run end).
        """
        if not self.plot_panel.has_dirty():
            if self._state == TrainingState.IDLE:
                self._timer.stop()
            return
        self.plot_panel.redraw(everything)

    # --- the time estimate before Start ------------------------------------------------------
    def show_config(self, cfg: Any, dataset: Any = None) -> None:
        """Show what Start would train (before a run) and re-estimate its time shortly after the edits stop."""
        if self._state != TrainingState.IDLE:
            return
        if not self._run_shown:
            name = Path(cfg.data.root).name if cfg.data.root else ""
            text = english_plural(self.tr("<b>Next run:</b> {model} on {dataset}, %n epoch(s).", "", cfg.epochs),
                                  cfg.epochs)
            self.run_header.setText(text.format(model=cfg.model.name, dataset=name or self.tr("no dataset")))
        if not self._is_estimated(cfg, dataset):
            self._stale = True
            if self._estimated is not None:
                self.estimate_label.setText(self.tr("The settings changed since the last estimate."))
        if self.isVisible() and dataset is not None:
            self._estimate_timer.start()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        """Estimate the run's time when the view is shown with settings not estimated yet."""
        super().showEvent(event)
        if self._state == TrainingState.IDLE and self._stale:
            self._estimate_timer.start()

    def _is_estimated(self, cfg: Any, dataset: Any) -> bool:
        return self._estimated is not None and self._estimated[1] is dataset and self._estimated[0] == cfg

    def _auto_estimate(self) -> None:
        if self.isVisible() and self._state == TrainingState.IDLE:
            self.estimate_requested.emit()

    def estimate(self, cfg: Any, dataset: Any, config_error: str = "") -> None:
        """Time a few training steps of ``cfg`` on ``dataset`` in the background; show "about N min"."""
        from cnn_studio.core.training.estimate import estimate_run_time

        if config_error or dataset is None:
            self.estimate_label.setText(config_error or self.tr("Open a dataset to estimate the training time."))
            return
        if self._is_estimated(cfg, dataset) and not self._runner.is_busy():
            return  # the shown estimate is for these settings
        self._estimated, self._stale = (cfg, dataset), False
        self.estimate_label.setText(self.tr("Estimating the training time…"))

        def calibrate(job: JobContext) -> Any:
            return estimate_run_time(cfg, dataset, progress=job.progress, cancel=job.cancel)

        self._runner.submit(calibrate, kind="estimate", on_done=self._show_estimate, on_failed=self._estimate_failed,
                            on_cancelled=self._estimate_cancelled)

    def _duration(self, seconds: float) -> str:
        return (self.tr("about {n} s").format(n=max(1, int(round(seconds)))) if seconds < 90 else
                self.tr("about {n} min").format(n=int(round(seconds / 60))))

    def estimate_text(self, seconds: float, epochs: int, images_per_second: float, features: str = "",
                      feature_seconds: float = 0.0) -> str:
        """The translated sentence for an estimate (and one on cached features when the run uses them)."""
        text = english_plural(self.tr("Estimated time: {duration} for %n epoch(s) ({ips:.0f} images/s).", "", epochs),
                              epochs).format(duration=self._duration(seconds), ips=images_per_second)
        if features == "compute":
            text += " " + self.tr("Of that, {duration} computes the frozen layers' features once; every epoch then "
                                  "trains on them.").format(duration=self._duration(feature_seconds))
        elif features == "reuse":
            text += " " + self.tr("The frozen layers' features are already in the cache folder: no epoch runs them.")
        return text

    def _show_estimate(self, est: Any) -> None:
        self.estimate_label.setText(self.estimate_text(est.seconds, est.epochs, est.images_per_second, est.features,
                                                       est.feature_seconds))

    def _estimate_failed(self, failure: JobFailure) -> None:
        self._estimated, self._stale = None, True
        self.estimate_label.setText(self.tr("No estimate: {message}").format(message=failure.message))

    def _estimate_cancelled(self) -> None:
        self._estimated, self._stale = None, True
        self.estimate_label.clear()

    def is_busy(self) -> bool:
        """True while the estimate's calibration runs."""
        return self._runner.is_busy()

    def shutdown(self) -> None:
        """Cancel the calibration and wait for it."""
        self._estimate_timer.stop()
        self._runner.shutdown(5000)
