"""The Train panel: hyperparameters, Start/Pause/Stop, live curves, progress with ETA, event log."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QLabel, QPlainTextEdit, QProgressBar, QPushButton,
                               QScrollArea, QSplitter, QVBoxLayout, QWidget)

from cnn_studio.core.session import TrainingState
from cnn_studio.gui.widgets.common import format_seconds, set_names
from cnn_studio.gui.widgets.image_tools import english_plural
from cnn_studio.gui.widgets.plots import (PALETTE, SeriesBuffer, make_curve, make_plot, set_range_from_zero,
                                          use_log_y)
from cnn_studio.gui.widgets.train_form import TrainForm

REDRAW_MS = 200  # one curve redrawn per tick, 5 a second: live enough, and leaves the CPU to training
SMOOTHING = 0.8  # exponential smoothing of the per-step loss
PLOT_CURVES = {"loss": ("step_loss", "train_loss", "heldout_loss"), "accuracy": ("train_accuracy", "heldout_accuracy"),
               "lr": ("lr",), "speed": ("images_per_second",)}


class TrainView(QWidget):
    """Drives a run through the window's controller and shows its progress live."""

    start_requested = Signal()
    pause_requested = Signal()
    resume_requested = Signal()
    stop_requested = Signal()
    save_config_requested = Signal()
    load_config_requested = Signal()
    defaults_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainView")
        self.form = TrainForm()
        self._state = TrainingState.IDLE
        self._ready_reason = ""
        self._smoothed: float | None = None
        self._run_started_at = 0.0
        self._start_epoch = 0
        self._history: list[dict[str, Any]] = []
        self._dirty_plots: list[str] = []
        self.series = {name: SeriesBuffer() for name in
                       ("train_loss", "heldout_loss", "train_accuracy", "heldout_accuracy", "step_loss", "lr",
                        "images_per_second")}
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

        plots = QGridLayout()
        # Loss on a log scale: an early outlier (e.g. a held-out loss of 700 in epoch 1) no longer
        # flattens the rest of the curve, and every point stays visible.
        self.loss_plot = make_plot(self.tr("Loss (log scale)"), self.tr("loss"))
        use_log_y(self.loss_plot)
        self.acc_plot = make_plot(self.tr("Accuracy"), self.tr("accuracy"), legend="bottom-right")
        self.lr_plot = make_plot(self.tr("Learning rate"), self.tr("lr"), legend=None)
        self.speed_plot = make_plot(self.tr("Throughput"), self.tr("images/s"), legend=None)
        self.acc_plot.setYRange(0, 1)
        self.curves = {
            "step_loss": make_curve(self.loss_plot, self.tr("train (per step, smoothed)"), (170, 200, 230)),
            "train_loss": make_curve(self.loss_plot, self.tr("train"), PALETTE[0], symbol="o"),
            "heldout_loss": make_curve(self.loss_plot, self.tr("held-out"), PALETTE[1], symbol="s"),
            "train_accuracy": make_curve(self.acc_plot, self.tr("train"), PALETTE[0], symbol="o"),
            "heldout_accuracy": make_curve(self.acc_plot, self.tr("held-out"), PALETTE[1], symbol="s"),
            "lr": make_curve(self.lr_plot, self.tr("lr"), PALETTE[2]),
            "images_per_second": make_curve(self.speed_plot, self.tr("images/s"), PALETTE[4]),
        }
        for i, plot in enumerate((self.loss_plot, self.acc_plot, self.lr_plot, self.speed_plot)):
            plot.setObjectName(("lossPlot", "accuracyPlot", "lrPlot", "speedPlot")[i])
            plots.addWidget(plot, i // 2, i % 2)
        self.plots_hint = QLabel(self.tr("Press Start (F5) to train; curves appear here."))
        self.plots_hint.setObjectName("plotsHint")
        self.plots_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.plots_hint.setStyleSheet("color: #666; font-size: 15px; background: rgba(255, 255, 255, 200); "
                                      "padding: 10px; border-radius: 6px;")
        self.plots_hint.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        plots.addWidget(self.plots_hint, 0, 0, 2, 2, Qt.AlignmentFlag.AlignCenter)  # over the four plots
        plots_widget = QWidget()
        plots_widget.setLayout(plots)
        self.log = set_names(QPlainTextEdit(), "eventLog", self.tr("Event log"))
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(2000)
        self.log.setPlaceholderText(self.tr("Open a dataset, pick a model, then press Start (F5)."))
        vertical = QSplitter(Qt.Orientation.Vertical)
        vertical.addWidget(plots_widget)
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
        self._update_buttons()

    def _update_buttons(self) -> None:
        running = self._state != TrainingState.IDLE
        reason = self._ready_reason or self.form.error
        self.start_button.setEnabled(not running and not reason)
        self.pause_button.setEnabled(self._state.running)
        self.stop_button.setEnabled(self._state.running)
        self.form.setEnabled(not running)
        self.ready_label.setText(reason if not running else "")

    def append_log(self, text: str) -> None:
        """Add a timestamped line to the event log."""
        self.log.appendPlainText(f"{time.strftime('%H:%M:%S')}  {text}")

    # --- events from the controller ------------------------------------------------------
    def clear_curves(self) -> None:
        """Empty every curve and progress bar (a new run starts)."""
        for buffer in self.series.values():
            buffer.clear()
        self._smoothed = None
        self._history = []
        self.plots_hint.setVisible(False)
        self.epoch_progress.setValue(0)
        self.run_progress.setValue(0)
        self.eta_label.clear()
        self._mark_dirty(*PLOT_CURVES)
        self.redraw(everything=True)

    def on_run_started(self, event: Any) -> None:
        """A run (new or resumed) began."""
        self._run_started_at = time.monotonic()
        self._start_epoch = event.start_epoch
        if self._history:  # a resumed run redoes the epochs after its checkpoint: keep only those before
            self._show_history([r for r in self._history if int(r.get("epoch", 0)) <= event.start_epoch])
        steps = english_plural(self.tr("%n step(s) per epoch", "", event.steps_per_epoch), event.steps_per_epoch)
        self.append_log(self.tr("Run started: {model} on {device} ({precision}), {n} training images, "
                                "{m} {held} images, {steps} → {dir}").format(
            model=event.model_name, device=event.device, precision=event.precision, n=event.train_images,
            m=event.heldout_images, held=self._split_name(event.heldout_name), steps=steps,
            dir=event.run_dir))
        if event.start_epoch:
            self.append_log(english_plural(self.tr("Resumed after %n epoch(s); the earlier curves come from the "
                                                   "run's metrics.", "", event.start_epoch), event.start_epoch))

    def preload_history(self, records: list[dict[str, Any]]) -> None:
        """Show a run's earlier step and epoch metrics (``core.runs.read_metrics``) before it resumes."""
        self._history = list(records)
        self._show_history(self._history)

    def _show_history(self, records: list[dict[str, Any]]) -> None:
        for buffer in self.series.values():
            buffer.clear()
        self._smoothed = None
        for r in records:
            if r.get("kind") == "step" and r.get("loss") is not None:
                self._add_step(float(r["epoch_fraction"]), float(r["loss"]), r.get("lr"),
                               r.get("images_per_second"))
            elif r.get("kind") == "epoch":
                self._add_epoch(float(r["epoch"]), r.get("train_loss"), r.get("train_accuracy"),
                                r.get("heldout_loss"), r.get("heldout_accuracy"))
        self._mark_dirty(*PLOT_CURVES)
        self.redraw(everything=True)

    def _add_step(self, x: float, loss: float, lr: float | None, ips: float | None) -> None:
        self._smoothed = loss if self._smoothed is None else SMOOTHING * self._smoothed + (1 - SMOOTHING) * loss
        self.series["step_loss"].append(x, self._smoothed)
        self.series["lr"].append(x, lr)
        self.series["images_per_second"].append(x, ips)

    def _add_epoch(self, x: float, train_loss: Any, train_acc: Any, heldout_loss: Any, heldout_acc: Any) -> None:
        self.series["train_loss"].append(x, train_loss)
        self.series["train_accuracy"].append(x, train_acc)
        self.series["heldout_loss"].append(x, heldout_loss)
        self.series["heldout_accuracy"].append(x, heldout_acc)

    def on_batch_progress(self, event: Any) -> None:
        """Throttled progress inside an epoch."""
        self._add_step(event.epoch_fraction, event.loss, event.lr, event.images_per_second)
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
        self._mark_dirty("loss", "lr", "speed")

    def on_epoch_ended(self, event: Any) -> None:
        """Add one epoch's points."""
        self._add_epoch(float(event.epoch), event.train_loss, event.train_accuracy, event.heldout_loss,
                        event.heldout_accuracy)
        held = (self.tr(", {name} loss {loss:.4f}, accuracy {acc:.2%}").format(
            name=self._split_name(event.heldout_name), loss=event.heldout_loss, acc=event.heldout_accuracy)
            if event.heldout_accuracy is not None else "")
        self.append_log(self.tr("Epoch {e}/{n}: train loss {tl:.4f}, accuracy {ta:.2%}{held}{best} "
                                "({s:.1f} s, {ips:.0f} images/s)").format(
            e=event.epoch, n=event.epochs, tl=event.train_loss, ta=event.train_accuracy, held=held,
            best=self.tr(" — best so far") if event.is_best else "", s=event.seconds, ips=event.images_per_second))
        self.epoch_progress.setValue(1000)
        self._mark_dirty("loss", "accuracy")

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
        self._mark_dirty(*PLOT_CURVES)
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
        if not self._dirty_plots:
            if self._state == TrainingState.IDLE:
                self._timer.stop()
            return
        plots = list(self._dirty_plots) if everything else [self._dirty_plots[0]]
        for plot in plots:
            self._dirty_plots.remove(plot)
            for name in PLOT_CURVES[plot]:
                buffer = self.series[name]
                self.curves[name].setData(buffer.x, buffer.y, connect="finite")
            if plot in ("lr", "speed"):
                name = PLOT_CURVES[plot][0]
                set_range_from_zero(self.lr_plot if plot == "lr" else self.speed_plot, self.series[name].y)

    def _mark_dirty(self, *plots: str) -> None:
        for plot in plots:
            if plot not in self._dirty_plots:
                self._dirty_plots.append(plot)
