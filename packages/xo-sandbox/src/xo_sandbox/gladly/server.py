"""The Gladly simulator: one HTTP server serving every sandbox org, told apart by their Basic-auth user.

    with GladlySandbox() as gladly:
        body = {"metricSet": "ContactTimestampsReport", "startAt": "2025-01-14", "endAt": "2025-01-14",
                "timezone": "America/New_York"}
        auth = ("api@warbyparker.example", "wbp-sandbox-token")
        httpx.post(f"{gladly.url}/api/v1/reports", auth=auth, json=body)

Routes (auth: HTTP Basic email:token): ``POST /api/v1/reports``, ``POST /api/v1/reports/work-session-events``,
``GET /api/v1/agents|inboxes|teams``. Control (no auth): ``GET|POST|DELETE /_sandbox/faults``,
``GET|DELETE /_sandbox/requests``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import time
from collections.abc import Callable, Iterable, Mapping
from functools import partial

from xo_sandbox.faults import FaultPlan
from xo_sandbox.gladly.faults import Fault
from xo_sandbox.gladly.handler import GladlyHandler
from xo_sandbox.gladly.limits import OrgLimiter, RateLimits
from xo_sandbox.gladly.orgs import DEFAULT_CREDENTIALS, get_org
from xo_sandbox.gladly.work_sessions import REPORT_LATENCY_MS
from xo_sandbox.http import SandboxServer


class GladlySandbox(SandboxServer):
    """A Gladly API simulator on ``host:port`` (port 0 picks a free one); start with ``with`` or ``start()``.

    ``credentials`` maps org name (``warbyparker``, ``condenast``) to (API user email, token); only the orgs
    listed are served. ``volume_scale`` multiplies the synthetic volume (1.0 ≈ real volume); ``row_cap``
    silently caps every report (off by default; the real cap is about 100,000 rows). ``clock`` (epoch seconds)
    is "now"; reports show the activity up to ``now - latency_ms``, contacts still open then included.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        credentials: Mapping[str, tuple[str, str]] | None = None,
        faults: Iterable[Fault] = (),
        limits: RateLimits | None = None,
        volume_scale: float = 1.0,
        row_cap: int | None = None,
        clock: Callable[[], float] = time.time,
        latency_ms: int = REPORT_LATENCY_MS,
    ) -> None:
        self.credentials: dict[str, tuple[str, str]] = dict(credentials or DEFAULT_CREDENTIALS)
        for org in self.credentials:
            get_org(org)  # fail at construction on an org the sandbox does not know
        if volume_scale <= 0:
            raise ValueError("volume_scale must be positive")
        self.faults = FaultPlan(Fault, faults)
        self.limits = limits or RateLimits()
        self.volume_scale = volume_scale
        self.row_cap = row_cap
        self.clock = clock
        """Epoch seconds of "now" (the wall clock; a test sets a fixed moment to pull "just after" a window)."""
        self.latency_ms = latency_ms
        self._limiters = {org: OrgLimiter(self.limits) for org in self.credentials}
        super().__init__(partial(GladlyHandler, sandbox=self), host=host, port=port)

    def authenticate(self, authorization: str | None) -> str | None:
        """The org whose API user sent this ``Authorization`` header, or None."""
        if not authorization or not authorization.startswith("Basic "):
            return None
        try:
            decoded = base64.b64decode(authorization[6:], validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        email, _, token = decoded.partition(":")
        for org, (user, secret) in self.credentials.items():
            if email == user and hmac.compare_digest(token.encode(), secret.encode()):
                return org
        return None

    def as_of_ms(self) -> int:
        """The moment the reports show, epoch ms: now minus Gladly's report latency."""
        return int(self.clock() * 1_000) - self.latency_ms

    def limiter(self, org: str) -> OrgLimiter:
        """The rate limiter of ``org``."""
        return self._limiters[org]
