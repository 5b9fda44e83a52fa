"""Fault injection for the Sprout simulator: a queue of faults, each hitting the next ``times`` requests.

Set at construction (``SproutSandbox(faults=[...])``) or at run time with ``POST /_sandbox/faults`` (a JSON
object or a list of them), cleared with ``DELETE /_sandbox/faults``. JSON form::

    {"kind": "503", "path": null, "times": 2, "seconds": 1.0}

``path`` null matches every messages endpoint; ``times`` defaults to 1 and null means every request.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

FAULT_KINDS: dict[str, str] = {
    "429": "429 {error} without Retry-After, as the rate limiter answers",
    "500": "500 {error}",
    "503": "503 with an HTML body, as a load balancer answers",
    "504": "504 {error} (Sprout's advice: shrink the date range)",
    "202": "202 processed-but-not-ready with an empty data list: the client must ask again",
    "slow": "sleep `seconds` before answering normally",
    "reset": "close the socket (TCP reset) without a response",
    "truncate": "send a 200 whose JSON body breaks off half way (Content-Length promises more)",
}


@dataclass(frozen=True, slots=True)
class Fault:
    """One fault. ``times=None`` hits every matching request; ``path=None`` matches every messages path."""

    kind: str
    path: str | None = None
    times: int | None = 1
    seconds: float = 1.0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r} (known: {', '.join(FAULT_KINDS)})")
        if self.times is not None and self.times < 1:
            raise ValueError("fault times must be at least 1 (or null for every request)")
        if self.seconds < 0:
            raise ValueError("fault seconds must not be negative")

    def matches(self, path: str) -> bool:
        """Whether this fault applies to a request for ``path``."""
        return path.endswith("/messages") if self.path is None else path == self.path

    def to_json(self) -> dict[str, object]:
        """The JSON form (as accepted by ``from_json``)."""
        return asdict(self)

    @classmethod
    def from_json(cls, obj: object) -> Fault:
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

    @classmethod
    def parse(cls, spec: str) -> Fault:
        """Parse the CLI form ``KIND[,path=P][,times=N|always][,seconds=S]``."""
        kind, *options = [part.strip() for part in spec.split(",")]
        fields: dict[str, object] = {"kind": kind}
        for option in options:
            name, sep, value = option.partition("=")
            if not sep:
                raise ValueError(f"fault option {option!r} is not NAME=VALUE")
            if name == "times":
                fields[name] = None if value == "always" else int(value)
            elif name == "seconds":
                fields[name] = float(value)
            else:
                fields[name] = value
        return cls.from_json(fields)


class FaultPlan:
    """The pending faults, consumed in order by matching requests (thread-safe)."""

    def __init__(self, faults: Iterable[Fault] = ()) -> None:
        self._lock = threading.Lock()
        self._pending: list[tuple[Fault, int | None]] = [(f, f.times) for f in faults]

    def add(self, faults: Iterable[Fault]) -> None:
        """Queue more faults after those pending."""
        with self._lock:
            self._pending.extend((f, f.times) for f in faults)

    def clear(self) -> None:
        """Drop every pending fault."""
        with self._lock:
            self._pending.clear()

    def pending(self) -> list[Fault]:
        """The faults still pending."""
        with self._lock:
            return [f for f, _ in self._pending]

    def take(self, path: str) -> Fault | None:
        """The first fault matching ``path``, counting one hit against it."""
        with self._lock:
            for index, (fault, left) in enumerate(self._pending):
                if fault.matches(path):
                    if left is not None and left <= 1:
                        del self._pending[index]
                    elif left is not None:
                        self._pending[index] = (fault, left - 1)
                    return fault
        return None
