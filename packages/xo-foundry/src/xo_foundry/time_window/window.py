"""The TimeWindow value: a half-open span of time ``[start, end)`` in a pipeline's zone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from xo_core.timezones import zone_named
from xo_foundry.time_window.local_time import start_of_day, to_utc

_ONE_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True, eq=False, repr=False)
class TimeWindow:
    """``[start, end)`` in the IANA zone ``timezone``; both ends are aware and held in that zone.

    Any aware datetime is accepted (another zone, a pendulum ``DateTime``) and stored as a plain
    ``datetime`` in ``timezone``. Equality and ``contains`` compare instants, not wall-clock readings
    (Python ignores ``fold`` when comparing two datetimes of the same zone, which would confuse the
    two 01:30s of a fall-back night). ``start == end`` is allowed only for a day that does not exist
    in the zone (Pacific/Apia skipped 2011-12-30).
    """

    start: datetime
    end: datetime
    timezone: str

    def __post_init__(self) -> None:
        zone = zone_named(self.timezone)
        start_utc = to_utc(self.start, what="window start")
        end_utc = to_utc(self.end, what="window end")
        if end_utc < start_utc:
            raise ValueError(f"window end {self.end.isoformat()} is before start {self.start.isoformat()}")
        # Frozen dataclass: normalising the ends in place is the one write __post_init__ needs.
        object.__setattr__(self, "start", start_utc.astimezone(zone))
        object.__setattr__(self, "end", end_utc.astimezone(zone))

    @property
    def zone(self) -> ZoneInfo:
        """The window's zone as a ZoneInfo."""
        return zone_named(self.timezone)

    @property
    def start_utc(self) -> datetime:
        """The start as an aware datetime in UTC."""
        return self.start.astimezone(UTC)

    @property
    def end_utc(self) -> datetime:
        """The end (excluded) as an aware datetime in UTC."""
        return self.end.astimezone(UTC)

    @property
    def duration(self) -> timedelta:
        """Elapsed time from start to end (23 h on a spring-forward day, 25 h on a fall-back day)."""
        return self.end_utc - self.start_utc

    @property
    def is_whole_days(self) -> bool:
        """True when both ends are the first instant of a local calendar day (local midnight)."""
        zone = self.zone
        return all(to_utc(edge) == to_utc(start_of_day(edge.date(), zone)) for edge in (self.start, self.end))

    @property
    def is_one_day(self) -> bool:
        """True when the window is exactly one local calendar day."""
        next_day = start_of_day(self.start.date() + timedelta(days=1), self.zone)
        return self.is_whole_days and self.end_utc == to_utc(next_day)

    @property
    def label(self) -> str:
        """A path-safe name for storage keys, unique among the windows of one zone.

        One local calendar day: ``2025-01-14``. Anything else: local start and end in ISO 8601 basic form,
        ``20250114T0900-20250114T1100``; seconds (``T090015``) and microseconds (``T090015.250000``) appear
        only when not zero. No ``Z`` and no offset: the one wall time that is not unique, the second
        reading of a fall-back fold, gets the suffix ``f1`` (Python's ``fold=1``): the 01:30 EST of
        2025-11-02 in New York is ``20251102T0130f1``, the 01:30 EDT before it ``20251102T0130``.
        """
        if self.is_one_day:
            return self.start.date().isoformat()
        return f"{_basic_local(self.start)}-{_basic_local(self.end)}"

    def days(self) -> list[date]:
        """The local calendar dates the window touches, in order (the end instant itself is excluded)."""
        if self.end_utc == self.start_utc:
            return []
        first = self.start.date()
        last = (self.end_utc - _ONE_MICROSECOND).astimezone(self.zone).date()
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def reaching_back(self, duration: timedelta) -> TimeWindow:
        """The window starting ``duration`` earlier on the local clock (a day back from midnight is midnight)."""
        start = (self.start.replace(tzinfo=None) - duration).replace(tzinfo=self.zone)
        return TimeWindow(start=start, end=self.end, timezone=self.timezone)

    def contains(self, ts: datetime) -> bool:
        """``start <= ts < end`` compared as instants; ValueError when ``ts`` is naive."""
        instant = to_utc(ts, what="timestamp")
        return self.start_utc <= instant < self.end_utc

    def to_dict(self) -> dict[str, str]:
        """Strings only (for XCom): ISO 8601 start and end with their offsets, and the zone name."""
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "timezone": self.timezone}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TimeWindow:
        """The window ``to_dict`` wrote; ValueError naming the key that is missing or malformed."""
        values: dict[str, str] = {}
        for key in ("start", "end", "timezone"):
            value = data.get(key)
            if not isinstance(value, str):
                raise ValueError(f"time window {key!r} must be a string, got {value!r}")
            values[key] = value
        try:
            start = datetime.fromisoformat(values["start"])
            end = datetime.fromisoformat(values["end"])
        except ValueError as exc:
            raise ValueError(f"time window is not ISO 8601: {exc}") from None
        return cls(start=start, end=end, timezone=values["timezone"])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TimeWindow):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple[datetime, datetime, str]:
        return (self.start_utc, self.end_utc, self.timezone)

    def __str__(self) -> str:
        return f"[{self.start.isoformat()}, {self.end.isoformat()}) {self.timezone}"

    def __repr__(self) -> str:
        return f"TimeWindow({self.start.isoformat()!r}, {self.end.isoformat()!r}, {self.timezone!r})"


def _basic_local(moment: datetime) -> str:
    """ISO 8601 basic local time (no offset), with ``f1`` on the second reading of a repeated wall time."""
    text = moment.strftime("%Y%m%dT%H%M")
    if moment.second or moment.microsecond:
        text += f"{moment.second:02d}"
    if moment.microsecond:
        text += f".{moment.microsecond:06d}"
    if moment.fold and moment.replace(fold=0).utcoffset() != moment.utcoffset():
        text += "f1"
    return text
