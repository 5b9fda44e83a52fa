"""The true totals of a window, straight from the generator (never from a CSV), to reconcile a warehouse.

Windows are whole local days: ``start_day`` through ``end_day`` inclusive, in ``tz`` (an IANA name), i.e.
``[start_day 00:00, end_day + 1 00:00)`` local, exactly as ``POST /api/v1/reports`` reads startAt/endAt.
Results are keyed by the *local* date. ``volume_scale`` must match the server's.

What "handled by an agent" means here:
- a contact is handled when it has a ``CONTACT/FULFILLED`` event (the first agent reply, or the call or
  voicemail being picked up); contacts the customer abandoned before any agent took them are handled by
  no one;
- the handling agent is the one assigned at that event (``Assigned Agent ID`` on the FULFILLED row, equal to
  ``Initiator ID`` there). A later transfer does not move the credit;
- the contact is counted on the local date of its start (``anchor="started"``: the CONTACT/STARTED row's
  Timestamp, which is also ``contact_session_created_at``), or with ``anchor="fulfilled"`` on the date of the
  FULFILLED row, which one day's ContactTimestampsReport reproduces on its own.
Handle and after-contact time are the work sessions' ``work_session_handle_time_sec`` and
``work_session_after_contact_time_sec`` per agent who accepted, on the local date of the contact's end (the
work-session report's anchor, see ``work_sessions``).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from xo_sandbox.gladly.data import SECOND
from xo_sandbox.gladly.timeline import (
    contact_events,
    contacts_started,
    conversations_created,
    local_day_window,
)
from xo_sandbox.gladly.work_sessions import work_session_views

SETTLED = 2**62
"""An ``as_of`` after everything: the final state of every contact."""

ROW_COUNTED_METRIC_SETS = ("ContactTimestampsReport", "ConversationExportReport", "WorkSessionEventsReport")


def _zone(tz: str | ZoneInfo) -> ZoneInfo:
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)


def _local_date(ms: int, tz: ZoneInfo) -> date:
    return datetime.fromtimestamp(ms / SECOND, tz).date()


def contacts_per_agent_per_day(
    org: str,
    start_day: date,
    end_day: date,
    tz: str | ZoneInfo,
    *,
    volume_scale: float = 1.0,
    anchor: Literal["started", "fulfilled"] = "started",
) -> dict[tuple[str, date], int]:
    """Handled contacts per (handling agent id, local date); see the module docstring for the definition."""
    zone = _zone(tz)
    lo, hi = local_day_window(start_day, end_day, zone)
    counts: Counter[tuple[str, date]] = Counter()
    if anchor == "started":
        for c in contacts_started(org, lo, hi, volume_scale):
            if c.fulfilled_by is not None:
                counts[(c.fulfilled_by.id, _local_date(c.started_ms, zone))] += 1
    else:
        for e, _ in contact_events(org, lo, hi, volume_scale):
            if e.type == "CONTACT/FULFILLED" and e.agent is not None:
                counts[(e.agent.id, _local_date(e.at_ms, zone))] += 1
    return dict(counts)


def work_time_per_agent_per_day(
    org: str,
    start_day: date,
    end_day: date,
    tz: str | ZoneInfo,
    *,
    volume_scale: float = 1.0,
    as_of: datetime | None = None,
) -> dict[tuple[str, date], tuple[int, int]]:
    """(handle seconds, after-contact seconds) per (agent id, local date of the contact's end) over the work
    sessions of ended contacts handled by an agent, as Gladly's report shows them at ``as_of`` (default: once
    everything has settled). Contacts still open at ``as_of`` have no handle time yet and are left out."""
    zone = _zone(tz)
    lo, hi = local_day_window(start_day, end_day, zone)
    as_of_ms = SETTLED if as_of is None else int(as_of.timestamp() * SECOND)
    totals: dict[tuple[str, date], tuple[int, int]] = {}
    for v in work_session_views(org, lo, hi, as_of_ms, volume_scale):
        if v.agent is None or v.ended_ms is None:
            continue
        key = (v.agent.id, _local_date(v.ended_ms, zone))
        handle, after = totals.get(key, (0, 0))
        totals[key] = (handle + (v.handle_sec or 0), after + (v.after_contact_sec or 0))
    return totals


def conversations_per_day(
    org: str, start_day: date, end_day: date, tz: str | ZoneInfo, *, volume_scale: float = 1.0
) -> dict[date, int]:
    """Conversations per local date of creation (ConversationExportReport's ``Created At``)."""
    zone = _zone(tz)
    lo, hi = local_day_window(start_day, end_day, zone)
    return dict(Counter(_local_date(c.created_ms, zone) for c in conversations_created(org, lo, hi, volume_scale)))


def row_count(
    org: str,
    metric_set: str,
    start_day: date,
    end_day: date,
    tz: str | ZoneInfo,
    *,
    volume_scale: float = 1.0,
) -> int:
    """Data rows (header excluded) a report for the window returns, with no filters and no row cap.

    ``WorkSessionEventsReport`` counts work-session-events rows anchored in the same local-day window.
    """
    zone = _zone(tz)
    lo, hi = local_day_window(start_day, end_day, zone)
    if metric_set == "ContactTimestampsReport":
        return sum(1 for _ in contact_events(org, lo, hi, volume_scale))
    if metric_set == "ConversationExportReport":
        return sum(1 for _ in conversations_created(org, lo, hi, volume_scale))
    if metric_set == "WorkSessionEventsReport":
        return sum(1 for _ in work_session_views(org, lo, hi, SETTLED, volume_scale))
    raise ValueError(f"row_count knows {', '.join(ROW_COUNTED_METRIC_SETS)}, not {metric_set!r}")
