"""The TimeWindow value: edges, labels, calendar days, and the XCom round trip."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from xo_foundry.time_window import TimeWindow

NY_NAME = "America/New_York"
NY = ZoneInfo(NY_NAME)


def ny(year: int, month: int, day: int, hour: int = 0, minute: int = 0, *, fold: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NY, fold=fold)


def jan_14() -> TimeWindow:
    return TimeWindow(ny(2025, 1, 14), ny(2025, 1, 15), NY_NAME)


def test_str_shows_the_half_open_span_and_zone() -> None:
    assert str(jan_14()) == "[2025-01-14T00:00:00-05:00, 2025-01-15T00:00:00-05:00) America/New_York"


def test_utc_edges() -> None:
    window = jan_14()
    assert window.start_utc == datetime(2025, 1, 14, 5, tzinfo=UTC)
    assert window.end_utc == datetime(2025, 1, 15, 5, tzinfo=UTC)
    assert window.start_utc.tzinfo is UTC


def test_ends_given_in_another_zone_are_held_in_the_window_zone() -> None:
    window = TimeWindow(datetime(2025, 1, 14, 5, tzinfo=UTC), datetime(2025, 1, 15, 5, tzinfo=UTC), NY_NAME)
    assert window.start.isoformat() == "2025-01-14T00:00:00-05:00"
    assert window.start.tzinfo == NY
    assert window == jan_14()


def test_contains_includes_start_and_excludes_end() -> None:
    window = jan_14()
    assert window.contains(ny(2025, 1, 14))
    assert window.contains(datetime(2025, 1, 15, 4, 59, 59, 999999, tzinfo=UTC))
    assert not window.contains(ny(2025, 1, 15))
    assert not window.contains(datetime(2025, 1, 15, 5, tzinfo=UTC))
    assert not window.contains(datetime(2025, 1, 14, 4, 59, 59, 999999, tzinfo=UTC))


def test_contains_tells_the_two_readings_of_a_fold_apart() -> None:
    # [01:00 EDT, 01:30 EDT): 01:15 EST (fold=1) is an hour later and outside.
    window = TimeWindow(ny(2025, 11, 2, 1), ny(2025, 11, 2, 1, 30), NY_NAME)
    assert window.contains(ny(2025, 11, 2, 1, 15))
    assert not window.contains(ny(2025, 11, 2, 1, 15, fold=1))


def test_windows_that_differ_only_in_fold_are_not_equal() -> None:
    first = TimeWindow(ny(2025, 11, 2, 1), ny(2025, 11, 2, 1, 30), NY_NAME)
    second = TimeWindow(ny(2025, 11, 2, 1, fold=1), ny(2025, 11, 2, 1, 30, fold=1), NY_NAME)
    assert first != second
    assert len({first, second}) == 2
    assert second.label == "20251102T0100f1-20251102T0130f1"
    assert first.label == "20251102T0100-20251102T0130"


def test_label_of_one_local_day_is_the_date() -> None:
    assert jan_14().label == "2025-01-14"
    spring = TimeWindow(ny(2025, 3, 9), ny(2025, 3, 10), NY_NAME)
    assert spring.label == "2025-03-09"


def test_label_of_other_windows_is_local_basic_time() -> None:
    assert TimeWindow(ny(2025, 1, 14, 9), ny(2025, 1, 14, 11), NY_NAME).label == "20250114T0900-20250114T1100"
    two_days = TimeWindow(ny(2025, 1, 14), ny(2025, 1, 16), NY_NAME)
    assert two_days.label == "20250114T0000-20250116T0000"
    start = datetime(2025, 1, 14, 9, 0, 15, tzinfo=NY)
    end = datetime(2025, 1, 14, 9, 30, 0, 250000, tzinfo=NY)
    odd = TimeWindow(start, end, NY_NAME)
    assert odd.label == "20250114T090015-20250114T093000.250000"


def test_is_whole_days() -> None:
    assert jan_14().is_whole_days
    assert TimeWindow(ny(2025, 1, 14), ny(2025, 1, 16), NY_NAME).is_whole_days
    assert not TimeWindow(ny(2025, 1, 14), ny(2025, 1, 14, 12), NY_NAME).is_whole_days
    # In Santiago 2024-09-08 begins at 01:00: that instant counts as the day's midnight.
    santiago = ZoneInfo("America/Santiago")
    window = TimeWindow(
        datetime(2024, 9, 8, 1, tzinfo=santiago), datetime(2024, 9, 9, tzinfo=santiago), "America/Santiago"
    )
    assert window.is_whole_days
    assert window.label == "2024-09-08"


def test_days_lists_every_local_date_touched() -> None:
    assert jan_14().days() == [date(2025, 1, 14)]
    assert TimeWindow(ny(2025, 1, 14, 22), ny(2025, 1, 16, 1), NY_NAME).days() == [
        date(2025, 1, 14),
        date(2025, 1, 15),
        date(2025, 1, 16),
    ]
    # 2025-01-15T03:00Z..04:00Z is the evening of the 14th in New York.
    evening = TimeWindow(datetime(2025, 1, 15, 3, tzinfo=UTC), datetime(2025, 1, 15, 4, tzinfo=UTC), NY_NAME)
    assert evening.days() == [date(2025, 1, 14)]


def test_to_dict_holds_only_strings_and_round_trips() -> None:
    window = TimeWindow(ny(2025, 11, 2, 1, 30), ny(2025, 11, 2, 1, 30, fold=1), NY_NAME)
    data = window.to_dict()
    assert data == {
        "start": "2025-11-02T01:30:00-04:00",
        "end": "2025-11-02T01:30:00-05:00",
        "timezone": "America/New_York",
    }
    restored = TimeWindow.from_dict(json.loads(json.dumps(data)))
    assert restored == window
    assert restored.end.fold == 1
    assert restored.label == window.label


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start": "2025-01-14T00:00:00-05:00", "timezone": NY_NAME}, "'end' must be a string, got None"),
        ({"start": "yesterday", "end": "2025-01-15T00:00:00-05:00", "timezone": NY_NAME}, "not ISO 8601"),
        (
            {"start": "2025-01-14T00:00:00", "end": "2025-01-15T00:00:00-05:00", "timezone": NY_NAME},
            "window start 2025-01-14T00:00:00 is naive",
        ),
        (
            {"start": "2025-01-14T00:00:00Z", "end": "2025-01-15T00:00:00Z", "timezone": "Mars/Olympus"},
            "unknown IANA time zone 'Mars/Olympus'",
        ),
    ],
)
def test_from_dict_rejects_bad_data(data: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TimeWindow.from_dict(data)


def test_naive_ends_are_rejected() -> None:
    with pytest.raises(ValueError, match="window end 2025-01-15T00:00:00 is naive"):
        TimeWindow(ny(2025, 1, 14), datetime(2025, 1, 15), NY_NAME)


def test_naive_timestamp_is_rejected_by_contains() -> None:
    with pytest.raises(ValueError, match="timestamp 2025-01-14T12:00:00 is naive"):
        jan_14().contains(datetime(2025, 1, 14, 12))


def test_end_before_start_is_rejected() -> None:
    with pytest.raises(ValueError, match="is before start"):
        TimeWindow(ny(2025, 1, 15), ny(2025, 1, 14), NY_NAME)
