"""Faults of the Google simulators: a queue, each fault hitting the next ``times`` API requests.

Set at construction (``GmailSandbox(faults=[GoogleFault("429")])``) or at run time with
``POST /_sandbox/faults`` (``{"kind": "403", "times": 2}`` or a list) and cleared with ``DELETE``.
``path`` is a prefix of the API paths hit (default: every API path; ``/token`` is never faulted).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

GOOGLE_FAULT_KINDS: dict[str, str] = {
    "429": "429 RESOURCE_EXHAUSTED, reason rateLimitExceeded",
    "403": "403 with reason rateLimitExceeded (domain usageLimits), as Gmail sends a project quota refusal",
    "403user": "403 with reason userRateLimitExceeded",
    "401": "401 authError, whatever the token",
    "500": "500 INTERNAL",
    "503": "503 UNAVAILABLE",
    "slow": "sleep `seconds` before answering normally",
    "reset": "close the socket (TCP reset) without a response",
}


@dataclass(frozen=True, slots=True)
class GoogleFault:
    """One fault; ``times=None`` hits every matching request."""

    kind: str
    path: str | None = None
    times: int | None = 1
    seconds: float = 1.0

    def __post_init__(self) -> None:
        if self.kind not in GOOGLE_FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r} (known: {', '.join(GOOGLE_FAULT_KINDS)})")
        if self.times is not None and self.times < 1:
            raise ValueError("fault times must be at least 1 (or null for every request)")
        if self.seconds < 0:
            raise ValueError("fault seconds must not be negative")

    def matches(self, path: str) -> bool:
        """Whether this fault applies to a request for ``path``."""
        return self.path is None or path.startswith(self.path)

    def to_json(self) -> dict[str, object]:
        """The JSON form (as accepted by ``from_json``)."""
        return asdict(self)

    @classmethod
    def from_json(cls, obj: object) -> GoogleFault:
        """Build from the JSON form; ValueError on anything else."""
        if not isinstance(obj, Mapping):
            raise ValueError("a fault must be a JSON object")
        unknown = set(obj) - {"kind", "path", "times", "seconds"}
        if unknown:
            raise ValueError(f"unknown fault field(s): {', '.join(sorted(map(str, unknown)))}")
        kind, path, times, seconds = obj.get("kind"), obj.get("path"), obj.get("times", 1), obj.get("seconds", 1.0)
        if not isinstance(kind, str | int) or not (path is None or isinstance(path, str)):
            raise ValueError("fault kind must be a string and path a string or null")
        if not (times is None or type(times) is int) or not isinstance(seconds, int | float):
            raise ValueError("fault times must be an integer or null, seconds a number")
        return cls(str(kind), path, times, float(seconds))


class GoogleFaultPlan:
    """The pending faults, consumed in order by matching requests (thread-safe)."""

    def __init__(self, faults: Iterable[GoogleFault] = ()) -> None:
        self._lock = threading.Lock()
        self._pending: list[tuple[GoogleFault, int | None]] = [(f, f.times) for f in faults]

    def add(self, faults: Iterable[GoogleFault]) -> None:
        """Queue more faults after those pending."""
        with self._lock:
            self._pending.extend((f, f.times) for f in faults)

    def clear(self) -> None:
        """Drop every pending fault."""
        with self._lock:
            self._pending.clear()

    def pending(self) -> list[GoogleFault]:
        """The faults still pending."""
        with self._lock:
            return [f for f, _ in self._pending]

    def take(self, path: str) -> GoogleFault | None:
        """The first fault matching ``path``, counting one hit against it."""
        with self._lock:
            for index, (fault, left) in enumerate(self._pending):
                if not fault.matches(path):
                    continue
                if left is not None:
                    if left <= 1:
                        del self._pending[index]
                    else:
                        self._pending[index] = (fault, left - 1)
                return fault
        return None
