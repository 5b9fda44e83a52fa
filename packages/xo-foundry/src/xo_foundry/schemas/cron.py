"""Validation of ``dag.schedule``: a 5-field cron expression or one of Airflow's presets."""

from __future__ import annotations

from dataclasses import dataclass

from xo_core.suggest import did_you_mean

PRESETS: tuple[str, ...] = ("@daily", "@hourly", "@weekly", "@monthly", "@yearly", "@once")


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()  # names[i] stands for the number low + i

    def number(self, token: str) -> int:
        if token.isdigit():
            value = int(token)
        elif token.upper() in self.names:
            value = self.low + self.names.index(token.upper())
        else:
            named = f" or a name ({self.names[0]}-{self.names[-1]})" if self.names else ""
            raise ValueError(f"{self.name} {token!r} is not a number{named}")
        if not self.low <= value <= self.high:
            raise ValueError(f"{self.name} {value} is out of range {self.low}-{self.high}")
        return value


_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
# Day of week 7 is Sunday again, as in cron and croniter.
_FIELDS = (
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day-of-month", 1, 31),
    _Field("month", 1, 12, _MONTHS),
    _Field("day-of-week", 0, 7, _DAYS),
)


def _check_item(item: str, spec: _Field) -> None:
    base, slash, step = item.partition("/")
    if slash and (not step.isdigit() or int(step) < 1):
        raise ValueError(f"{spec.name} step {step!r} must be a whole number of at least 1")
    if base == "*":
        return
    start, dash, end = base.partition("-")
    first = spec.number(start)
    if dash and first > spec.number(end):
        raise ValueError(f"{spec.name} range {base} runs backwards")


def validate_schedule(expression: str) -> str:
    """Return ``expression`` if it is a preset or a valid 5-field cron expression, else raise ``ValueError``."""
    if expression.startswith("@"):
        if expression not in PRESETS:
            raise ValueError(f"unknown preset {expression!r}{did_you_mean(expression, PRESETS)}")
        return expression
    parts = expression.split()
    if len(parts) != len(_FIELDS):
        raise ValueError(
            f"{expression!r} has {len(parts)} fields; a cron expression has 5 "
            f"(minute hour day-of-month month day-of-week) or is one of {', '.join(PRESETS)}"
        )
    for part, spec in zip(parts, _FIELDS, strict=True):
        for item in part.split(","):
            if not item:
                raise ValueError(f"{spec.name} {part!r} has an empty list item")
            _check_item(item, spec)
    return expression
