"""The window a run reads, for each refresh_type, computed from the logical date (never the wall clock)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from xo_foundry.schemas.time_window import DailyWindow, IntradayAbsoluteWindow, IntradayRelativeWindow
from xo_foundry.time_window import compute_window, window_for_date

NEW_YORK = ZoneInfo("America/New_York")

daily = DailyWindow.model_validate({"refresh_type": "daily", "timezone": "America/New_York", "lag": {"days": 1}})
w = window_for_date(daily, date(2025, 1, 15))
print("daily:", w, w.label)
assert w.start == datetime(2025, 1, 14, tzinfo=NEW_YORK) and w.label == "2025-01-14"

# DST: the day the clocks spring forward has 23 hours, the day they fall back has 25.
spring = window_for_date(daily, date(2025, 3, 10))
fall = window_for_date(daily, date(2025, 11, 3))
print("spring forward:", spring.end_utc - spring.start_utc, " fall back:", fall.end_utc - fall.start_utc)
assert (spring.end_utc - spring.start_utc).total_seconds() == 23 * 3600
assert (fall.end_utc - fall.start_utc).total_seconds() == 25 * 3600

# intraday_relative: [now - lag - lookback, now - lag), "now" being the end of the run's data interval.
relative = IntradayRelativeWindow.model_validate(
    {"refresh_type": "intraday_relative", "timezone": "America/New_York", "lookback": {"hours": 2}, "lag": {"hours": 1}}
)
interval_end = datetime(2025, 1, 15, 15, 0, tzinfo=ZoneInfo("UTC"))  # 10:00 in New York
w = compute_window(relative, logical_date=interval_end, data_interval_end=interval_end)
print("intraday_relative:", w, w.label)
assert (w.start.hour, w.end.hour) == (7, 9)

# intraday_absolute: fixed wall-clock times of the day chosen like daily's.
absolute = IntradayAbsoluteWindow.model_validate(
    {"refresh_type": "intraday_absolute", "timezone": "America/New_York", "start_time": "09:00", "end_time": "17:00"}
)
w = window_for_date(absolute, date(2025, 1, 15))
print("intraday_absolute:", w, w.label)
assert (w.start.hour, w.end.hour) == (9, 17)
