"""HTTP routes of the Gladly simulator: auth, rate limits, faults, then the report or lookup asked for."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC
from typing import TYPE_CHECKING
from urllib.parse import SplitResult

from xo_sandbox.gladly import reports
from xo_sandbox.gladly.faults import REPORT_PATHS, Fault
from xo_sandbox.gladly.orgs import get_org
from xo_sandbox.gladly.params import RequestInvalid, parse_report_request, parse_work_session_request
from xo_sandbox.gladly.timeline import local_day_window
from xo_sandbox.http import SimulatorHandler

if TYPE_CHECKING:
    from xo_sandbox.gladly.server import GladlySandbox

_REPORTS, _WORK_SESSIONS = REPORT_PATHS
_HTML = "text/html"
_TRANSPORT_FAULTS = ("429", "500", "502", "503", "reset")
_PREFIX = {"bom": b"\xef\xbb\xbf", "blank_lines": b"\r\n\r\n"}


def _lookup(org_name: str, path: str) -> list[dict[str, object]] | None:
    """The JSON array of ``GET /api/v1/agents|inboxes|teams`` (None for other paths)."""
    org = get_org(org_name)
    if path == "/api/v1/agents":
        return [{"id": a.id, "name": a.name, "emailAddress": a.email} for a in org.agents]
    if path == "/api/v1/inboxes":
        return [{"id": i.id, "name": i.name} for i in org.inboxes]
    if path == "/api/v1/teams":
        return [{"id": t.id, "name": t.name, "agentIds": [a.id for a in org.agents_of_team(t.id)]} for t in org.teams]
    return None


def _cut_mid_row(chunk: bytes) -> int:
    """An offset in the middle of the first data row (or of the chunk when it has none)."""
    end_header = chunk.find(b"\r\n")
    end_row = chunk.find(b"\r\n", end_header + 2)
    if end_header < 0 or end_row < 0:
        return max(1, len(chunk) // 2)
    return end_header + 2 + max(1, (end_row - end_header - 2) // 2)


class GladlyHandler(SimulatorHandler):
    """One connection to the simulator; ``sandbox`` holds the state shared by all of them."""

    sandbox: GladlySandbox

    def control_error(self, status: int, message: str) -> None:
        if status == 400:
            self.send_json(400, {"errors": [{"attr": "faults", "code": "invalid", "detail": message}]})
        else:
            self.send_json(status, {"errors": [{"code": "not_exist", "detail": message}]})

    def api(self, url: SplitResult, body: bytes) -> None:
        path, limits = url.path, self.sandbox.limits
        org = self.sandbox.authenticate(self.headers.get("Authorization"))
        headers = {"Ratelimit-Limit-Second": str(limits.requests_per_second)}
        if org is None:
            headers["Ratelimit-Remaining-Second"] = str(limits.requests_per_second)
            detail = "the API user or token is invalid (use HTTP Basic with the API user's email and token)"
            self.send_json(401, {"errors": [{"code": "invalid", "detail": detail}]}, headers)
            return
        limiter = self.sandbox.limiter(org)
        allowed, remaining = limiter.hit()
        headers["Ratelimit-Remaining-Second"] = str(remaining)
        if not allowed:
            self._too_many(f"at most {limits.requests_per_second} requests per second", headers)
            return
        if self.command == "GET" and (payload := _lookup(org, path)) is not None:
            fault = self.sandbox.faults.take(path)
            if self._early_fault(fault, headers):
                return
            if fault is not None and fault.kind == "empty":
                self.send_bytes(200, b"", "application/json", headers)
            elif fault is not None and fault.kind == "error_body":
                self.send_bytes(200, b"Unexpected error occurred", "text/plain", headers)
            else:  # the CSV-shaped faults (bom, blank_lines, truncate, row_cap) do not apply to JSON
                self.send_json(200, payload, headers)
            return
        if self.command != "POST" or path not in REPORT_PATHS:
            self.send_json(404, {"errors": [{"code": "not_exist", "detail": "entity does not exist"}]}, headers)
            return
        refusal = limiter.acquire_report()
        if refusal is not None:
            self._too_many(refusal, headers)
            return
        try:
            self._report(org, path, body, headers)
        finally:
            limiter.release_report()

    def _too_many(self, detail: str, headers: dict[str, str]) -> None:
        # Deliberately no Retry-After: Gladly documents none (developer.gladly.com/rest/, "Rate Limit").
        self.send_json(429, {"errors": [{"code": "too_many_requests", "detail": detail}]}, headers)

    def _report(self, org: str, path: str, body: bytes, headers: dict[str, str]) -> None:
        fault = self.sandbox.faults.take(path)
        if self._early_fault(fault, headers):
            return
        try:
            filename, chunks = self._render(org, path, body, fault)
        except RequestInvalid as exc:
            self.send_json(400, {"errors": exc.errors}, headers)
            return
        kind = fault.kind if fault is not None else ""
        if kind == "empty":
            self.send_bytes(200, b"", "text/csv", headers)
        elif kind == "error_body":
            self.send_bytes(200, b"Unexpected error occurred", "text/plain", headers)
        else:
            headers["Content-Disposition"] = f"attachment; filename={filename}"
            self.start_chunked(200, "text/csv", headers)
            if kind == "truncate":
                first = next(chunks)
                self.send_chunk(first[: _cut_mid_row(first)])
                self.close_connection = True  # never send the last chunk: the body ends mid-row
                return
            self.send_chunk(_PREFIX.get(kind, b""))
            for chunk in chunks:
                self.send_chunk(chunk)
            self.end_chunked()

    def _early_fault(self, fault: Fault | None, headers: dict[str, str]) -> bool:
        """Sleep for ``slow``; answer a status or reset fault (True when the request is answered)."""
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.seconds)
        if fault is None or fault.kind not in _TRANSPORT_FAULTS:
            return False
        kind = fault.kind
        if kind == "reset":
            self.reset_connection()
        elif kind == "429":
            self._too_many("too many requests (injected fault)", headers)
        elif kind == "500":
            self.send_json(500, {"errors": [{"code": "temporary_failure", "detail": "internal error"}]}, headers)
        else:
            text = "Bad Gateway" if kind == "502" else "Service Unavailable"
            self.send_bytes(int(kind), f"<html><body><h1>{kind} {text}</h1></body></html>".encode(), _HTML)
        return True

    def _render(self, org: str, path: str, body: bytes, fault: Fault | None) -> tuple[str, Iterator[bytes]]:
        """Validate the body and return the attachment's file name and its CSV chunks (lazily generated)."""
        caps = [c for c in (self.sandbox.row_cap, fault.rows if fault and fault.kind == "row_cap" else None) if c]
        cap = min(caps) if caps else None
        scale, as_of = self.sandbox.volume_scale, self.sandbox.as_of_ms()
        if path == _WORK_SESSIONS:
            ws = parse_work_session_request(body)
            start, end = ws.start.astimezone(UTC), ws.end.astimezone(UTC)
            name = f"WorkSessionEventsReport-{start:%Y%m%dT%H%MZ}-{end:%Y%m%dT%H%MZ}.csv"
            rows = reports.work_session_rows(org, ws.lo_ms, ws.hi_ms, as_of, scale)
            return name, reports.csv_chunks(reports.WORK_SESSION_EVENTS_COLUMNS, rows, row_cap=cap)
        req = parse_report_request(body, get_org(org))
        lo, hi = local_day_window(req.start_day, req.end_day, req.tz)
        hi = min(hi, as_of + 1)  # the report's data lags real time: nothing after as_of is there yet
        name = f"{req.metric_set}-{req.start_day:%Y%m%d}-{req.end_day:%Y%m%d}.csv"
        if req.metric_set == "ContactTimestampsReport":
            rows = reports.contact_timestamp_rows(org, lo, hi, req.tz, req.filters, scale)
            return name, reports.csv_chunks(reports.CONTACT_TIMESTAMPS_COLUMNS, rows, row_cap=cap)
        rows = reports.conversation_export_rows(org, lo, hi, req.tz, req.tz_name, req.filters, scale)
        return name, reports.csv_chunks(reports.CONVERSATION_EXPORT_COLUMNS, rows, row_cap=cap)
