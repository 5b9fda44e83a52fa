"""Values written into Snowflake SQL text, where a bind parameter is not allowed.

A COPY transformation's SELECT cannot take bind parameters, so the run id and the timestamps of a load
are written into the statement as literals: every such value goes through ``string_literal``, and the
run id is also checked against a safe pattern first, so escaping is a second line of defence.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from xo_core.errors import ConfigError

# Airflow run ids look like ``scheduled__2025-01-15T08:00:00+00:00``; nothing else is needed.
RUN_ID_RE = re.compile(r"^[A-Za-z0-9_.:+-]{1,250}$")


def string_literal(value: str) -> str:
    """``value`` as a single-quoted Snowflake string literal (``\\`` and ``'`` escaped)."""
    # Snowflake reads backslash escapes inside '...' (\n, \t, \\), so the backslash goes first.
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def timestamp_tz_literal(value: datetime) -> str:
    """A timezone-aware instant as ``'YYYY-MM-DD HH:MM:SS.ffffff+00:00'::TIMESTAMP_TZ`` (in UTC)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ConfigError(f"timestamp {value.isoformat()} must be timezone-aware")
    rendered = value.astimezone(UTC).isoformat(sep=" ", timespec="microseconds")
    return f"{string_literal(rendered)}::TIMESTAMP_TZ"


def run_id_literal(run_id: str) -> str:
    """The run id as a literal, refused unless it matches ``RUN_ID_RE``."""
    if not RUN_ID_RE.fullmatch(run_id):
        raise ConfigError(f"run_id {run_id!r} must match {RUN_ID_RE.pattern} to be written into a COPY")
    return string_literal(run_id)
