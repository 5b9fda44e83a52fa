"""Time window settings of a pipeline (``dag.time_window``): one model per ``refresh_type``."""

from __future__ import annotations

import re
from datetime import time, timedelta
from functools import cache
from typing import Annotated, Literal
from zoneinfo import available_timezones

from pydantic import Field, field_validator, model_validator

from xo_core.timezones import zone_named
from xo_foundry.schemas.base import StrictModel

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class Duration(StrictModel):
    """A non-negative length of time written as ``{ days: 1, hours: 2, minutes: 30 }``."""

    days: int = Field(default=0, ge=0)
    hours: int = Field(default=0, ge=0)
    minutes: int = Field(default=0, ge=0)

    def to_timedelta(self) -> timedelta:
        return timedelta(days=self.days, hours=self.hours, minutes=self.minutes)


@cache
def _iana_names() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}


def _check_timezone(value: str) -> str:
    zone_named(value)
    # ZoneInfo also opens a file path below the tz database ("posix/UTC"); a config names a zone.
    if value not in _iana_names():
        raise ValueError(f"unknown IANA time zone {value!r}")
    return value


class _WindowBase(StrictModel):
    timezone: str = Field(description="IANA time zone the window is computed in, e.g. America/New_York")

    @field_validator("timezone")
    @classmethod
    def _timezone_is_iana(cls, value: str) -> str:
        return _check_timezone(value)


class DailyWindow(_WindowBase):
    """One calendar day in ``timezone``: the logical date minus ``lag``."""

    refresh_type: Literal["daily"]
    lag: Duration = Field(default_factory=lambda: Duration(days=1))


class IntradayRelativeWindow(_WindowBase):
    """From now minus ``lookback`` to now minus ``lag``; "now" is the end of the run's data interval."""

    refresh_type: Literal["intraday_relative"]
    lookback: Duration
    lag: Duration = Field(default_factory=Duration)

    @model_validator(mode="after")
    def _lookback_positive(self) -> IntradayRelativeWindow:
        if self.lookback.to_timedelta() <= timedelta(0):
            raise ValueError("lookback must be longer than zero")
        return self


class IntradayAbsoluteWindow(_WindowBase):
    """Fixed ``start_time`` to ``end_time`` ("HH:MM") of the day that is the logical date minus ``lag``."""

    refresh_type: Literal["intraday_absolute"]
    start_time: str
    end_time: str
    lag: Duration = Field(default_factory=Duration)

    @field_validator("start_time", "end_time")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not _HHMM.fullmatch(value):
            raise ValueError(f"{value!r} is not a time of day as HH:MM (00:00 to 23:59)")
        return value

    @model_validator(mode="after")
    def _start_before_end(self) -> IntradayAbsoluteWindow:
        if self.start() >= self.end():
            raise ValueError(f"start_time {self.start_time} must be before end_time {self.end_time}")
        return self

    def start(self) -> time:
        return time.fromisoformat(self.start_time)

    def end(self) -> time:
        return time.fromisoformat(self.end_time)


TimeWindowConfig = Annotated[
    DailyWindow | IntradayRelativeWindow | IntradayAbsoluteWindow,
    Field(discriminator="refresh_type"),
]
