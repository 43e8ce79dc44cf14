"""The Lab view's background job: open the data, run a ``core.lab.experiment.LabJob``, report through partials.

The job runs on a :class:`~cnn_studio.gui.jobs.JobRunner` thread. Its payloads (``job.partial``)
are tuples the view dispatches on their first element:

- ``("plan", LabPlan)`` once the data is open and the runs are planned;
- ``("history", run name, [epoch records])`` for runs a continued experiment already trained;
- ``("progress", done, total)`` in epochs over the whole queue;
- ``("event", LabRunEvent)`` for the engine events the view shows (:data:`RELAYED`).

Decoding progress goes through ``job.progress``; the job's cancel token is the queue's ``cancel``
(polled at batch boundaries: the current run saves ``last.pt`` and the experiment reads stopped).
"""

from __future__ import annotations

from typing import Any, Callable

from cnn_studio.core.training.events import EpochEnded, RunFailed, RunFinished, RunStarted
from cnn_studio.gui.jobs import JobContext

RELAYED = (RunStarted, EpochEnded, RunFinished, RunFailed)  # the engine events the view shows


def lab_job_function(lab: Any) -> Callable[[JobContext], Any]:
    """The job that opens the data, runs ``lab`` (a LabJob) and reports through ``job.partial``."""

    def run(job: JobContext) -> Any:
        from cnn_studio.core.lab.queue import read_outcome

        plan = lab.open(progress=job.progress, cancel=job.cancel)
        job.partial(("plan", plan))
        for spec in plan.specs:
            history = read_outcome(plan.folder, spec).history
            if history:
                job.partial(("history", spec.name, [dict(r) for r in history]))

        def relay(lab_event: Any) -> None:
            if isinstance(lab_event.event, RELAYED):
                job.partial(("event", lab_event))

        return lab.run(progress=lambda done, total: job.partial(("progress", done, total)), cancel=job.cancel,
                       on_event=relay)

    return run
