"""Sprout's rate limit (60 requests a minute per customer account: api.sproutsocial.com/docs/), with a test clock.

Over the limit → 429 ``{"error": ...}`` with no ``Retry-After`` (Sprout's docs name none). Refused requests do
not use up quota. The monthly quota (250,000) is not simulated.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class SproutLimits:
    """Requests allowed in any rolling minute, and the clock (monotonic seconds) they are measured with."""

    requests_per_minute: int = 60
    clock: Callable[[], float] = field(default=time.monotonic)


class MinuteLimiter:
    """A rolling one-minute window of granted requests (thread-safe)."""

    def __init__(self, limits: SproutLimits) -> None:
        self.limits = limits
        self._lock = threading.Lock()
        self._granted: deque[float] = deque()

    def hit(self) -> bool:
        """Count one request; False when the minute's quota is used up."""
        with self._lock:
            now = self.limits.clock()
            while self._granted and self._granted[0] <= now - 60.0:
                self._granted.popleft()
            if len(self._granted) >= self.limits.requests_per_minute:
                return False
            self._granted.append(now)
            return True
