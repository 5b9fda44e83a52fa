"""What the Gmail and Sheets simulators share: bearer auth, ``POST /token``, quota, faults, control endpoints.

A simulator subclasses ``GoogleSandbox`` (state) and ``GoogleHandler`` (its routes in ``api``). Control
endpoints (no auth; the test's side door): ``GET|POST|DELETE /_sandbox/faults``, ``GET|DELETE
/_sandbox/requests``, plus whatever ``control`` of the subclass adds.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any
from urllib.parse import SplitResult, urlsplit

from xo_sandbox.google.errors import UNAUTHENTICATED, google_error, quota_error
from xo_sandbox.google.faults import GoogleFault, GoogleFaultPlan
from xo_sandbox.google.quota import MinuteQuota
from xo_sandbox.google.tokens import TokenRefused, TokenRegistry
from xo_sandbox.http import SandboxHandler, SandboxServer
from xo_sandbox.requestlog import RequestLog

TOKEN_PATH = "/token"  # noqa: S105 - a path, not a secret


class GoogleSandbox(SandboxServer):
    """State shared by every connection: tokens, quota, faults, request log."""

    def __init__(
        self,
        handler: type[GoogleHandler],
        *,
        host: str,
        port: int,
        tokens: Iterable[str],
        service_accounts: Mapping[str, str],
        faults: Iterable[GoogleFault],
        quota_per_minute: int | None,
        clock: Callable[[], float],
    ) -> None:
        self.tokens = TokenRegistry(tokens, service_accounts)
        self.faults = GoogleFaultPlan(faults)
        self.quota = MinuteQuota(quota_per_minute, clock=clock)
        self.log = RequestLog()
        super().__init__(partial(handler, sandbox=self), host=host, port=port)

    @property
    def token_uri(self) -> str:
        """The fake token endpoint (the audience an assertion must name)."""
        return f"{self.url}{TOKEN_PATH}"

    def requests(self) -> list[dict[str, object]]:
        """The API requests received so far (method, path, query, status; never headers)."""
        return self.log.entries()


class GoogleHandler(SandboxHandler):
    """One connection; subclasses implement ``api`` (and may add ``control`` routes)."""

    units_per_request = 1
    """Quota units one API request costs (Gmail: 5; Sheets: 1 read request)."""

    def __init__(self, *args: Any, sandbox: GoogleSandbox, **kwargs: Any) -> None:
        self.sandbox = sandbox
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def api(self, url: SplitResult) -> None:
        """Answer an authenticated, in-quota, unfaulted API request."""
        raise NotImplementedError

    def control(self, path: str, body: bytes) -> bool:
        """Answer a simulator-specific control request; False when ``path`` is not one."""
        return False

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        body = self.read_body()
        try:
            if url.path.startswith("/_sandbox/"):
                self._control(url.path, body)
            elif url.path == TOKEN_PATH and self.command == "POST":
                self._token(body)
            else:
                self.record_request(self.sandbox.log, url.path, url.query, b"")
                self._guarded(url)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _guarded(self, url: SplitResult) -> None:
        if not self.sandbox.tokens.valid(self.headers.get("Authorization")):
            self.send_json(401, UNAUTHENTICATED, {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'})
            return
        if not self.sandbox.quota.spend(self.units_per_request):
            self.send_json(429, quota_error("rateLimitExceeded"))
            return
        fault = self.sandbox.faults.take(url.path)
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.seconds)
        elif fault is not None:
            self._fault(fault.kind)
            return
        self.api(url)

    def _fault(self, kind: str) -> None:
        if kind == "reset":
            self.reset_connection()
        elif kind == "429":
            self.send_json(429, quota_error("rateLimitExceeded"))
        elif kind in ("403", "403user"):
            self.send_json(403, quota_error("rateLimitExceeded" if kind == "403" else "userRateLimitExceeded", 403))
        elif kind == "401":
            self.send_json(401, UNAUTHENTICATED)
        elif kind == "500":
            self.send_json(500, google_error(500, "Internal error encountered.", reason="backendError"))
        else:
            self.send_json(503, google_error(503, "The service is currently unavailable.", reason="backendError"))

    def _token(self, body: bytes) -> None:
        try:
            self.send_json(200, self.sandbox.tokens.exchange(body, self.sandbox.token_uri))
        except TokenRefused as exc:
            self.send_json(400, {"error": exc.error, "error_description": exc.description})

    def _control(self, path: str, body: bytes) -> None:
        plan = self.sandbox.faults
        if path == "/_sandbox/faults" and self.command == "POST":
            try:
                payload = json.loads(body or b"[]")
                plan.add(
                    [GoogleFault.from_json(item) for item in (payload if isinstance(payload, list) else [payload])]
                )
            except (ValueError, UnicodeDecodeError) as exc:
                self.send_json(400, google_error(400, str(exc), reason="invalid"))
                return
        elif path == "/_sandbox/faults" and self.command == "DELETE":
            plan.clear()
        elif path == "/_sandbox/requests" and self.command == "DELETE":
            self.sandbox.log.clear()
            self.send_json(200, [])
            return
        elif path == "/_sandbox/requests" and self.command == "GET":
            self.send_json(200, self.sandbox.requests())
            return
        elif path != "/_sandbox/faults":
            if not self.control(path, body):
                self.send_json(404, google_error(404, f"no sandbox route {path}", reason="notFound"))
            return
        self.send_json(200, [f.to_json() for f in plan.pending()])
