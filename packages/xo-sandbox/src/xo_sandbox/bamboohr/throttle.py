"""BambooHR's throttling: no published numbers, only "be ready for a 503 Service Unavailable"
(documentation.bamboohr.com/docs/api-details). BambooHR has announced that throttled requests get a 429 with
``Retry-After`` from 16 September 2026; ``Throttle(status=429)`` answers that way.

The sandbox allows ``budget`` API requests per rolling ``per_seconds`` per company; past it, ``status`` with
``Retry-After: retry_after`` and an ``X-BambooHR-Error-Message``. Refused requests do not use up the budget.
The clock is injectable so tests step through a window without waiting.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Throttle:
    """The budget, the status a request past it gets (503 today, 429 announced), and the monotonic clock."""

    budget: int = 100
    per_seconds: float = 10.0
    retry_after: int = 2
    clock: Callable[[], float] = field(default=time.monotonic)
    status: int = 503

    def __post_init__(self) -> None:
        if self.status not in (429, 503):
            raise ValueError(f"BambooHR throttles with 503 (today) or 429 (announced), not {self.status}")


class Throttler:
    """The rolling window of one company's requests (thread-safe)."""

    def __init__(self, throttle: Throttle) -> None:
        self.throttle = throttle
        self._lock = threading.Lock()
        self._hits: deque[float] = deque()

    def allow(self) -> bool:
        """Count one request; False (and not counted) when over budget."""
        with self._lock:
            now = self.throttle.clock()
            while self._hits and self._hits[0] <= now - self.throttle.per_seconds:
                self._hits.popleft()
            if len(self._hits) >= self.throttle.budget:
                return False
            self._hits.append(now)
            return True
