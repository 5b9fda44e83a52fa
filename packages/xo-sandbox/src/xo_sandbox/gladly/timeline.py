"""Windows over the generated activity, streamed in time order without holding a whole day in memory.

Windows are half-open ``[lo_ms, hi_ms)`` in epoch milliseconds. Conversations come out of the generator in
creation order and every item of a conversation (event, contact start) is at or after its creation, so a
small heap merges them into time order: an item is released once the next conversation starts after it.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time, timedelta
from itertools import count
from zoneinfo import ZoneInfo

from xo_sandbox.gladly.data import (
    DAY,
    MAX_SPAN_MS,
    SECOND,
    Contact,
    Conversation,
    Event,
    conversations_for_day,
    day_start_ms,
)


def local_day_window(start_day: date, end_day: date, tz: ZoneInfo) -> tuple[int, int]:
    """``[start_day 00:00, end_day + 1 00:00)`` in ``tz``, as epoch milliseconds (end_day is inclusive)."""
    lo = datetime.combine(start_day, time(0), tzinfo=tz)
    hi = datetime.combine(end_day + timedelta(days=1), time(0), tzinfo=tz)
    return int(lo.timestamp() * SECOND), int(hi.timestamp() * SECOND)


def _utc_day(ms: int) -> date:
    return date(1970, 1, 1) + timedelta(milliseconds=ms - ms % DAY)


def conversations_created(org: str, lo_ms: int, hi_ms: int, volume_scale: float = 1.0) -> Iterator[Conversation]:
    """Conversations of ``org`` created in ``[lo_ms, hi_ms)``, in creation order."""
    day = _utc_day(lo_ms)
    while day_start_ms(day) < hi_ms:
        for conv in conversations_for_day(org, day, volume_scale, since_ms=lo_ms):
            if conv.created_ms >= hi_ms:
                return
            yield conv
        day += timedelta(days=1)


def merge_in_time[T](
    org: str,
    lo_ms: int,
    hi_ms: int,
    volume_scale: float,
    items: Callable[[Conversation], Iterable[tuple[int, T]]],
) -> Iterator[T]:
    """Items of the conversations active in the window whose time is in ``[lo_ms, hi_ms)``, in time order."""
    heap: list[tuple[int, int, T]] = []
    seq = count()
    for conv in conversations_created(org, lo_ms - MAX_SPAN_MS, hi_ms, volume_scale):
        while heap and heap[0][0] < conv.created_ms:
            yield heapq.heappop(heap)[2]
        for at, item in items(conv):
            if lo_ms <= at < hi_ms:
                heapq.heappush(heap, (at, next(seq), item))
    while heap:
        yield heapq.heappop(heap)[2]


def contact_events(org: str, lo_ms: int, hi_ms: int, volume_scale: float = 1.0) -> Iterator[tuple[Event, Contact]]:
    """Every contact event in the window with its contact, in time order (ties in generation order)."""
    return merge_in_time(
        org,
        lo_ms,
        hi_ms,
        volume_scale,
        lambda conv: ((e.at_ms, (e, c)) for c in conv.contacts for e in c.events),
    )


def contacts_started(org: str, lo_ms: int, hi_ms: int, volume_scale: float = 1.0) -> Iterator[Contact]:
    """Contacts that started in the window, in start order."""
    return merge_in_time(org, lo_ms, hi_ms, volume_scale, lambda conv: ((c.started_ms, c) for c in conv.contacts))
