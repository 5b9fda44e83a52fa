"""The window of the running Airflow task, read from its context."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from xo_core.errors import TerminalError
from xo_foundry.schemas.time_window import TimeWindowConfig
from xo_foundry.time_window.compute import compute_window
from xo_foundry.time_window.window import TimeWindow


def window_from_context(config: TimeWindowConfig, context: Mapping[str, Any]) -> TimeWindow:
    """The window for the run described by an Airflow task context.

    Uses ``logical_date`` and ``data_interval_end`` (pendulum ``DateTime`` or any datetime). Airflow 3 runs
    triggered without a logical date have neither; the logical date then falls back to
    ``data_interval_end``, then ``run_after`` (``context["run_after"]`` or ``context["dag_run"].run_after``).
    """
    return compute_window(
        config,
        logical_date=logical_date_from_context(context),
        data_interval_end=_datetime_at(context, "data_interval_end"),
    )


def logical_date_from_context(context: Mapping[str, Any]) -> datetime:
    """The run's logical date: ``logical_date``, else ``data_interval_end``, else ``run_after`` (see above)."""
    logical_date = (
        _datetime_at(context, "logical_date") or _datetime_at(context, "data_interval_end") or _run_after(context)
    )
    if logical_date is None:
        raise TerminalError(
            "cannot compute the time window: no run date in the task context "
            "(looked for context['logical_date'], context['data_interval_end'], context['run_after'] "
            "and context['dag_run'].run_after)"
        )
    return logical_date


def _datetime_at(context: Mapping[str, Any], key: str) -> datetime | None:
    return _as_datetime(context.get(key), f"context[{key!r}]")


def _run_after(context: Mapping[str, Any]) -> datetime | None:
    direct = _as_datetime(context.get("run_after"), "context['run_after']")
    if direct is not None:
        return direct
    return _as_datetime(getattr(context.get("dag_run"), "run_after", None), "context['dag_run'].run_after")


def _as_datetime(value: object, where: str) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    raise TerminalError(f"{where} is a {type(value).__name__}, not a datetime")
