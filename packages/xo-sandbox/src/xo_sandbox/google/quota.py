"""A per-minute quota (units in a rolling minute) with an injectable clock, as Gmail and Sheets enforce."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class MinuteQuota:
    """At most ``limit`` units in any rolling 60 s (None: unlimited); refused requests use none."""

    def __init__(self, limit: int | None, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self._lock = threading.Lock()
        self._spent: deque[tuple[float, int]] = deque()
        self._total = 0

    def spend(self, units: int) -> bool:
        """Spend ``units`` if the minute allows it; False (nothing spent) when over the limit."""
        if self.limit is None:
            return True
        with self._lock:
            now = self._clock()
            while self._spent and self._spent[0][0] <= now - 60:
                self._total -= self._spent.popleft()[1]
            if self._total + units > self.limit:
                return False
            self._spent.append((now, units))
            self._total += units
            return True
