"""The one time-zone lookup: an IANA name to its ``ZoneInfo``, or an error that names the bad value."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from xo_core.errors import ConfigError


class UnknownTimeZoneError(ConfigError, ValueError):
    """An unknown IANA name. Also a ValueError, so a pydantic validator or a value parser reports it as the bad
    value it is, while extractors let it fail the task as the ConfigError it is."""


def zone_named(name: str) -> ZoneInfo:
    """The ZoneInfo of an IANA name such as ``America/New_York``; UnknownTimeZoneError when there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownTimeZoneError(f"unknown IANA time zone {name!r}") from None
