"""HTTP routes of the BambooHR simulator: company, auth, throttling, faults, then the directory or a report."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, parse_qs

from xo_sandbox.bamboohr import render
from xo_sandbox.bamboohr.faults import BambooFault
from xo_sandbox.bamboohr.fields import FIELDS
from xo_sandbox.http import SimulatorHandler

if TYPE_CHECKING:
    from xo_sandbox.bamboohr.server import BambooHRSandbox

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
        """``POST /_sandbox/employees/{id}`` ``{field: value, "lastChanged": ISO time}``: change one employee."""
        match = _EMPLOYEE.match(path)
        if match is None or self.command != "POST":
            return False
        try:
            changes = dict(json.loads(body) if body else {})
            at = changes.pop("lastChanged", None)
            when = None if at is None else _parse_time(str(at))
            employee = self.sandbox.change_employee(int(match["id"]), changes, at=when)
        except (ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:
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
        if not self.sandbox.authenticate(company, self.headers.get("Authorization")):
            raise _Refused(401, "Invalid API key (HTTP Basic: the API key as username, any password)")
        if not self.sandbox.throttler(company).allow():
            retry = str(self.sandbox.throttle.retry_after)
            self._error(503, "API rate limit exceeded; retry later", {"Retry-After": retry})
            return
        fault = self.sandbox.faults.take(path)
        if self._early_fault(fault):
            return
        as_json = "application/json" in self.headers.get("Accept", "")
        if self.command == "GET" and path == "/employees/directory":
            payload, as_json = self._directory(company, as_json), as_json
        elif self.command == "POST" and path == "/reports/custom":
            payload, as_json = self._custom(company, query, body, as_json)
        else:
            raise _Refused(404, f"No such endpoint: {self.command} {path}")
        self._send(payload, "application/json" if as_json else "text/xml", truncate=fault is not None)

    def _directory(self, company: str, as_json: bool) -> bytes:
        staff = self.sandbox.staff_by_id()
        current = [e for e in self.sandbox.employees(company) if e.active]
        fields = self.sandbox.directory_fields
        if as_json:
            return render.directory_json(current, fields, staff)
        return render.as_xml("directory", None, fields, render.records(current, fields, staff, id_as_text=True))

    def _custom(self, company: str, query: str, body: bytes, accepts_json: bool) -> tuple[bytes, bool]:
        """The report and whether it is JSON: ``format=JSON`` and an Accept of JSON, else XML."""
        params = {k.lower(): v[-1] for k, v in parse_qs(query).items()}
        if params.get("format", "").upper() not in ("JSON", "XML"):
            raise _Refused(400, "format must be JSON or XML in this simulator (CSV, PDF, XLS are not simulated)")
        try:
            request = json.loads(body or b"{}")
            fields = [str(f) for f in request["fields"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise _Refused(400, f"Invalid report request: the body needs a fields list ({exc})") from exc
        unknown = [f for f in fields if f not in FIELDS]
        if unknown:
            raise _Refused(400, f"Unknown field(s): {', '.join(unknown)}")
        only_current = params.get("onlycurrent", "true").lower() != "false"
        staff = self.sandbox.staff_by_id()
        chosen = [e for e in self.sandbox.employees(company) if e.active or not only_current]
        title = str(request.get("title") or "Report")
        if accepts_json and params["format"].upper() == "JSON":
            return render.custom_json(title, chosen, fields, staff), True
        rows = render.records(chosen, fields, staff, id_as_text=True)
        return render.as_xml("report", title, fields, rows), False

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
