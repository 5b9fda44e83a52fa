"""Standardized warehouse column names for a header, refusing any two that would land in one column."""

from __future__ import annotations

from xo_core.errors import ConfigError, SourceDataError
from xo_core.identifiers import standardize_column_name


def standardize_columns(originals: list[str], uri: str) -> dict[str, str]:
    """Map each original header name to its UPPERCASE identifier, in header order.

    Raises ``SourceDataError`` for an empty name (naming its 1-based position), a name repeated in the header,
    a name with nothing to make an identifier from, and two names that standardize to the same identifier.
    """
    column_map: dict[str, str] = {}
    owner: dict[str, str] = {}  # standardized name → the original that took it
    for position, original in enumerate(originals, start=1):
        if not original.strip():
            raise SourceDataError(f"column {position} of the header in {uri} has an empty name")
        if original in column_map:
            first = originals.index(original) + 1
            raise SourceDataError(f"column {original!r} appears twice (columns {first} and {position}) in {uri}")
        try:
            standard = standardize_column_name(original)
        except ConfigError as exc:
            raise SourceDataError(f"column {position} ({original!r}) in {uri}: {exc.message}") from exc
        if standard in owner:
            raise SourceDataError(
                f"columns {owner[standard]!r} and {original!r} both standardize to {standard} in {uri}"
            )
        owner[standard] = original
        column_map[original] = standard
    return column_map
