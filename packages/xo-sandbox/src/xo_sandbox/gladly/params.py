"""Validation of report request bodies, answering bad input the way Gladly does: 400 ``{"errors":[...]}``."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from xo_core.extractors.gladly.config import FILTERS_BY_METRIC_SET, GLADLY_METRIC_SETS
from xo_sandbox.gladly.data import SECOND
from xo_sandbox.gladly.orgs import Org
from xo_sandbox.gladly.reports import CHANNEL_FILTERS, ReportFilters

RENDERED_METRIC_SETS: tuple[str, ...] = ("ContactTimestampsReport", "ConversationExportReport")


def not_simulated(metric_set: str) -> str:
    """The 400 detail for a documented metric set the sandbox does not render."""
    return (
        f"metricSet {metric_set} is not simulated by xo-sandbox (simulated: {', '.join(RENDERED_METRIC_SETS)}); "
        "Gladly itself serves it"
    )


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class RequestInvalid(Exception):
    """A request Gladly would answer with 400; ``errors`` is the body's list."""

    def __init__(self, attr: str, code: str, detail: str) -> None:
        super().__init__(detail)
        self.errors: list[dict[str, str]] = [{"attr": attr, "code": code, "detail": detail}]


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """A valid ``POST /api/v1/reports`` body."""

    metric_set: str
    start_day: date
    end_day: date
    tz_name: str
    tz: ZoneInfo
    filters: ReportFilters


@dataclass(frozen=True, slots=True)
class WorkSessionRequest:
    """A valid ``POST /api/v1/reports/work-session-events`` body: the window ``[lo_ms, hi_ms)``."""

    start: datetime
    end: datetime
    lo_ms: int
    hi_ms: int


def _object(body: bytes) -> dict[str, object]:
    try:
        payload = json.loads(body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise RequestInvalid("body", "invalid", "request body must be JSON") from None
    if not isinstance(payload, dict):
        raise RequestInvalid("body", "invalid", "request body must be a JSON object")
    return payload


def _day(payload: dict[str, object], attr: str) -> date:
    value = payload.get(attr)
    if value in (None, ""):
        raise RequestInvalid(attr, "blank", f"{attr} must be specified")
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        raise RequestInvalid(attr, "invalid", f"{attr} must be formatted as YYYY-mm-dd")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RequestInvalid(attr, "invalid", f"{attr} is not a valid date") from None


def _zone(value: object) -> ZoneInfo:
    if not isinstance(value, str) or not value:
        raise RequestInvalid("timezone", "invalid", "timezone must be an IANA time zone name")
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise RequestInvalid("timezone", "invalid", f"timezone {value!r} is not a valid IANA time zone") from None


def _ids(filters: dict[str, object], attr: str) -> frozenset[str] | None:
    value = filters.get(attr)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RequestInvalid(f"filters.{attr}", "invalid", f"filters.{attr} must be an array of ids")
    return frozenset(str(v) for v in value)


def _filters(value: object, org: Org, metric_set: str) -> ReportFilters:
    if value is None:
        return ReportFilters()
    if not isinstance(value, dict):
        raise RequestInvalid("filters", "invalid", "filters must be an object")
    # "Each filter applies to select metricSets" (developer.gladly.com/rest/#tag/Reports); one that does not
    # apply is a 400, worded as the documented example ("the phoneNumber filter cannot be applied to ...").
    taken = FILTERS_BY_METRIC_SET.get(metric_set, frozenset())
    for name in value:
        if name not in taken:
            detail = f"the {name} filter cannot be applied to the {metric_set} metricSet"
            raise RequestInvalid(f"filters.{name}", "invalid", detail)
    channel = value.get("channel", "allChannels")
    if channel not in CHANNEL_FILTERS:
        raise RequestInvalid("filters.channel", "invalid", f"filters.channel {channel!r} is not a channel")
    inboxes = _ids(value, "inboxes")
    if inboxes is not None and any(org.inbox(i) is None for i in inboxes):
        raise RequestInvalid("filters.inboxes", "present", "the requested inbox does not exist")
    teams = _ids(value, "teams")
    if teams is not None and not teams <= {t.id for t in org.teams}:
        raise RequestInvalid("filters.teams", "present", "the requested team does not exist")
    return ReportFilters(CHANNEL_FILTERS[str(channel)], inboxes, teams)


def parse_report_request(body: bytes, org: Org) -> ReportRequest:
    """Validate a reports body; raises RequestInvalid with Gladly's error shape."""
    payload = _object(body)
    metric_set = payload.get("metricSet")
    if metric_set in (None, ""):
        raise RequestInvalid("metricSet", "blank", "metricSet must be specified")
    if not isinstance(metric_set, str) or metric_set not in GLADLY_METRIC_SETS:
        raise RequestInvalid("metricSet", "invalid", f"metricSet {metric_set!r} is not a known metric set")
    if metric_set not in RENDERED_METRIC_SETS:
        # Every documented metric set passes config validation; the ones the sandbox does not render are refused
        # by name, never answered with made-up columns (the docs' simulators page lists the simulated ones).
        raise RequestInvalid("metricSet", "invalid", not_simulated(metric_set))
    for attr in ("startAtTime", "endAtTime"):
        if attr in payload:
            raise RequestInvalid(attr, "invalid", f"{attr} is not supported for metricSet {metric_set}")
    start, end = _day(payload, "startAt"), _day(payload, "endAt")
    if end < start:
        raise RequestInvalid("endAt", "invalid", "endAt must not be before startAt")
    tz_name = payload.get("timezone") or org.timezone
    tz = _zone(tz_name)
    filters = _filters(payload.get("filters"), org, metric_set)
    return ReportRequest(metric_set, start, end, str(tz_name), tz, filters)


def _instant(payload: dict[str, object], attr: str) -> datetime:
    value = payload.get(attr)
    if value in (None, ""):
        raise RequestInvalid(attr, "blank", f"{attr} must be specified")
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise RequestInvalid(attr, "invalid", f"{attr} must be an ISO-8601 time with an offset (YYYY-mm-ddThh:mmZ)")
    return parsed


def parse_work_session_request(body: bytes) -> WorkSessionRequest:
    """Validate a work-session-events body; endAtTime includes the minute after it, as documented."""
    payload = _object(body)
    start, end = _instant(payload, "startAtTime"), _instant(payload, "endAtTime")
    if end <= start:
        raise RequestInvalid("startAtTime", "invalid", "endAtTime must occur after startAtTime")
    lo = int(start.timestamp() * SECOND)
    hi = int((end + timedelta(minutes=1)).timestamp() * SECOND)
    return WorkSessionRequest(start, end, lo, hi)
