"""The window a run reads: computed from the run's logical date, never from the wall clock.

Rules per ``refresh_type`` (the config models are in ``xo_foundry.schemas.time_window``):

- ``daily``: the reference instant is the logical date minus the lag's hours and minutes (elapsed time);
  its local date in the zone, minus ``lag.days`` whole calendar days, is the day read. The window runs from
  that day's first local instant to the next day's (23 h or 25 h on DST days; where midnight does not
  exist, as in America/Santiago on 2024-09-08, the day starts at the first valid instant).
- ``intraday_relative``: "now" is ``data_interval_end``, or the logical date when there is none; the window
  is ``[now - lag - lookback, now - lag)`` in elapsed time (a lookback of one day is 24 h), shown in the zone.
- ``intraday_absolute``: the day is chosen as for ``daily``; the window is ``[day start_time, day end_time)``
  on the zone's wall clock. A time in a DST gap moves to the first valid instant after it; a time in a fold
  is its first occurrence.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import assert_never
from zoneinfo import ZoneInfo

from xo_core.timezones import zone_named
from xo_foundry.schemas.time_window import (
    DailyWindow,
    Duration,
    IntradayAbsoluteWindow,
    IntradayRelativeWindow,
    TimeWindowConfig,
)
from xo_foundry.time_window.local_time import local_instant, start_of_day, to_utc
from xo_foundry.time_window.window import TimeWindow


def compute_window(
    config: TimeWindowConfig, *, logical_date: datetime, data_interval_end: datetime | None = None
) -> TimeWindow:
    """The window of a run with this logical date (and data interval end); naive datetimes are refused."""
    zone = zone_named(config.timezone)
    logical_utc = to_utc(logical_date, what="logical_date")
    interval_end_utc = None
    if data_interval_end is not None:
        interval_end_utc = to_utc(data_interval_end, what="data_interval_end")
    match config:
        case DailyWindow():
            day = _reference_day(logical_utc, config.lag, zone)
            start, end = start_of_day(day, zone), start_of_day(day + timedelta(days=1), zone)
        case IntradayRelativeWindow():
            now = interval_end_utc if interval_end_utc is not None else logical_utc
            end_utc = now - config.lag.to_timedelta()
            start, end = (end_utc - config.lookback.to_timedelta()).astimezone(zone), end_utc.astimezone(zone)
        case IntradayAbsoluteWindow():
            day = _reference_day(logical_utc, config.lag, zone)
            start, end = local_instant(day, config.start(), zone), local_instant(day, config.end(), zone)
        case _:
            assert_never(config)
    return TimeWindow(start=start, end=end, timezone=config.timezone)


def window_for_date(config: TimeWindowConfig, day: date) -> TimeWindow:
    """The window of a run whose logical date is ``day`` 00:00 in the pipeline's zone (no data interval end).

    This is what ``xo-foundry window DOMAIN/PIPELINE --date YYYY-MM-DD`` prints. For ``intraday_relative``
    "now" is therefore that midnight, so the window ends at ``day`` 00:00 minus the lag.
    """
    zone = zone_named(config.timezone)
    return compute_window(config, logical_date=start_of_day(day, zone))


def _reference_day(logical_utc: datetime, lag: Duration, zone: ZoneInfo) -> date:
    """The local date read: hours and minutes of lag shift the instant, days step back on the calendar."""
    shifted = logical_utc - timedelta(hours=lag.hours, minutes=lag.minutes)
    return shifted.astimezone(zone).date() - timedelta(days=lag.days)
