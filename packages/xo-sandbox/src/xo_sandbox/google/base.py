"""What the Gmail and Sheets simulators share: bearer auth, ``POST /token``, quota, faults, control endpoints.

A simulator subclasses ``GoogleSandbox`` (state) and ``GoogleHandler`` (its routes in ``api``); the control
endpoints are ``SimulatorHandler``'s, plus whatever ``control`` of the subclass adds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from urllib.parse import SplitResult

from xo_sandbox.faults import FaultPlan
from xo_sandbox.google.errors import UNAUTHENTICATED, google_error, quota_error
from xo_sandbox.google.faults import GoogleFault
from xo_sandbox.google.quota import MinuteQuota
from xo_sandbox.google.tokens import TokenRefused, TokenRegistry
from xo_sandbox.http import SandboxServer, SimulatorHandler

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
        self.faults = FaultPlan(GoogleFault, faults)
        self.quota = MinuteQuota(quota_per_minute, clock=clock)
        super().__init__(partial(handler, sandbox=self), host=host, port=port)

    @property
    def token_uri(self) -> str:
        """The fake token endpoint (the audience an assertion must name)."""
        return f"{self.url}{TOKEN_PATH}"


class GoogleHandler(SimulatorHandler):
    """One connection; subclasses implement ``api`` (and may add ``control`` routes)."""

    units_per_request = 1
    """Quota units one API request costs (Gmail: 5; Sheets: 1 read request)."""

    def route(self, url: SplitResult, body: bytes) -> None:
        """``POST /token`` unlogged; any other request logged, then auth, quota and faults before ``api``."""
        if url.path == TOKEN_PATH and self.command == "POST":
            self._token(body)
            return
        self.record_request(self.sandbox.log, url.path, url.query, b"")
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
        self.api(url, body)

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

    def control_error(self, status: int, message: str) -> None:
        self.send_json(status, google_error(status, message, reason="invalid" if status == 400 else "notFound"))
