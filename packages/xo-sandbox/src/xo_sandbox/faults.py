"""Fault injection shared by every simulator: a queue of faults, each hitting the next ``times`` requests.

A simulator subclasses ``Fault`` to declare its kinds (``KINDS``), which paths a fault without ``path``
matches (``matches``) and any parameters of its own (a field with a numeric default, e.g. Gladly's ``rows``);
how it acts on a fault stays in its handler. Faults are set at construction (``faults=[...]``), on the CLI
(``Fault.parse("503,times=2")``) or at run time with ``POST /_sandbox/faults`` (a JSON object or a list of
them, see ``FaultPlan.add_json``) and cleared with ``DELETE /_sandbox/faults``. JSON form::

    {"kind": "slow", "path": "/api/v1/reports", "times": 2, "seconds": 1.5}

``times`` defaults to 1 and ``null`` means every matching request.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import ClassVar, Self

_COMMON = ("kind", "path", "times")


@dataclass(frozen=True, slots=True)
class Fault:
    """One fault. ``times=None`` hits every matching request; ``path=None`` matches the simulator's default."""

    KINDS: ClassVar[Mapping[str, str]] = {}
    """Kind → what the simulator does; a subclass sets its own."""

    kind: str
    path: str | None = None
    times: int | None = 1
    seconds: float = 1.0

    def __post_init__(self) -> None:
        kinds = type(self).KINDS
        if self.kind not in kinds:
            raise ValueError(f"unknown fault kind {self.kind!r} (known: {', '.join(kinds)})")
        if self.times is not None and self.times < 1:
            raise ValueError("fault times must be at least 1 (or null for every request)")
        for name, value in self._numbers().items():
            if value < 0:
                raise ValueError(f"fault {name} must not be negative")

    def _numbers(self) -> dict[str, float]:
        """``seconds`` and the simulator's own numeric parameters."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _COMMON}

    def matches(self, path: str) -> bool:
        """Whether this fault applies to a request for ``path`` (no ``path``: every request)."""
        return self.path is None or path == self.path

    def to_json(self) -> dict[str, object]:
        """The JSON form (as accepted by ``from_json``)."""
        return asdict(self)

    @classmethod
    def from_json(cls, obj: object) -> Self:
        """Build from the JSON form; raises ValueError on anything else."""
        if not isinstance(obj, Mapping):
            raise ValueError("a fault must be a JSON object")
        known = {f.name: f.default for f in fields(cls)}
        unknown = set(obj) - set(known)
        if unknown:
            raise ValueError(f"unknown fault field(s): {', '.join(sorted(map(str, unknown)))}")
        kind, path, times = obj.get("kind"), obj.get("path"), obj.get("times", 1)
        if not isinstance(kind, str | int) or not (path is None or isinstance(path, str)):
            raise ValueError("fault kind must be a string and path a string or null")
        if not (times is None or type(times) is int):
            raise ValueError("fault times must be an integer or null")
        numbers: dict[str, float] = {}
        for name, default in known.items():
            if name in _COMMON:
                continue
            value = obj.get(name, default)
            if isinstance(default, float) and isinstance(value, int | float):
                numbers[name] = float(value)
            elif type(value) is int:  # an integer parameter (e.g. rows) takes only integers
                numbers[name] = value
            else:
                raise ValueError(f"fault {name} must be a number")
        return cls(str(kind), path, times, **numbers)

    @classmethod
    def parse(cls, spec: str) -> Self:
        """Parse the CLI form ``KIND[,path=P][,times=N|always][,seconds=S][,NAME=N]``."""
        kind, *options = [part.strip() for part in spec.split(",")]
        defaults = {f.name: f.default for f in fields(cls)}
        values: dict[str, object] = {"kind": kind}
        for option in options:
            name, sep, value = option.partition("=")
            if not sep:
                raise ValueError(f"fault option {option!r} is not NAME=VALUE")
            default = defaults.get(name)
            if name == "times":
                values[name] = None if value == "always" else int(value)
            elif isinstance(default, float):
                values[name] = float(value)
            elif isinstance(default, int):
                values[name] = int(value)
            else:  # path, or an unknown name that from_json refuses
                values[name] = value
        return cls.from_json(values)


class FaultPlan[F: Fault]:
    """The pending faults of one kind of ``Fault``, consumed in order by matching requests (thread-safe)."""

    def __init__(self, fault_type: type[F], faults: Iterable[F] = ()) -> None:
        self._fault_type = fault_type
        self._lock = threading.Lock()
        self._pending: list[tuple[F, int | None]] = [(f, f.times) for f in faults]

    def add(self, faults: Iterable[F]) -> None:
        """Queue more faults after those pending."""
        with self._lock:
            self._pending.extend((f, f.times) for f in faults)

    def add_json(self, payload: object) -> None:
        """Queue the faults of a JSON object or list of them; ValueError (and none queued) if one is invalid."""
        items = payload if isinstance(payload, list) else [payload]
        self.add([self._fault_type.from_json(item) for item in items])

    def clear(self) -> None:
        """Drop every pending fault."""
        with self._lock:
            self._pending.clear()

    def pending(self) -> list[F]:
        """The faults still pending (with their original ``times``)."""
        with self._lock:
            return [f for f, _ in self._pending]

    def take(self, path: str) -> F | None:
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
