"""The Gladly extractor: one window of one report (or of work-session events) into one CSV object + manifest.

How a window becomes requests:
- ``/reports`` takes whole days in the report's timezone (``startAt``/``endAt``, ``endAt`` inclusive), so the
  window must start and end at local midnight; anything else is a ``TerminalError``.
- ``/reports/work-session-events`` takes minutes; the client asks for a superset and trims rows to the window
  by their anchor, so the edges are exact (see ``client.work_session_events_body``).

The row cap: Gladly cuts reports at about 100k rows without a word. A request that brings ``row_cap`` rows
is therefore not trusted: the window is asked for again one local day at a time (each day spooled to a local
temporary file, then all concatenated under one header); a single day that still reaches the cap fails.

An empty window comes back as an empty body with no header: the object is then empty (0 bytes) and its
manifest says ``header: []`` and ``row_count: 0``; stage and load see a zero-byte object and load no rows.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import IO, Any
from zoneinfo import ZoneInfo

from xo_core.errors import ConfigError, SourceDataError, TerminalError
from xo_core.extractors.base import ExtractRequest, ExtractResult
from xo_core.extractors.csv_sink import write_extract_csv
from xo_core.extractors.gladly.client import (
    REPORTS_PATH,
    WORK_SESSION_EVENTS_PATH,
    CsvReport,
    GladlyClient,
    RowCapReached,
    base_url_for,
    report_body,
    work_session_events_body,
)
from xo_core.extractors.gladly.config import REPORTS_PER_MINUTE, GladlyExtractorConfig
from xo_core.extractors.http import HttpExtractor, RetryPolicy
from xo_core.manifest import Manifest
from xo_core.timezones import zone_named

SOURCE_TYPE = "gladly_api"
EXTRACTOR_VERSION = "gladly/1"


@dataclass(frozen=True)
class _Part:
    """One request: a span of the window, and the JSON body that asks for it."""

    start: datetime
    end: datetime
    body: dict[str, Any]


@dataclass
class _Spool:
    """One day's rows parked in a local temporary file while the other days are fetched."""

    header: list[str]
    file: IO[str]


class GladlyExtractor(HttpExtractor):
    """Extracts Gladly reports and work-session events; registered as source_type ``gladly_api``."""

    source_type = SOURCE_TYPE
    # 429s are retried with delays that add up to more than Gladly's one-minute window (least_total_wait: 91 s),
    # so a retry never gives up while the limit still holds.
    default_policy = RetryPolicy(max_attempts=8, base_delay=2.0, jitter="equal")

    def extract(self, request: ExtractRequest[GladlyExtractorConfig]) -> ExtractResult:
        """Write the window's CSV and manifest to ``request.bucket``/``request.key``."""
        config = request.config
        tz = zone_named(request.timezone)
        whole = _whole_part(config, request, tz)
        conn = request.require_connection()
        client = GladlyClient(
            _base_url(config, request),
            conn.login,
            conn.password,
            policy=self.policy,
            timeout=self.timeout,
            sleep=self._sleep,
            clock=self._clock,
            # The tasks of one connection share its pool's slots: each paces itself to its share of the minute.
            report_interval=60.0 / REPORTS_PER_MINUTE * config.pool_slots,
        )
        with client:
            try:
                manifest = self._fetch(client, config, whole, self._direct(request, config, [whole]))
            except RowCapReached as exc:
                days = _day_parts(config, request, tz)
                if len(days) == 1:
                    raise self._cap_error(config, whole, tz) from exc
                manifest = self._by_day(client, request, config, days, tz)
        return ExtractResult(bucket=request.bucket, key=request.key, manifest=manifest)

    def _fetch[T](
        self,
        client: GladlyClient,
        config: GladlyExtractorConfig,
        part: _Part,
        consume: Callable[[CsvReport], T],
    ) -> T:
        if config.endpoint == "reports":
            return client.report(part.body, consume, row_cap=config.row_cap)
        return client.work_session_events(part.start, part.end, consume, row_cap=config.row_cap)

    def _direct(
        self, request: ExtractRequest, config: GladlyExtractorConfig, parts: list[_Part]
    ) -> Callable[[CsvReport], Manifest]:
        """Stream straight into the store: each attempt opens a fresh object, published only on success."""

        def consume(report: CsvReport) -> Manifest:
            return self._write(request, config, parts, report.header, report.rows)

        return consume

    def _by_day(
        self,
        client: GladlyClient,
        request: ExtractRequest,
        config: GladlyExtractorConfig,
        days: list[_Part],
        tz: ZoneInfo,
    ) -> Manifest:
        with ExitStack() as cleanup:
            spools: list[_Spool] = []
            for day in days:
                try:
                    spool = self._fetch(client, config, day, _spool)
                except RowCapReached as exc:
                    raise self._cap_error(config, day, tz) from exc
                cleanup.callback(spool.file.close)
                spools.append(spool)
            headers = {tuple(s.header) for s in spools if s.header}
            if len(headers) > 1:
                raise SourceDataError(f"the days of the window came back with different headers: {sorted(headers)}")
            header = list(next(iter(headers), ()))
            rows = (row for spool in spools for row in csv.reader(spool.file))
            return self._write(request, config, days, header, rows)

    def _write(
        self,
        request: ExtractRequest,
        config: GladlyExtractorConfig,
        parts: list[_Part],
        header: list[str],
        rows: Iterator[list[str]],
    ) -> Manifest:
        asked = _manifest_request(request, config, parts)
        return write_extract_csv(
            request, header, rows, source_type=SOURCE_TYPE, asked=asked, extractor_version=EXTRACTOR_VERSION
        )

    def _cap_error(self, config: GladlyExtractorConfig, part: _Part, tz: ZoneInfo) -> TerminalError:
        what = config.metric_set if config.endpoint == "reports" else "work-session events"
        span = f"{part.start.astimezone(tz).isoformat()} to {part.end.astimezone(tz).isoformat()}"
        return TerminalError(
            f"Gladly {what} for {span} (one local day) reached the row cap of {config.row_cap} rows, "
            "so it may have been cut short silently; nothing was written. Narrow the request (channel, inboxes)."
        )


def _spool(report: CsvReport) -> _Spool:
    """Copy one day's rows to a temporary file; a failed attempt's file is closed (and so removed) at once."""
    file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115 - closed by the caller
    try:
        csv.writer(file, lineterminator="\n").writerows(report.rows)
        file.seek(0)
    except BaseException:
        file.close()
        raise
    return _Spool(report.header, file)


def _base_url(config: GladlyExtractorConfig, request: ExtractRequest) -> str:
    host = config.host or (request.connection.host if request.connection else None)
    if not host:
        raise ConfigError("no Gladly host: set extractor.host or the host of the connection", field="extractor.host")
    return base_url_for(host)


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, clock(), tzinfo=tz)


def _local_days(request: ExtractRequest, tz: ZoneInfo) -> tuple[date, date]:
    """The window's first and last (inclusive) local day; TerminalError unless it is made of whole days."""
    start, end = request.window_start.astimezone(tz), request.window_end.astimezone(tz)
    if start.timetz().replace(tzinfo=None) != clock() or end.timetz().replace(tzinfo=None) != clock():
        raise TerminalError(
            f"Gladly /reports takes whole days: the window {start.isoformat()} to {end.isoformat()} does not "
            f"start and end at midnight in {request.timezone}"
        )
    return start.date(), end.date() - timedelta(days=1)


def _whole_part(config: GladlyExtractorConfig, request: ExtractRequest, tz: ZoneInfo) -> _Part:
    start, end = request.window_start, request.window_end
    if config.endpoint == "reports":
        first, last = _local_days(request, tz)
        return _Part(start, end, _report_body(config, first, last, request.timezone))
    return _Part(start, end, work_session_events_body(start, end))


def _day_parts(config: GladlyExtractorConfig, request: ExtractRequest, tz: ZoneInfo) -> list[_Part]:
    """The window cut at local midnights, one part per local day (the first and last may be partial)."""
    parts: list[_Part] = []
    day = request.window_start.astimezone(tz).date()
    while (day_start := _midnight(day, tz)) < request.window_end:
        start = max(day_start, request.window_start)
        end = min(_midnight(day + timedelta(days=1), tz), request.window_end)
        if config.endpoint == "reports":
            parts.append(_Part(start, end, _report_body(config, day, day, request.timezone)))
        else:
            parts.append(_Part(start, end, work_session_events_body(start, end)))
        day += timedelta(days=1)
    return parts


def _report_body(config: GladlyExtractorConfig, first: date, last: date, timezone: str) -> dict[str, Any]:
    return report_body(
        config.metric_set or "",
        first,
        last,
        timezone,
        channel=config.channel,
        inboxes=config.inboxes,
    )


def _manifest_request(request: ExtractRequest, config: GladlyExtractorConfig, parts: list[_Part]) -> dict[str, Any]:
    """What was asked, for the manifest: endpoint, host and bodies; never the credentials."""
    return {
        "endpoint": config.endpoint,
        "path": REPORTS_PATH if config.endpoint == "reports" else WORK_SESSION_EVENTS_PATH,
        "base_url": _base_url(config, request),
        "bodies": [part.body for part in parts],
        "split_by_day": len(parts) > 1,
        "row_cap": config.row_cap,
        "connection_id": config.connection_id,
        "timezone": request.timezone,
        "run_id": request.run_id,
    }
