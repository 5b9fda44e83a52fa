"""Time windows: which span of source data a pipeline run reads.

``compute_window`` turns a ``dag.time_window`` config and a run's logical date into a ``TimeWindow``;
``window_from_context`` does the same from an Airflow task context; ``window_for_date`` is the CLI's view.
"""

from __future__ import annotations

from xo_foundry.time_window.airflow_context import logical_date_from_context, window_from_context
from xo_foundry.time_window.compute import compute_window, window_for_date
from xo_foundry.time_window.local_time import local_instant, start_of_day
from xo_foundry.time_window.window import TimeWindow

__all__ = [
    "TimeWindow",
    "compute_window",
    "local_instant",
    "logical_date_from_context",
    "start_of_day",
    "window_for_date",
    "window_from_context",
]
