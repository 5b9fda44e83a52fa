"""The Sprout Social simulator (Public API v1) for the sandbox customer Warby Parker (customer id 687751).

    with SproutSandbox() as sprout:
        headers = {"Authorization": f"Bearer {DEFAULT_TOKEN}", "Accept": "application/json"}
        body = {"filters": ["group_id.eq(23598)", "customer_profile_id.eq(4920101, 4920102, 4920103)",
                            "created_time.in(2025-01-14T05:00:00Z..2025-01-15T05:00:00Z)"],
                "fields": ["guid", "created_time"], "timezone": "America/New_York", "sort": ["created_time:asc"]}
        httpx.post(f"{sprout.url}/v1/687751/messages", headers=headers, json=body)

Routes (auth: ``Authorization: Bearer <token>``): ``GET /v1/metadata/client``,
``GET /v1/687751/metadata/customer[/tags|/groups|/users]``, ``POST /v1/687751/messages``. Every answer
carries the ``X-Sprout-*`` headers. Control (no auth): ``GET|POST|DELETE /_sandbox/faults``,
``GET|DELETE /_sandbox/requests``.
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Iterable
from functools import partial

from xo_sandbox.faults import FaultPlan
from xo_sandbox.http import SandboxServer
from xo_sandbox.sprout.customer import DEFAULT_TOKEN
from xo_sandbox.sprout.faults import Fault
from xo_sandbox.sprout.handler import SproutHandler
from xo_sandbox.sprout.limits import MinuteLimiter, SproutLimits


class SproutSandbox(SandboxServer):
    """A Sprout API simulator on ``host:port`` (port 0 picks a free one); start with ``with`` or ``start()``.

    ``token`` is the one valid Bearer token. ``volume_scale`` multiplies the synthetic volume (1.0 ≈ a few
    hundred messages a day). ``not_ready_first`` answers the first call of every query (its first page) with
    202 processed-but-not-ready, as Sprout may. ``timezone_applies_to_created_time``: whether a
    ``created_time`` bound without an offset is read in the body's ``timezone`` (True) or as UTC (False, the
    default); Sprout's docs leave it open (see ``xo_sandbox.sprout.query``).
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str = DEFAULT_TOKEN,
        faults: Iterable[Fault] = (),
        limits: SproutLimits | None = None,
        volume_scale: float = 1.0,
        not_ready_first: bool = False,
        timezone_applies_to_created_time: bool = False,
    ) -> None:
        if volume_scale <= 0:
            raise ValueError("volume_scale must be positive")
        self.token = token
        self.faults = FaultPlan(Fault, faults)
        self.limits = limits or SproutLimits()
        self.limiter = MinuteLimiter(self.limits)
        self.volume_scale = volume_scale
        self.not_ready_first = not_ready_first
        self.timezone_applies_to_created_time = timezone_applies_to_created_time
        self.secret = f"sprout-sandbox-cursor-{token}".encode()
        self._seen: set[str] = set()
        self._seen_lock = threading.Lock()
        super().__init__(partial(SproutHandler, sandbox=self), host=host, port=port)

    def authenticate(self, authorization: str | None) -> bool:
        """Whether this ``Authorization`` header carries the valid Bearer token."""
        if not authorization or not authorization.startswith("Bearer "):
            return False
        return hmac.compare_digest(authorization[7:].strip().encode(), self.token.encode())

    def first_call_of(self, digest: str) -> bool:
        """With ``not_ready_first``: True the first time a query is seen (it is then answered 202)."""
        if not self.not_ready_first:
            return False
        with self._seen_lock:
            first = digest not in self._seen
            self._seen.add(digest)
            return first
