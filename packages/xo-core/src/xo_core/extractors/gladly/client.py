"""Gladly's report endpoints as streams of CSV records, with the quirks of the real API handled.

Quirks handled (seen by public clients of Gladly's Reports API, e.g. PostHog's Gladly source): a UTF-8 BOM; blank
lines before the header; an empty body for an empty window (no header at all); an error text served instead of CSV
(``Unexpected error occurred``, or a Content-Type that is not CSV) → ``SourceDataError``, never a one-column table;
400 ``{"errors": [...]}`` → ``TerminalError`` listing ``attr: detail``; a silent row cap → ``RowCapReached`` once
``row_cap`` rows arrive.

Every call takes ``consume``, which reads the records inside the retry scope: a body that breaks off part way
makes the client ask again and call ``consume`` afresh, so ``consume`` must start from nothing each time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from xo_core.errors import SourceDataError, TerminalError
from xo_core.extractors.base import PooledClient
from xo_core.extractors.csv_sink import iter_csv_records
from xo_core.extractors.http import ERROR_TEXT_CHARS, RetryingHttpClient, RetryPolicy, excerpt

REPORTS_PATH = "/api/v1/reports"
WORK_SESSION_EVENTS_PATH = "/api/v1/reports/work-session-events"
ACCEPT = "text/csv, application/json"
CSV_CONTENT_TYPES = ("text/csv", "application/csv")
# Where Gladly places a work-session row: the contact's end once it has ended, its creation while it is open
# (developer.gladly.com/rest/#tag/Reports, "Generate a Work Session Report", with its worked example).
ANCHOR_COLUMNS = ("contact_session_ended_at", "contact_session_created_at")


class RowCapReached(TerminalError):
    """A report reached the row cap: it may have been cut short without a word, so it is not to be trusted."""

    def __init__(self, message: str, *, row_cap: int) -> None:
        super().__init__(message)
        self.row_cap = row_cap


@dataclass
class CsvReport:
    """A report being read: its header (empty when the body was empty) and an iterator over its rows."""

    header: list[str]
    rows: Iterator[list[str]]


def base_url_for(host: str) -> str:
    """``https://{host}`` for a bare host (``acme.gladly.com``, ``acme.us-1.gladly.com``); URLs stay."""
    host = host.strip().rstrip("/")
    url = host if "://" in host else f"https://{host}"
    return url.removesuffix("/api/v1")


def report_body(
    metric_set: str,
    start_day: date,
    end_day: date,
    timezone: str,
    *,
    channel: str | None = None,
    inboxes: Sequence[str] = (),
) -> dict[str, Any]:
    """The JSON body of ``POST /api/v1/reports``; ``end_day`` is inclusive, as in Gladly's ``endAt``."""
    body: dict[str, Any] = {
        "metricSet": metric_set,
        "timezone": timezone,
        "startAt": start_day.isoformat(),
        "endAt": end_day.isoformat(),
    }
    filters: dict[str, Any] = {}
    if channel:
        filters["channel"] = channel
    if inboxes:
        filters["inboxes"] = list(inboxes)
    if filters:
        body["filters"] = filters
    return body


def work_session_events_body(start_at: datetime, end_at: datetime) -> dict[str, str]:
    """The JSON body for ``[start_at, end_at)``: a whole-minute superset, trimmed exactly on our side.

    Gladly reads ``endAtTime`` as inclusive "up to 1 min past it" and takes minutes only. Sending the
    window's end itself (rounded up to the minute) asks for at least the window under either reading;
    rows whose anchor falls outside ``[start_at, end_at)`` are then dropped by the client.
    """
    start = start_at.replace(second=0, microsecond=0)
    end = end_at.replace(second=0, microsecond=0)
    if end < end_at:
        end += timedelta(minutes=1)
    return {
        "startAtTime": start.isoformat(timespec="minutes"),
        "endAtTime": end.isoformat(timespec="minutes"),
    }


class GladlyClient(PooledClient[RetryingHttpClient]):
    """HTTP Basic (agent email, API token) against one Gladly organization, retrying transient failures."""

    def __init__(
        self,
        base_url: str,
        email: str,
        token: str,
        *,
        policy: RetryPolicy | None = None,
        timeout: float = 300.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        report_interval: float = 0.0,
    ) -> None:
        self._sleep, self._clock = sleep, clock
        self._report_interval = report_interval
        self._last_report: float | None = None
        self._http = RetryingHttpClient(
            base_url,
            auth=httpx.BasicAuth(email, token),
            headers={"Accept": ACCEPT},
            timeout=timeout,
            policy=policy,
            sleep=sleep,
            secrets=(token,),
            name="gladly",
        )

    def _pace(self) -> None:
        """Space this client's report requests ``report_interval`` apart, so a run of them (the day-by-day
        fallback) stays inside Gladly's per-minute limit instead of spending its retries on 429s."""
        if self._last_report is not None:
            wait = self._last_report + self._report_interval - self._clock()
            if wait > 0:
                self._sleep(wait)
        self._last_report = self._clock()

    def report[T](self, body: dict[str, Any], consume: Callable[[CsvReport], T], *, row_cap: int | None = None) -> T:
        """``POST /api/v1/reports`` with ``body`` (see ``report_body``); returns what ``consume`` returns."""
        self._pace()
        return self._http.stream(
            "POST", REPORTS_PATH, lambda response: consume(_csv_report(response, row_cap)), json_body=body
        )

    def work_session_events[T](
        self,
        start_at: datetime,
        end_at: datetime,
        consume: Callable[[CsvReport], T],
        *,
        row_cap: int | None = None,
    ) -> T:
        """``POST /api/v1/reports/work-session-events``, rows trimmed to ``[start_at, end_at)`` by anchor."""

        def trimmed(response: httpx.Response) -> T:
            report = _csv_report(response, row_cap)
            return consume(CsvReport(report.header, _within(report.header, report.rows, start_at, end_at)))

        body = work_session_events_body(start_at, end_at)
        self._pace()
        return self._http.stream("POST", WORK_SESSION_EVENTS_PATH, trimmed, json_body=body)


def _csv_report(response: httpx.Response, row_cap: int | None) -> CsvReport:
    chunks = response.iter_bytes()
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type not in CSV_CONTENT_TYPES:
        what = excerpt(content_type) or "no Content-Type"
        raise SourceDataError(f"Gladly answered {what} instead of CSV: {excerpt(_head_text(chunks))!r}")
    records = iter_csv_records(chunks)
    header = next(records, None)
    if header is None:
        return CsvReport([], iter(()))
    if len(header) < 2:
        # No Gladly report has a single column; a lone cell is an error text ("Unexpected error occurred").
        text = "\n".join(",".join(r) for r in [header, *_take(records, 3)])
        raise SourceDataError(f"Gladly answered an error text instead of CSV: {excerpt(text)!r}")
    return CsvReport(header, _checked_rows(header, records, row_cap))


def _checked_rows(header: list[str], records: Iterator[list[str]], row_cap: int | None) -> Iterator[list[str]]:
    width = len(header)
    for count, row in enumerate(records, start=1):
        if len(row) != width:
            raise SourceDataError(
                f"row {count} has {len(row)} fields where the header has {width}: {excerpt(repr(row[:5]))}"
            )
        if row_cap is not None and count >= row_cap:
            raise RowCapReached(
                f"the report reached the row cap of {row_cap} rows and may have been cut short",
                row_cap=row_cap,
            )
        yield row


def _within(header: list[str], rows: Iterator[list[str]], start_at: datetime, end_at: datetime) -> Iterator[list[str]]:
    try:
        positions = [header.index(name) for name in ANCHOR_COLUMNS]
    except ValueError as exc:
        raise SourceDataError(
            f"work-session events lack an anchor column {ANCHOR_COLUMNS}: {excerpt(repr(header))}"
        ) from exc
    for row in rows:
        anchor = _anchor(row, positions)
        if anchor is None or start_at <= anchor < end_at:
            yield row


def _anchor(row: list[str], positions: list[int]) -> datetime | None:
    for position in positions:
        text = row[position].strip()
        if text:
            try:
                moment = datetime.fromisoformat(text)
            except ValueError as exc:
                raise SourceDataError(f"unreadable timestamp {text!r} in work-session events") from exc
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return None


def _take(records: Iterator[list[str]], n: int) -> list[list[str]]:
    taken: list[list[str]] = []
    for record in records:
        taken.append(record)
        if len(taken) == n:
            break
    return taken


def _head_text(chunks: Iterator[bytes]) -> str:
    head = b""
    for chunk in chunks:
        head += chunk
        if len(head) >= ERROR_TEXT_CHARS * 4:
            break
    return head.decode("utf-8", errors="replace")[:ERROR_TEXT_CHARS]
