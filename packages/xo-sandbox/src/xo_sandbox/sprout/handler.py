"""HTTP routes of the Sprout simulator: auth, media types, rate limit, faults, then the endpoint asked for."""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import TYPE_CHECKING
from urllib.parse import SplitResult

from xo_sandbox.http import SimulatorHandler
from xo_sandbox.sprout.customer import CUSTOMER_ID, CUSTOMER_NAME, GROUPS, PROFILES, TAGS, users
from xo_sandbox.sprout.pages import page
from xo_sandbox.sprout.query import BadRequest, parse_query

if TYPE_CHECKING:
    from xo_sandbox.sprout.server import SproutSandbox

API_VERSION = "1.1"
SERVER_VERSION = "1.1.3018"
_CUSTOMER_PATH = re.compile(r"^/v1/(\d+)/(messages|metadata/customer(?:/(?:tags|groups|users))?)$")
_JSON = "application/json"


def _metadata(kind: str) -> list[dict[str, object]]:
    if kind == "metadata/customer":
        return [p.to_json() for p in PROFILES]
    if kind == "metadata/customer/groups":
        return [{"group_id": g, "name": n} for g, n in GROUPS.items()]
    if kind == "metadata/customer/tags":
        return [
            {"tag_id": t, "any_group": True, "active": True, "text": text, "type": kind_, "groups": list(GROUPS)}
            for t, text, kind_ in TAGS
        ]
    return [{"id": u.id, "name": u.name, "email": u.email} for u in users()]


class SproutHandler(SimulatorHandler):
    """One connection to the simulator; ``sandbox`` holds the state shared by all of them."""

    sandbox: SproutSandbox

    def end_headers(self) -> None:
        if not self.path.startswith("/_sandbox/"):
            self.send_header("X-Sprout-Request-ID", str(uuid.uuid4()))
            self.send_header("X-Sprout-API-Version", API_VERSION)
            self.send_header("X-Sprout-Server-Version", SERVER_VERSION)
        super().end_headers()

    def _error(self, status: int, text: str) -> None:
        self.send_json(status, {"error": text})

    def api(self, url: SplitResult, body: bytes) -> None:
        path = url.path
        if not self.sandbox.authenticate(self.headers.get("Authorization")):
            self._error(401, "The request does not contain a valid access token or that access token has expired.")
            return
        accept = self.headers.get("Accept", _JSON).lower()
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if not any(t in accept for t in (_JSON, "*/*", "application/*")) or (
            (body or self.command == "POST") and content_type != _JSON
        ):
            self._error(415, "Unsupported media type: send and accept application/json")
            return
        if not self.sandbox.limiter.hit():
            self._error(429, "Too many requests: at most 60 requests per minute")  # no Retry-After, as Sprout
            return
        if path == "/v1/metadata/client":
            if self._only("GET"):
                self.send_json(200, {"data": [{"customer_id": CUSTOMER_ID, "name": CUSTOMER_NAME}]})
            return
        match = _CUSTOMER_PATH.match(path)
        if match is None:
            self._error(404, f"Not found: {path}")
            return
        if int(match.group(1)) != CUSTOMER_ID:
            self._error(403, f"The access token has no access to customer {match.group(1)}")
            return
        if match.group(2) != "messages":
            if self._only("GET"):
                self.send_json(200, {"data": _metadata(match.group(2))})
            return
        if self._only("POST"):
            self._messages(path, body)

    def _only(self, method: str) -> bool:
        if self.command != method:
            self._error(405, f"Method {self.command} not allowed here; use {method}")
            return False
        return True

    def _messages(self, path: str, body: bytes) -> None:
        fault = self.sandbox.faults.take(path)
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.seconds)
        kind = fault.kind if fault is not None else ""
        if kind == "reset":
            self.reset_connection()
            return
        if kind in ("429", "500", "504"):
            self._error(
                int(kind), {"429": "Too many requests", "500": "Internal error", "504": "Gateway timeout"}[kind]
            )
            return
        if kind == "503":
            self.send_bytes(503, b"<html><body><h1>503 Service Unavailable</h1></body></html>", "text/html")
            return
        try:
            payload = json.loads(body)
            query = parse_query(payload, timezone_applies_to_created_time=self.sandbox.timezone_applies_to_created_time)
            answer = page(query, self.sandbox.volume_scale, self.sandbox.secret)
        except (ValueError, UnicodeDecodeError) as exc:
            self._error(400, str(exc) if isinstance(exc, BadRequest) else "The request body is not valid JSON")
            return
        if kind == "202" or (query.cursor is None and self.sandbox.first_call_of(query.digest)):
            self.send_json(202, {"data": []})
            return
        data = json.dumps(answer).encode("utf-8")
        if kind == "truncate":
            self.send_response(200)
            self.send_header("Content-Type", _JSON)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.close_connection = True
            return
        self.send_bytes(200, data, _JSON)
