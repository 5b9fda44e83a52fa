"""Gladly's rate limits per organization (developer.gladly.com/rest/, "Rate Limit"), with an injectable clock for tests.

- every API request: ``requests_per_second`` in a rolling second (reported in ``Ratelimit-*-Second`` headers);
- report POSTs: ``reports_per_minute`` in a rolling minute and ``reports_in_flight`` at once.
Over any limit → 429 without ``Retry-After`` (Gladly sends none). Refused requests do not use up quota.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class RateLimits:
    """The limits and the clock (seconds, monotonic) they are measured with."""

    requests_per_second: int = 10
    reports_per_minute: int = 10
    reports_in_flight: int = 2
    clock: Callable[[], float] = field(default=time.monotonic)


def _prune(window: deque[float], now: float, seconds: float) -> None:
    while window and window[0] <= now - seconds:
        window.popleft()


class OrgLimiter:
    """The rolling windows and in-flight count of one organization (thread-safe)."""

    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits
        self._lock = threading.Lock()
        self._second: deque[float] = deque()
        self._minute: deque[float] = deque()
        self._in_flight = 0

    def hit(self) -> tuple[bool, int]:
        """Count one API request against the per-second limit: (allowed, remaining this second)."""
        with self._lock:
            now = self.limits.clock()
            _prune(self._second, now, 1.0)
            if len(self._second) >= self.limits.requests_per_second:
                return False, 0
            self._second.append(now)
            return True, self.limits.requests_per_second - len(self._second)

    def acquire_report(self) -> str | None:
        """Take a report slot; None when granted, else why it was refused (release it when done)."""
        with self._lock:
            now = self.limits.clock()
            _prune(self._minute, now, 60.0)
            if self._in_flight >= self.limits.reports_in_flight:
                return f"at most {self.limits.reports_in_flight} report requests may run at once"
            if len(self._minute) >= self.limits.reports_per_minute:
                return f"at most {self.limits.reports_per_minute} report requests per minute"
            self._minute.append(now)
            self._in_flight += 1
            return None

    @property
    def in_flight(self) -> int:
        """How many report slots are taken now (a test waits on it rather than for a time)."""
        with self._lock:
            return self._in_flight

    def release_report(self) -> None:
        """Give back the in-flight slot taken by ``acquire_report``."""
        with self._lock:
            self._in_flight = max(0, self._in_flight - 1)


class ManualClock:
    """A clock for ``RateLimits(clock=...)`` that only moves when told: tests step through a minute at once."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self.now += seconds
