"""HTTP routes of the BambooHR simulator: company, auth, throttling, faults, then the directory or a report."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, parse_qs

from xo_sandbox.bamboohr import render
from xo_sandbox.bamboohr.faults import BambooFault
from xo_sandbox.bamboohr.fields import MAX_REPORT_FIELDS, columns_for
from xo_sandbox.http import SimulatorHandler

if TYPE_CHECKING:
    from xo_sandbox.bamboohr.server import ApiKey, BambooHRSandbox

ERROR_HEADER = "X-BambooHR-Error-Message"
_API = re.compile(r"^/api/gateway\.php/(?P<company>[^/]+)/v1(?P<path>/.*)$")
_EMPLOYEE = re.compile(r"^/_sandbox/employees/(?P<id>\d+)$")
_CHUNK = 64 * 1024


class _Refused(Exception):
    """A 4xx answer: status and the text for the X-BambooHR-Error-Message header."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class BambooHRHandler(SimulatorHandler):
    """One connection to the simulator; ``sandbox`` holds the state shared by all of them."""

    sandbox: BambooHRSandbox

    def api(self, url: SplitResult, body: bytes) -> None:
        try:
            self._api(url.path, url.query, body)
        except _Refused as refused:
            self._error(refused.status, refused.message)

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        # BambooHR puts the error text in a header, not the body (as public BambooHR clients report).
        self.send_bytes(status, b"", "text/html", {ERROR_HEADER: message, **(headers or {})})

    def control(self, path: str, body: bytes) -> bool:
        """``POST /_sandbox/employees/{id}`` ``{field: value, "lastChanged": ISO time, "effectiveDate": day}``:
        change one employee; ``POST /_sandbox/today`` ``{"today": day or null}``: pin the company's day."""
        if self.command != "POST":
            return False
        match = _EMPLOYEE.match(path)
        try:
            if path == "/_sandbox/today":
                day = json.loads(body or b"{}").get("today")
                self.sandbox.set_today(None if day is None else date.fromisoformat(str(day)))
                self.send_json(200, {"today": self.sandbox.today().isoformat()})
                return True
            if match is None:
                return False
            changes = dict(json.loads(body) if body else {})
            at, effective = changes.pop("lastChanged", None), changes.pop("effectiveDate", None)
            employee = self.sandbox.change_employee(
                int(match["id"]),
                changes,
                at=None if at is None else _parse_time(str(at)),
                effective=None if effective is None else date.fromisoformat(str(effective)),
            )
        except (ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError) as exc:
            self.control_error(400, str(exc))
            return True
        self.send_json(200, {"id": employee.id, "lastChanged": employee.last_changed.isoformat()})
        return True

    # --- the BambooHR API ---

    def _api(self, full_path: str, query: str, body: bytes) -> None:
        match = _API.match(full_path)
        if match is None:
            raise _Refused(404, "Not found: BambooHR API paths start /api/gateway.php/{companyDomain}/v1/")
        company, path = match["company"], match["path"]
        if company not in self.sandbox.api_keys:
            raise _Refused(404, f"Company {company!r} not found")
        key = self.sandbox.authenticate(company, self.headers.get("Authorization"))
        if key is None:
            raise _Refused(401, "Invalid API key (HTTP Basic: the API key as username, any password)")
        if not self.sandbox.throttler(company).allow():
            throttle = self.sandbox.throttle
            self._error(
                throttle.status, "API rate limit exceeded; retry later", {"Retry-After": str(throttle.retry_after)}
            )
            return
        fault = self.sandbox.faults.take(path)
        if self._early_fault(fault):
            return
        as_json = "application/json" in self.headers.get("Accept", "")
        if self.command == "GET" and path == "/employees/directory":
            payload, as_json = self._directory(company, key, as_json), as_json
        elif self.command == "POST" and path == "/reports/custom":
            payload, as_json = self._custom(company, key, query, body, as_json)
        else:
            raise _Refused(404, f"No such endpoint: {self.command} {path}")
        self._send(payload, "application/json" if as_json else "text/xml", truncate=fault is not None)

    def _directory(self, company: str, key: ApiKey, as_json: bool) -> bytes:
        """Today's active staff; fields the key may not read are left out (as in a custom report)."""
        staff = self.sandbox.staff_by_id()
        current = [e for e in self.sandbox.employees(company) if e.active]
        columns = columns_for(self.sandbox.directory_fields, key.hidden_fields)
        if as_json:
            return render.directory_json(current, columns, staff)
        return render.as_xml("directory", None, columns, render.records(current, columns, staff, id_as_text=True))

    def _custom(self, company: str, key: ApiKey, query: str, body: bytes, accepts_json: bool) -> tuple[bytes, bool]:
        """The report and whether it is JSON: ``format=JSON`` and an Accept of JSON, else XML.

        As documentation.bamboohr.com/reference/request-custom-report describes it: employees of every status
        whatever ``onlyCurrent``; ``onlyCurrent`` (default true) restricts dated fields to the values in effect
        today, ``false`` shows future-dated values too; unknown fields and fields the key may not read are
        omitted with 200; at most 400 fields (more: 400).
        """
        params = {k.lower(): v[-1] for k, v in parse_qs(query).items()}
        if params.get("format", "").upper() not in ("JSON", "XML"):
            raise _Refused(400, "format must be JSON or XML in this simulator (CSV, PDF, XLS are not simulated)")
        try:
            request = json.loads(body or b"{}")
            fields = [str(f) for f in request["fields"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise _Refused(400, f"Invalid report request: the body needs a fields list ({exc})") from exc
        if len(fields) > MAX_REPORT_FIELDS:
            raise _Refused(400, f"Too many fields: {len(fields)} requested, the limit is {MAX_REPORT_FIELDS}")
        columns = columns_for(fields, key.hidden_fields)
        future = params.get("onlycurrent", "true").lower() == "false"
        staff = self.sandbox.staff_by_id(future=future)
        chosen = self.sandbox.employees(company, future=future)
        title = str(request.get("title") or "Report")
        if accepts_json and params["format"].upper() == "JSON":
            return render.custom_json(title, chosen, columns, staff), True
        rows = render.records(chosen, columns, staff, id_as_text=True)
        return render.as_xml("report", title, columns, rows), False

    def _early_fault(self, fault: BambooFault | None) -> bool:
        """Sleep for ``slow``; answer a status or reset fault (True when the request is answered)."""
        if fault is None or fault.kind == "truncate":
            return False
        if fault.kind == "slow":
            time.sleep(fault.seconds)
            return False
        if fault.kind == "reset":
            self.reset_connection()
        elif fault.kind in ("503", "429"):
            retry = {"Retry-After": str(int(fault.seconds))}
            self._error(int(fault.kind), "Service temporarily unavailable (injected fault)", retry)
        else:
            self._error(500, "Internal error (injected fault)")
        return True

    def _send(self, payload: bytes, content_type: str, *, truncate: bool) -> None:
        self.start_chunked(200, content_type)
        if truncate:
            self.send_chunk(payload[: max(1, len(payload) // 2)])
            self.close_connection = True  # never send the last chunk: the body ends half way
            return
        for start in range(0, len(payload), _CHUNK):
            self.send_chunk(payload[start : start + _CHUNK])
        self.end_chunked()


def _parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
