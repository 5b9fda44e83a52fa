"""Instants in an IANA zone: UTC conversion that accepts any datetime subclass, and wall times that resolve
DST gaps and folds the same way every time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def to_utc(value: datetime, *, what: str = "datetime") -> datetime:
    """The same instant as a plain ``datetime`` in UTC; ValueError when ``value`` is naive.

    Built from the fields and the offset rather than with ``astimezone`` so a pendulum ``DateTime`` (or any
    other subclass) comes back as a plain ``datetime`` with the exact microsecond.
    """
    offset = value.utcoffset() if value.tzinfo is not None else None
    if offset is None:
        raise ValueError(f"{what} {value.isoformat()} is naive: give it a time zone")
    wall = datetime(value.year, value.month, value.day, value.hour, value.minute, value.second, value.microsecond)
    return (wall - offset).replace(tzinfo=UTC)


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The instant the wall clock in ``zone`` reads ``day`` ``at``, as an aware datetime in ``zone``.

    A wall time that happens twice (a fold) gives the first occurrence; one that never happens (a DST gap)
    gives the first valid instant after it, i.e. the moment of the transition.
    """
    wall = datetime.combine(day, at)
    # fold=0 means the earlier reading in a fold and the pre-transition offset in a gap (PEP 495).
    earlier = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if earlier.astimezone(zone).replace(tzinfo=None) == wall:
        return earlier.astimezone(zone)
    return _transition_in_gap(wall, zone).astimezone(zone)


def start_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of the local calendar ``day`` in ``zone`` (midnight, or the end of a gap over it)."""
    return local_instant(day, time(0, 0), zone)


def _transition_in_gap(wall: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant of the transition that skipped the wall time ``wall``."""
    # In a gap, fold=1 reads the wall time with the new offset (an instant before the transition) and
    # fold=0 with the old one (an instant after it), so the transition lies between the two.
    low = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    offset_before = low.astimezone(zone).utcoffset()
    # tzdata transitions fall on whole seconds: find the first second whose offset is the new one.
    lo, hi = 0, int((high - low).total_seconds())
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if (low + timedelta(seconds=mid)).astimezone(zone).utcoffset() == offset_before:
            lo = mid
        else:
            hi = mid
    return low + timedelta(seconds=hi)
