"""The course lab: each lecture experiment as a named, versioned recipe of training runs.

- ``registry``: ``list_experiments`` / ``get_experiment`` (like the model zoo).
- ``recipe``: :class:`Experiment`, :class:`RunSpec`, :class:`RunOutcome`, :class:`Verdict`.
- ``queue``: :class:`LabQueue`, a pausable, stoppable, resumable queue of runs.
- ``experiment``: :class:`LabJob`, which opens the data, runs the queue and writes the folder
  (``report.md``, ``figure.png``/``.svg``, ``curves.csv``, ``result.json``).
- One module per experiment: ``degradation``, ``batchnorm``, ``transfer``
  (``transfer-strategies``), ``filters``.
"""
