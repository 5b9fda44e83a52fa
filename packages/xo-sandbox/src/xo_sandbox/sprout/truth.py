"""The true counts of a window, straight from the generator (never from an API answer), to reconcile against.

Windows are half-open ``[start, end)`` of aware datetimes, as an extraction window is; days are local dates
in ``tz``. ``volume_scale`` must match the server's.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from xo_sandbox.sprout.messages import Message, day_times, message, utc_day


def messages_in(start: datetime, end: datetime, *, volume_scale: float = 1.0) -> Iterator[Message]:
    """Every message created in ``[start, end)``, in creation order."""
    lo, hi = start.timestamp(), end.timestamp()
    day = utc_day(int(lo))
    while day <= utc_day(int(hi)):
        times = day_times(day, volume_scale)
        for index in range(bisect.bisect_left(times, lo), bisect.bisect_left(times, hi)):
            yield message(day, index, volume_scale)
        day += timedelta(days=1)


def message_count(start: datetime, end: datetime, *, volume_scale: float = 1.0) -> int:
    """How many messages were created in ``[start, end)`` (every profile)."""
    lo, hi = start.timestamp(), end.timestamp()
    total, day = 0, utc_day(int(lo))
    while day <= utc_day(int(hi)):
        times = day_times(day, volume_scale)
        total += bisect.bisect_left(times, hi) - bisect.bisect_left(times, lo)
        day += timedelta(days=1)
    return total


def messages_per_day(start: datetime, end: datetime, tz: str, *, volume_scale: float = 1.0) -> dict[date, int]:
    """Messages per local date (in ``tz``) of their creation."""
    zone = ZoneInfo(tz)
    return dict(
        Counter(
            datetime.fromtimestamp(m.created_s, zone).date() for m in messages_in(start, end, volume_scale=volume_scale)
        )
    )


def replies_per_agent(start: datetime, end: datetime, *, volume_scale: float = 1.0) -> dict[str, int]:
    """Outbound replies per agent email (``internal.sent_by.email``)."""
    return dict(Counter(m.sent_by.email for m in messages_in(start, end, volume_scale=volume_scale) if m.sent_by))
