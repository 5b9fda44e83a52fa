"""Fault injection: a queue of faults, each hitting the next ``times`` requests to a path.

A fault is set at construction (``GladlySandbox(faults=[...])``), on the CLI (``--fault 503,times=2``) or at
run time with ``POST /_sandbox/faults`` (a JSON object or list of them) and cleared with
``DELETE /_sandbox/faults``. JSON form::

    {"kind": "slow", "path": "/api/v1/reports", "times": 2, "seconds": 1.5}

``path`` defaults to every report path; ``times`` defaults to 1 and ``null`` means every request.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

REPORT_PATHS: tuple[str, ...] = ("/api/v1/reports", "/api/v1/reports/work-session-events")

FAULT_KINDS: dict[str, str] = {
    "429": "429 without Retry-After, as the rate limiter answers",
    "500": "500 with an errors body",
    "502": "502 with an HTML body, as a load balancer answers",
    "503": "503 with an HTML body",
    "slow": "sleep `seconds` before answering normally",
    "reset": "close the socket (TCP reset) without a response",
    "truncate": "start a chunked 200 body and cut it mid-row, never sending the last chunk",
    "empty": "200 text/csv with an empty body",
    "bom": "a UTF-8 BOM before the header",
    "blank_lines": "two CRLF before the header",
    "error_body": "200 text/plain 'Unexpected error occurred' instead of CSV",
    "row_cap": "silently stop the CSV after `rows` data rows (Gladly's real cap is about 100,000)",
}


@dataclass(frozen=True, slots=True)
class Fault:
    """One fault. ``times=None`` hits every matching request; ``path=None`` matches every report path."""

    kind: str
    path: str | None = None
    times: int | None = 1
    seconds: float = 1.0
    rows: int = 100_000

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r} (known: {', '.join(FAULT_KINDS)})")
        if self.times is not None and self.times < 1:
            raise ValueError("fault times must be at least 1 (or null for every request)")
        if self.seconds < 0 or self.rows < 0:
            raise ValueError("fault seconds and rows must not be negative")

    def matches(self, path: str) -> bool:
        """Whether this fault applies to a request for ``path``."""
        return path in REPORT_PATHS if self.path is None else path == self.path

    def to_json(self) -> dict[str, object]:
        """The JSON form (as accepted by ``from_json``)."""
        return asdict(self)

    @classmethod
    def from_json(cls, obj: object) -> Fault:
        """Build from the JSON form; raises ValueError on anything else."""
        if not isinstance(obj, Mapping):
            raise ValueError("a fault must be a JSON object")
        unknown = set(obj) - {"kind", "path", "times", "seconds", "rows"}
        if unknown:
            raise ValueError(f"unknown fault field(s): {', '.join(sorted(map(str, unknown)))}")
        kind, path, times = obj.get("kind"), obj.get("path"), obj.get("times", 1)
        seconds, rows = obj.get("seconds", 1.0), obj.get("rows", 100_000)
        if not isinstance(kind, str | int) or not (path is None or isinstance(path, str)):
            raise ValueError("fault kind must be a string and path a string or null")
        if not (times is None or type(times) is int) or type(rows) is not int:
            raise ValueError("fault times and rows must be integers")
        if not isinstance(seconds, int | float):
            raise ValueError("fault seconds must be a number")
        return cls(str(kind), path, times, float(seconds), rows)

    @classmethod
    def parse(cls, spec: str) -> Fault:
        """Parse the CLI form ``KIND[,path=P][,times=N|always][,seconds=S][,rows=N]``."""
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
            elif name == "rows":
                fields[name] = int(value)
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
        """The faults still pending (with their original ``times``)."""
        with self._lock:
            return [f for f, _ in self._pending]

    def take(self, path: str) -> Fault | None:
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
