"""One page of a messages query: walk the positions (UTC day, index) in sort order from the cursor on.

A page holds up to ``limit`` matching messages; ``paging.next_cursor`` is given only when another matching
message exists after them (the cursor points at it), so the last page comes without ``paging``.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from xo_sandbox.sprout.messages import Message, day_times, message, utc_day
from xo_sandbox.sprout.query import Query, decode_cursor, encode_cursor, project


def _positions(query: Query, scale: float, start: tuple[date, int] | None) -> Iterator[tuple[date, int]]:
    """Positions of the messages created in [lo_s, hi_s] (both inclusive), in the query's order."""
    first, last = utc_day(query.lo_s), utc_day(query.hi_s)
    step = timedelta(days=-1 if query.descending else 1)
    day = (start[0] if start else (last if query.descending else first)) if query.lo_s <= query.hi_s else None
    while day is not None and first <= day <= last:
        times = day_times(day, scale)
        lo, hi = bisect.bisect_left(times, query.lo_s), bisect.bisect_right(times, query.hi_s)
        if start is not None and day == start[0]:
            lo, hi = (lo, min(hi, start[1] + 1)) if query.descending else (max(lo, start[1]), hi)
        yield from ((day, i) for i in (reversed(range(lo, hi)) if query.descending else range(lo, hi)))
        day += step


def matches(query: Query, msg: Message) -> bool:
    """Whether a message passes the query's non-time filters."""
    return (
        (not query.profile_ids or msg.profile.customer_profile_id in query.profile_ids)
        and (not query.post_types or msg.post_type in query.post_types)
        and (not query.tag_ids or bool(query.tag_ids.intersection(msg.tag_ids)))
    )


def page(query: Query, scale: float, secret: bytes) -> dict[str, Any]:
    """The response body ``{"data": [...], "paging": {"next_cursor": ...}?}`` for ``query``."""
    start = decode_cursor(secret, query.digest, query.cursor) if query.cursor else None
    data: list[dict[str, Any]] = []
    for day, index in _positions(query, scale, start):
        msg = message(day, index, scale)
        if not matches(query, msg):
            continue
        if len(data) == query.limit:
            return {"data": data, "paging": {"next_cursor": encode_cursor(secret, query.digest, day, index)}}
        data.append(project(msg.to_json(), query.fields))
    return {"data": data}
