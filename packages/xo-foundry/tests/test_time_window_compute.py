"""compute_window and window_for_date: the window each refresh_type gives, across DST and time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import TypeAdapter

from xo_foundry.schemas.time_window import TimeWindowConfig
from xo_foundry.time_window import TimeWindow, compute_window, window_for_date

NY = "America/New_York"
_CONFIG = TypeAdapter(TimeWindowConfig)


def tw_config(**fields: Any) -> TimeWindowConfig:
    return _CONFIG.validate_python({"timezone": NY, **fields})


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def span(window: TimeWindow) -> tuple[str, str]:
    return window.start.isoformat(), window.end.isoformat()


# --- daily ---------------------------------------------------------------------------------------------


def test_daily_default_lag_is_the_day_before_the_logical_date() -> None:
    window = compute_window(tw_config(refresh_type="daily"), logical_date=utc(2025, 1, 15, 12))
    assert span(window) == ("2025-01-14T00:00:00-05:00", "2025-01-15T00:00:00-05:00")
    assert window.start_utc == utc(2025, 1, 14, 5)
    assert window.end_utc == utc(2025, 1, 15, 5)
    assert window.label == "2025-01-14"


def test_daily_lag_zero_is_the_logical_date_itself() -> None:
    window = compute_window(tw_config(refresh_type="daily", lag={"days": 0}), logical_date=utc(2025, 1, 15, 12))
    assert span(window) == ("2025-01-15T00:00:00-05:00", "2025-01-16T00:00:00-05:00")


def test_daily_logical_date_is_taken_on_the_pipeline_local_calendar() -> None:
    # 2025-01-15T03:00Z is still 2025-01-14 22:00 in New York.
    window = compute_window(tw_config(refresh_type="daily", lag={"days": 0}), logical_date=utc(2025, 1, 15, 3))
    assert window.label == "2025-01-14"
    assert span(window) == ("2025-01-14T00:00:00-05:00", "2025-01-15T00:00:00-05:00")


def test_daily_lag_hours_shift_the_instant_before_the_date_is_taken() -> None:
    config = tw_config(refresh_type="daily", lag={"hours": 6})
    # 2025-01-15 04:00 in New York minus 6 h is 2025-01-14 22:00: the day read is the 14th.
    assert compute_window(config, logical_date=utc(2025, 1, 15, 9)).label == "2025-01-14"
    # 2025-01-15 07:00 minus 6 h is 01:00 the same day.
    assert compute_window(config, logical_date=utc(2025, 1, 15, 12)).label == "2025-01-15"


def test_daily_lag_days_and_hours_combine() -> None:
    config = tw_config(refresh_type="daily", lag={"days": 1, "hours": 6})
    assert compute_window(config, logical_date=utc(2025, 1, 15, 9)).label == "2025-01-13"


def test_daily_spring_forward_day_is_23_hours() -> None:
    window = window_for_date(tw_config(refresh_type="daily", lag={"days": 0}), date(2025, 3, 9))
    assert span(window) == ("2025-03-09T00:00:00-05:00", "2025-03-10T00:00:00-04:00")
    assert window.duration == timedelta(hours=23)


def test_daily_fall_back_day_is_25_hours() -> None:
    window = window_for_date(tw_config(refresh_type="daily", lag={"days": 0}), date(2025, 11, 2))
    assert span(window) == ("2025-11-02T00:00:00-04:00", "2025-11-03T00:00:00-05:00")
    assert window.duration == timedelta(hours=25)


@pytest.mark.parametrize(
    ("zone", "day", "start", "end"),
    [
        # Santiago skips 00:00-01:00 on 2024-09-08: the day starts at 01:00 -03.
        ("America/Santiago", date(2024, 9, 8), "2024-09-08T01:00:00-03:00", "2024-09-09T00:00:00-03:00"),
        ("America/Santiago", date(2024, 9, 7), "2024-09-07T00:00:00-04:00", "2024-09-08T01:00:00-03:00"),
        # Beirut springs forward at midnight too (2025-03-30) and falls back to 23:00 the day before.
        ("Asia/Beirut", date(2025, 3, 30), "2025-03-30T01:00:00+03:00", "2025-03-31T00:00:00+03:00"),
        ("Asia/Beirut", date(2025, 10, 25), "2025-10-25T00:00:00+03:00", "2025-10-26T00:00:00+02:00"),
    ],
)
def test_daily_where_midnight_does_not_exist_starts_at_the_first_valid_instant(
    zone: str, day: date, start: str, end: str
) -> None:
    config = _CONFIG.validate_python({"refresh_type": "daily", "timezone": zone, "lag": {"days": 0}})
    same_day = window_for_date(config, day)
    assert span(same_day) == (start, end)
    assert same_day.is_whole_days
    assert same_day.label == day.isoformat()


def test_daily_windows_of_consecutive_days_tile_without_gap_or_overlap() -> None:
    config = _CONFIG.validate_python({"refresh_type": "daily", "timezone": "America/Santiago", "lag": {}})
    days = [date(2024, 9, 6) + timedelta(days=n) for n in range(4)]
    windows = [window_for_date(config, d) for d in days]
    for before, after in pairwise(windows):
        assert before.end_utc == after.start_utc


# --- intraday_relative ---------------------------------------------------------------------------------


def test_intraday_relative_uses_data_interval_end_as_now() -> None:
    config = tw_config(refresh_type="intraday_relative", lookback={"hours": 2}, lag={"hours": 1})
    window = compute_window(config, logical_date=utc(2025, 1, 15, 14), data_interval_end=utc(2025, 1, 15, 15))
    assert span(window) == ("2025-01-15T07:00:00-05:00", "2025-01-15T09:00:00-05:00")


def test_intraday_relative_without_interval_end_uses_the_logical_date() -> None:
    config = tw_config(refresh_type="intraday_relative", lookback={"minutes": 30})
    window = compute_window(config, logical_date=utc(2025, 1, 15, 15))
    assert (window.start_utc, window.end_utc) == (utc(2025, 1, 15, 14, 30), utc(2025, 1, 15, 15))


def test_intraday_relative_across_spring_forward_is_two_real_hours() -> None:
    config = tw_config(refresh_type="intraday_relative", lookback={"hours": 2}, lag={"hours": 1})
    # now = 2025-03-09 04:30 EDT (08:30Z); end = 03:30 EDT; start = 2 real hours earlier = 00:30 EST.
    window = compute_window(config, logical_date=utc(2025, 3, 9, 7), data_interval_end=utc(2025, 3, 9, 8, 30))
    assert span(window) == ("2025-03-09T00:30:00-05:00", "2025-03-09T03:30:00-04:00")
    assert window.duration == timedelta(hours=2)
    assert window.label == "20250309T0030-20250309T0330"


def test_intraday_relative_across_fall_back_keeps_both_one_thirties_apart() -> None:
    config = tw_config(refresh_type="intraday_relative", lookback={"hours": 1})
    window = compute_window(config, logical_date=utc(2025, 11, 2, 6, 30))
    assert span(window) == ("2025-11-02T01:30:00-04:00", "2025-11-02T01:30:00-05:00")
    assert window.label == "20251102T0130-20251102T0130f1"


# --- intraday_absolute ---------------------------------------------------------------------------------


def test_intraday_absolute_normal_day() -> None:
    config = tw_config(refresh_type="intraday_absolute", start_time="09:00", end_time="11:00")
    window = compute_window(config, logical_date=utc(2025, 1, 14, 20))
    assert span(window) == ("2025-01-14T09:00:00-05:00", "2025-01-14T11:00:00-05:00")
    assert window.label == "20250114T0900-20250114T1100"


def test_intraday_absolute_lag_days_steps_back_on_the_local_calendar() -> None:
    config = tw_config(refresh_type="intraday_absolute", start_time="09:00", end_time="11:00", lag={"days": 1})
    # 2025-01-15T03:00Z is Jan 14 in New York; one day of lag reads Jan 13.
    window = compute_window(config, logical_date=utc(2025, 1, 15, 3))
    assert span(window) == ("2025-01-13T09:00:00-05:00", "2025-01-13T11:00:00-05:00")


def test_intraday_absolute_start_in_spring_gap_moves_to_the_end_of_the_gap() -> None:
    config = tw_config(refresh_type="intraday_absolute", start_time="02:30", end_time="05:00")
    window = window_for_date(config, date(2025, 3, 9))
    assert span(window) == ("2025-03-09T03:00:00-04:00", "2025-03-09T05:00:00-04:00")
    assert window.start_utc == utc(2025, 3, 9, 7)


def test_intraday_absolute_end_in_fall_back_fold_is_its_first_occurrence() -> None:
    config = tw_config(refresh_type="intraday_absolute", start_time="00:00", end_time="01:30")
    window = window_for_date(config, date(2025, 11, 2))
    assert span(window) == ("2025-11-02T00:00:00-04:00", "2025-11-02T01:30:00-04:00")
    assert window.end_utc == utc(2025, 11, 2, 5, 30)
    assert window.duration == timedelta(hours=1, minutes=30)


# --- determinism and input checks ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"refresh_type": "daily"}, ("2019-05-31T00:00:00-04:00", "2019-06-01T00:00:00-04:00")),
        (
            {"refresh_type": "intraday_relative", "lookback": {"hours": 2}, "lag": {"hours": 1}},
            ("2019-06-01T05:00:00-04:00", "2019-06-01T07:00:00-04:00"),
        ),
        (
            {"refresh_type": "intraday_absolute", "start_time": "09:00", "end_time": "17:00"},
            ("2019-06-01T09:00:00-04:00", "2019-06-01T17:00:00-04:00"),
        ),
    ],
)
def test_rerun_gives_the_same_window_from_the_logical_date_alone(
    fields: dict[str, Any], expected: tuple[str, str]
) -> None:
    config = tw_config(**fields)
    # A 2019 logical date: any use of today's clock would move the window away from these 2019 values.
    first = compute_window(config, logical_date=utc(2019, 6, 1, 12))
    again = compute_window(config, logical_date=utc(2019, 6, 1, 12))
    assert span(first) == expected
    assert first == again
    assert first.to_dict() == again.to_dict()


def test_logical_date_in_another_zone_gives_the_same_window_as_in_utc() -> None:
    config = tw_config(refresh_type="daily")
    tokyo = datetime(2025, 1, 15, 21, tzinfo=ZoneInfo("Asia/Tokyo"))  # 12:00Z
    assert compute_window(config, logical_date=tokyo) == compute_window(config, logical_date=utc(2025, 1, 15, 12))


def test_naive_logical_date_is_refused() -> None:
    with pytest.raises(ValueError, match="logical_date 2025-01-15T00:00:00 is naive"):
        compute_window(tw_config(refresh_type="daily"), logical_date=datetime(2025, 1, 15))


def test_naive_data_interval_end_is_refused() -> None:
    config = tw_config(refresh_type="intraday_relative", lookback={"hours": 1})
    with pytest.raises(ValueError, match=r"data_interval_end .* is naive"):
        compute_window(config, logical_date=utc(2025, 1, 15), data_interval_end=datetime(2025, 1, 15))


def test_window_for_date_is_the_run_at_local_midnight() -> None:
    assert str(window_for_date(tw_config(refresh_type="daily"), date(2025, 1, 15))) == (
        "[2025-01-14T00:00:00-05:00, 2025-01-15T00:00:00-05:00) America/New_York"
    )
    relative = tw_config(refresh_type="intraday_relative", lookback={"hours": 3}, lag={"hours": 1})
    assert span(window_for_date(relative, date(2025, 1, 15))) == (
        "2025-01-14T20:00:00-05:00",
        "2025-01-14T23:00:00-05:00",
    )
