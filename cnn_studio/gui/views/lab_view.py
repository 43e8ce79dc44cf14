"""The Lab tab: the course's experiments, each in one click (``core/lab``), with live curves and a verdict.

The view lists the experiments of ``core.lab.registry`` with the lecture's idea and the paper
figure each reproduces, previews the plan and its time estimate for the chosen dataset and
budget (a background job: the folder is listed, not decoded), and runs a
``core.lab.experiment.LabJob`` on its own :class:`JobRunner`. The job's hooks come back as
``job.partial`` payloads: the plan, earlier epochs of a continued experiment, the queue's progress
in epochs, and the runs' engine events (drawn as a live overlay). Pause, resume and stop steer
the ``LabJob`` from the GUI thread (thread-safe flags); cancelling the job (closing the window)
stops the queue at its next batch and the stopped run keeps its ``last.pt``. Finished and
stopped experiments are listed from the lab folder (``list_experiment_dirs``).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QProgressBar, QPushButton, QSplitter, QVBoxLayout, QWidget)

from cnn_studio.core.lab.experiment import run_histories
from cnn_studio.core.training.events import EpochEnded, RunFailed, RunStarted
from cnn_studio.gui.i18n import core_text
from cnn_studio.gui.jobs import JobFailure, JobRunner
from cnn_studio.gui.lab_runner import lab_job_function
from cnn_studio.gui.widgets.common import set_names
from cnn_studio.gui.widgets.lab_panels import (DIR_ROLE, BudgetBox, FinishedExperiments, LabCurves, LabResult,
                                               PlanEstimate, format_duration)

PREVIEW_DELAY_MS = 300  # wait for the typing to settle before listing a folder


class LabView(QWidget):
    """The experiments, their plan and estimate, the running queue, and finished experiments."""

    message = Signal(str)
    """A short note for the status bar."""
    failed = Signal(object)
    """The lab job failed (a JobFailure)."""
    running_changed = Signal(bool)
    """A lab queue started (True) or its job ended (False)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("labView")
        self.device = "auto"  # the training device of every run
        self.jobs = JobRunner(self, threads=2)  # the lab queue, and folder previews while it runs
        self.lab: Any = None  # the running core.lab.experiment.LabJob
        self.plan: Any = None
        self.result: Any = None  # the last LabResult
        self.labels: dict[str, str] = {}  # run name -> legend label
        self._running = False
        self._paused = False
        self.estimate_seconds: float | None = None  # the last preview's estimate
        self._default_root = ""
        self._selected_dir = ""
        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self._preview)
        splitter = QSplitter(self)
        splitter.addWidget(self._build_lists())
        splitter.addWidget(self._build_main())
        splitter.setSizes([370, 910])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)
        self._fill_experiments()
        self.refresh()
        self._set_running(False)

    # --- building ------------------------------------------------------------------------
    def _build_lists(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("<b>Experiments</b>")))
        self.experiments = set_names(QListWidget(), "labExperiments", self.tr("Experiments"))
        self.experiments.setWordWrap(True)
        self.experiments.currentItemChanged.connect(lambda *_: self._on_experiment_changed())
        layout.addWidget(self.experiments, 1)
        layout.addWidget(QLabel(self.tr("<b>Finished experiments</b>")))
        self.finished = FinishedExperiments()
        self.finished.currentItemChanged.connect(lambda *_: self._on_finished_selected())
        layout.addWidget(self.finished, 2)
        return panel

    def _build_main(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        self.about = QLabel()
        self.about.setObjectName("labAbout")
        self.about.setWordWrap(True)
        layout.addWidget(self.about)
        form = QFormLayout()
        data_row = QHBoxLayout()
        self.data_root = set_names(QLineEdit(), "labDataRoot", self.tr("Dataset folder of the experiment"))
        self.data_root.setPlaceholderText(self.tr("Open a dataset, or choose a folder of class folders"))
        self.data_root.textChanged.connect(lambda _t: self._schedule_preview())
        browse = set_names(QPushButton(self.tr("Choose…")), "labBrowse", self.tr("Choose the dataset folder"))
        browse.clicked.connect(self._browse)
        data_row.addWidget(self.data_root, 1)
        data_row.addWidget(browse)
        form.addRow(self.tr("Dataset"), data_row)
        self.budget = BudgetBox()
        self.budget.currentIndexChanged.connect(lambda _i: self._schedule_preview())
        form.addRow(self.tr("Budget"), self.budget)
        self.estimate = PlanEstimate()
        form.addRow(self.tr("Estimate"), self.estimate)
        layout.addLayout(form)
        layout.addLayout(self._build_buttons())
        self.progress = QProgressBar()
        self.progress.setObjectName("labProgress")
        self.state = QLabel()
        self.state.setObjectName("labState")
        layout.addWidget(self.progress)
        layout.addWidget(self.state)
        body = QSplitter()
        self.curves = LabCurves()
        self.result_panel = LabResult()
        body.addWidget(self.curves)
        body.addWidget(self.result_panel)
        body.setSizes([400, 560])  # the experiment's figure (11 x 4.2 in) needs the width
        layout.addWidget(body, 1)
        return panel

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()

        def button(text: str, name: str, accessible: str, slot: Any) -> QPushButton:
            b = set_names(QPushButton(text), name, accessible)
            b.clicked.connect(slot)
            row.addWidget(b)
            return b

        self.start_button = button(self.tr("Start"), "labStart", self.tr("Start the experiment"), self.start)
        self.pause_button = button(self.tr("Pause"), "labPause", self.tr("Pause or resume the queue"),
                                   self.toggle_pause)
        self.stop_button = button(self.tr("Stop"), "labStop", self.tr("Stop the queue (the current run is kept)"),
                                  self.stop)
        self.continue_button = button(self.tr("Continue"), "labContinue",
                                      self.tr("Continue the selected stopped experiment"), self.continue_selected)
        self.open_button = button(self.tr("Open experiment folder"), "labOpenFolder",
                                  self.tr("Open the experiment folder"), self.open_folder)
        row.addStretch(1)
        return row

    def _fill_experiments(self) -> None:
        from cnn_studio.core.lab.registry import get_experiment, list_experiments

        for name in list_experiments():
            item = QListWidgetItem(core_text(get_experiment(name).title) or name)
            item.setData(DIR_ROLE, name)
            self.experiments.addItem(item)
        self.experiments.setCurrentRow(0)

    # --- choosing ------------------------------------------------------------------------
    def current_experiment(self) -> str:
        """The selected experiment's registry name ('' when none)."""
        item = self.experiments.currentItem()
        return item.data(DIR_ROLE) if item is not None else ""

    def select_experiment(self, name: str) -> None:
        """Select an experiment by registry name."""
        for row in range(self.experiments.count()):
            if self.experiments.item(row).data(DIR_ROLE) == name:
                self.experiments.setCurrentRow(row)
                return

    def _on_experiment_changed(self) -> None:
        from cnn_studio.core.lab.registry import get_experiment

        name = self.current_experiment()
        if not name:
            return
        e = get_experiment(name).describe()
        self.about.setText(self.tr("<b>{title}</b><br>{idea}<br><i>Reproduces:</i> {figure}<br><i>Claim:</i> "
                                   "{claim}").format(title=core_text(e["title"]), idea=core_text(e["idea"]),
                                                     figure=core_text(e["paper_figure"]), claim=core_text(e["claim"])))
        self.budget.set_budgets(e["budgets"])
        self._schedule_preview()

    def set_default_data(self, root: str) -> None:
        """Use the session's open dataset unless the user typed another folder."""
        if not self.data_root.text() or self.data_root.text() == self._default_root:
            self.data_root.setText(root)
        self._default_root = root

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Dataset folder of the experiment"),
                                                  self.data_root.text())
        if folder:
            self.data_root.setText(folder)

    # --- the plan before Start -------------------------------------------------------------
    def _schedule_preview(self) -> None:
        self._preview_timer.start()
        self._update_buttons()

    def _preview(self) -> None:
        from cnn_studio.core.lab.experiment import preview

        name, root, budget, device = self.current_experiment(), self.data_root.text().strip(), \
            self.budget.currentData(), self.device
        if not name or not root or not budget:
            self.estimate.setText(self.tr("Choose a dataset folder to see the plan and its time estimate."))
            return
        self.estimate.setText(self.tr("Estimating…"))
        self.jobs.submit(lambda _job: preview(name, root, budget, device), kind="preview",
                         on_done=self._show_plan_estimate,
                         on_failed=lambda failure: self.estimate.setText(failure.message))

    def _show_plan_estimate(self, plan: Any) -> None:
        self.estimate.show_plan(plan)
        self.estimate_seconds = plan.estimate_seconds

    # --- running ---------------------------------------------------------------------------
    def start(self) -> None:
        """Start the selected experiment on the chosen dataset and budget, in a new experiment folder."""
        from cnn_studio.core.lab.experiment import LabJob

        root = self.data_root.text().strip()
        if self.is_running() or not root or not self.current_experiment():
            return
        self._run(LabJob(self.current_experiment(), root, budget=self.budget.currentData(), device=self.device))

    def continue_selected(self) -> None:
        """Continue the selected stopped experiment in its folder (finished runs are kept)."""
        from cnn_studio.core.lab.experiment import LabJob

        entry = self._selected_entry()
        if self.is_running() or entry is None or entry.get("status") == "completed":
            return
        self._run(LabJob(entry["experiment"], entry["data"], budget=entry["budget"],
                         out_dir=entry["experiment_dir"], device=self.device))

    def _run(self, lab: Any) -> None:
        self.lab, self.plan, self.result, self.labels = lab, None, None, {}
        self.curves.clear()
        self.result_panel.clear()
        self.progress.setRange(0, 0)
        self.progress.setFormat("%p%")
        self._progress_start: tuple[float, int] | None = None
        self.state.setText(self.tr("Opening the dataset…"))
        self._running = True
        self._set_running(True)
        self.jobs.submit(lab_job_function(lab), kind="lab", on_partial=self._on_partial, on_progress=self._on_decode,
                         on_done=self._on_done, on_failed=self._on_failed, on_cancelled=self._on_cancelled,
                         on_finished=self._on_finished)

    def is_running(self) -> bool:
        """True while a lab queue (or its dataset opening) runs."""
        return self._running

    def toggle_pause(self) -> None:
        """Pause the running queue at its next batch, or resume a paused one."""
        if self.lab is None or not self.is_running():
            return
        self._paused = not self._paused
        if self._paused:
            self.lab.pause()
            self.state.setText(self.tr("Paused; press Resume to continue."))
        else:
            self.lab.resume()
            self.state.setText(self.tr("Running…"))
        self.pause_button.setText(self.tr("Resume") if self._paused else self.tr("Pause"))

    def stop(self) -> None:
        """Stop the queue cooperatively: the current run saves its state; Continue resumes later."""
        if self.lab is not None and self.is_running():
            self.lab.resume()  # a paused run must wake up to see the stop
            self.lab.stop()
            self.state.setText(self.tr("Stopping… (the current run saves its last checkpoint)"))
            self.stop_button.setEnabled(False)

    def _on_decode(self, done: int, total: int) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _on_partial(self, payload: tuple) -> None:
        kind = payload[0]
        if kind == "plan":
            self.plan = payload[1]
            self.labels = {s.name: s.label for s in self.plan.specs}
            self.state.setText(self.tr("Planned {n} runs in {folder}.").format(n=len(self.plan.specs),
                                                                               folder=self.plan.folder))
        elif kind == "history":
            self.curves.add_history(payload[1], self.labels.get(payload[1], payload[1]), payload[2])
        elif kind == "progress":
            self._show_queue_progress(payload[1], payload[2])
        elif kind == "event":
            self._on_run_event(payload[1])

    def _show_queue_progress(self, done: int, total: int) -> None:
        """Epochs over the queue, with the time left measured from this start's pace."""
        if self._progress_start is None:  # epochs trained before this start (a continued experiment) are not timed
            self._progress_start = (time.monotonic(), done)
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        started, done_before = self._progress_start
        if done > done_before and done < total:
            h, m, s = format_duration((time.monotonic() - started) / (done - done_before) * (total - done))
            self.progress.setFormat(self.tr("%p% · about {h}:{m:02d}:{s:02d} left").format(h=h, m=m, s=s))
        else:
            self.progress.setFormat("%p%")

    def _on_run_event(self, lab_event: Any) -> None:
        event, label = lab_event.event, self.labels.get(lab_event.run, lab_event.run)
        if isinstance(event, EpochEnded):
            self.curves.add_epoch(lab_event.run, label, event.epoch, event.train_accuracy, event.heldout_accuracy)
            if not self._paused:
                self.state.setText(self.tr("Run {i} of {n} ({run}): epoch {e} of {epochs}.").format(
                    i=lab_event.index + 1, n=lab_event.total, run=label, e=event.epoch, epochs=event.epochs))
        elif isinstance(event, RunStarted):
            self.state.setText(self.tr("Run {i} of {n} ({run}) started.").format(
                i=lab_event.index + 1, n=lab_event.total, run=label))
        elif isinstance(event, RunFailed):
            self.message.emit(self.tr("Run {run} failed: {message}").format(run=label, message=event.message))

    def _on_done(self, result: Any) -> None:
        self.result = result
        self._selected_dir = result.experiment_dir
        self.result_panel.show_result(result.status, result.verdict, result.figure)
        h, m, s = format_duration(result.seconds)
        text = (self.tr("The experiment finished in {h}:{m:02d}:{s:02d}.") if result.status == "completed" else
                self.tr("The experiment stopped after {h}:{m:02d}:{s:02d}; select it and press Continue to "
                        "finish it."))
        self.state.setText(text.format(h=h, m=m, s=s))
        self.message.emit(text.format(h=h, m=m, s=s))

    def _on_failed(self, failure: JobFailure) -> None:
        self.state.setText(failure.message)
        self.failed.emit(failure)

    def _on_cancelled(self) -> None:
        self.state.setText(self.tr("The experiment was stopped; select it and press Continue to finish it."))

    def _on_finished(self) -> None:
        self.progress.setRange(0, 1)
        self.progress.setFormat("%p%")
        self.progress.setValue(1 if self.result is not None and self.result.status == "completed" else 0)
        self.lab, self._running = None, False
        self.refresh()
        self._set_running(False)

    def _set_running(self, running: bool) -> None:
        self._paused = False
        self.pause_button.setText(self.tr("Pause"))
        self.experiments.setEnabled(not running)
        self.data_root.setEnabled(not running)
        self.budget.setEnabled(not running)
        self._update_buttons()
        self.running_changed.emit(running)

    def _update_buttons(self) -> None:
        running = self.is_running()
        entry = self._selected_entry()
        self.start_button.setEnabled(not running and bool(self.data_root.text().strip()))
        self.pause_button.setEnabled(running)
        self.stop_button.setEnabled(running)
        self.continue_button.setEnabled(not running and entry is not None and entry.get("status") != "completed")
        self.open_button.setEnabled(bool(self._selected_dir) and Path(self._selected_dir).is_dir())

    # --- finished experiments ------------------------------------------------------------
    def refresh(self) -> None:
        """List the experiments in the lab folder (newest first) and keep the selection."""
        self.finished.refresh(self._selected_dir)
        self._update_buttons()

    def _selected_entry(self) -> dict[str, Any] | None:
        return self.finished.selected_entry()

    def _on_finished_selected(self) -> None:
        entry = self._selected_entry()
        if entry is None or self.is_running():
            self._update_buttons()
            return
        self._selected_dir = entry["experiment_dir"]
        self.result_panel.show_result(entry.get("status", ""), entry.get("verdict"), entry.get("figure"))
        self.curves.clear()
        for name, label, history in run_histories(entry):  # the finished runs' curves, as they were drawn live
            self.curves.add_history(name, label, history)
        self._update_buttons()

    def open_folder(self) -> None:
        """Open the selected (or last) experiment folder in the file manager."""
        if self._selected_dir:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self._selected_dir))

    # --- closing ---------------------------------------------------------------------------
    def is_busy(self) -> bool:
        """True while any of the view's jobs runs."""
        return self.jobs.is_busy()

    def shutdown(self, timeout_ms: int = 30000) -> bool:
        """Stop the queue cooperatively (cancel) and wait for the jobs; False if they did not end in time."""
        if self.lab is not None:
            self.lab.stop()
        return self.jobs.shutdown(timeout_ms)

