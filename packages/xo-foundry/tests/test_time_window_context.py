"""window_from_context: the window of a running Airflow task, from pendulum dates in its context."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pendulum
import pytest
from airflow.sdk.api.datamodels._generated import DagRun, DagRunState, DagRunType
from pydantic import TypeAdapter

from xo_core.errors import TerminalError
from xo_foundry.schemas.time_window import TimeWindowConfig
from xo_foundry.time_window import TimeWindow, compute_window, window_from_context

_CONFIG = TypeAdapter(TimeWindowConfig)
DAILY = _CONFIG.validate_python({"refresh_type": "daily", "timezone": "America/New_York"})
RELATIVE = _CONFIG.validate_python(
    {"refresh_type": "intraday_relative", "timezone": "America/New_York", "lookback": {"hours": 2}}
)


def manual_dag_run(run_after: datetime) -> DagRun:
    """The dag_run Airflow 3 puts in the context of a run triggered without a logical date."""
    return DagRun(
        dag_id="wbp_gladly_daily",
        run_id="manual__2025-01-15T16:20:00+00:00",
        logical_date=None,
        data_interval_start=None,
        data_interval_end=None,
        run_after=run_after,
        start_date=run_after,
        end_date=None,
        run_type=DagRunType.MANUAL,
        state=DagRunState.RUNNING,
        consumed_asset_events=[],
        partition_key=None,
    )


def span(window: TimeWindow) -> tuple[str, str]:
    return window.start.isoformat(), window.end.isoformat()


def test_scheduled_run_with_pendulum_dates() -> None:
    context: dict[str, Any] = {
        "logical_date": pendulum.datetime(2025, 1, 15, 5, tz="UTC"),
        "data_interval_start": pendulum.datetime(2025, 1, 15, 5, tz="UTC"),
        "data_interval_end": pendulum.datetime(2025, 1, 16, 5, tz="UTC"),
    }
    window = window_from_context(DAILY, context)
    assert span(window) == ("2025-01-14T00:00:00-05:00", "2025-01-15T00:00:00-05:00")
    # The window holds plain datetimes, so it serialises and compares like any other.
    assert type(window.start) is datetime
    assert window == compute_window(DAILY, logical_date=datetime(2025, 1, 15, 5, tzinfo=UTC))


def test_pendulum_dates_in_a_named_zone_keep_their_fold() -> None:
    # 01:30 EST, the second 01:30 of the fall-back night (06:30Z).
    second = pendulum.datetime(2025, 11, 2, 1, 30, tz="America/New_York", fold=1)
    window = window_from_context(RELATIVE, {"logical_date": second, "data_interval_end": second})
    assert window.end_utc == datetime(2025, 11, 2, 6, 30, tzinfo=UTC)
    assert span(window) == ("2025-11-02T00:30:00-04:00", "2025-11-02T01:30:00-05:00")


def test_intraday_relative_takes_now_from_data_interval_end() -> None:
    context = {
        "logical_date": pendulum.datetime(2025, 1, 15, 14, tz="UTC"),
        "data_interval_end": pendulum.datetime(2025, 1, 15, 15, tz="UTC"),
    }
    assert span(window_from_context(RELATIVE, context)) == (
        "2025-01-15T08:00:00-05:00",
        "2025-01-15T10:00:00-05:00",
    )


def test_logical_date_none_falls_back_to_data_interval_end() -> None:
    context = {"logical_date": None, "data_interval_end": pendulum.datetime(2025, 1, 16, 5, tz="UTC")}
    assert window_from_context(DAILY, context).label == "2025-01-15"


def test_manual_run_without_logical_date_uses_dag_run_run_after() -> None:
    # What an Airflow 3 task sees for a manual run: no logical_date or data_interval_* keys at all.
    context = {"dag_run": manual_dag_run(pendulum.datetime(2025, 1, 15, 16, 20, tz="UTC"))}
    assert window_from_context(DAILY, context).label == "2025-01-14"
    assert span(window_from_context(RELATIVE, context)) == (
        "2025-01-15T09:20:00-05:00",
        "2025-01-15T11:20:00-05:00",
    )


def test_run_after_key_is_used_when_present() -> None:
    context = {"logical_date": None, "run_after": pendulum.datetime(2025, 1, 15, 16, tz="UTC")}
    assert window_from_context(DAILY, context).label == "2025-01-14"


def test_context_without_any_run_date_is_a_clear_terminal_error() -> None:
    with pytest.raises(TerminalError, match=r"no run date in the task context .*dag_run'\]\.run_after"):
        window_from_context(DAILY, {"logical_date": None, "ds": "2025-01-15"})


def test_context_value_of_the_wrong_type_is_named() -> None:
    with pytest.raises(TerminalError, match=r"context\['logical_date'\] is a str, not a datetime"):
        window_from_context(DAILY, {"logical_date": "2025-01-15T00:00:00+00:00"})


def test_naive_context_date_is_refused() -> None:
    with pytest.raises(ValueError, match="logical_date 2025-01-15T00:00:00 is naive"):
        window_from_context(DAILY, {"logical_date": datetime(2025, 1, 15)})
