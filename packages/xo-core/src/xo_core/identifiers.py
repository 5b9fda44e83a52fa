"""Warehouse identifiers: validated before they reach SQL, quoted when they do.

Snowflake folds unquoted identifiers to UPPERCASE; the platform only ever creates UPPERCASE names, so a
validated name quoted with double quotes means the same thing in Snowflake and in DuckDB.
"""

from __future__ import annotations

import re
import unicodedata

from xo_core.errors import ConfigError

# Databases, schemas and tables the platform creates.
OBJECT_NAME_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
# Columns may also start with ``_`` (the ``_XO_`` metadata columns, source names that start with a digit).
COLUMN_NAME_RE = re.compile(r"^[A-Z_][A-Z0-9_]*$")
MAX_IDENTIFIER_LENGTH = 255


def validate_identifier(name: str, *, kind: str = "identifier", pattern: re.Pattern[str] = OBJECT_NAME_RE) -> str:
    """Return ``name`` if it is an UPPERCASE Snowflake-safe identifier, else raise ``ConfigError``."""
    if not pattern.fullmatch(name) or len(name) > MAX_IDENTIFIER_LENGTH:
        raise ConfigError(f"{kind} {name!r} must match {pattern.pattern} (at most 255 characters)")
    return name


def column_name_problem(name: str) -> str | None:
    """Why ``name`` is not a BRONZE column name as a config must write it (``None`` when it is one).

    Configs name warehouse columns after standardization (``LAST_CHANGED``, not ``lastChanged``): the names
    reach generated SQL and dbt YAML, where anything else (quotes, braces, ``{{ ... }}``) would be code.
    """
    if COLUMN_NAME_RE.fullmatch(name) and len(name) <= MAX_IDENTIFIER_LENGTH:
        return None
    problem = f"{name!r} is not a BRONZE column name (UPPERCASE, matching {COLUMN_NAME_RE.pattern})"
    # Suggest the standardized name only for a plain vendor spelling, never echo a rewrite of code.
    if re.fullmatch(r"[A-Za-z0-9_ .-]{1,255}", name):
        problem += f": write {standardize_column_name(name)!r}"
    return problem


def quote_identifier(name: str) -> str:
    """Validate (as a column name, the wider pattern) and double-quote one identifier part."""
    return f'"{validate_identifier(name, pattern=COLUMN_NAME_RE)}"'


def qualified_name(*parts: str) -> str:
    """``DB.SCHEMA.TABLE`` with every part validated as an object name and quoted."""
    return ".".join(f'"{validate_identifier(p)}"' for p in parts)


def standardize_column_name(original: str) -> str:
    """Turn a source column name into a Snowflake-safe UPPERCASE identifier.

    ``Contact ID`` → ``CONTACT_ID``; ``Created-to-First Closed Time in seconds`` →
    ``CREATED_TO_FIRST_CLOSED_TIME_IN_SECONDS``; ``from.guid`` → ``FROM_GUID``; accents are folded
    (``Équipe`` → ``EQUIPE``); a name that would start with a digit gets a leading ``_`` (``2nd`` → ``_2ND``);
    a name with no letters or digits at all is refused.
    """
    folded = unicodedata.normalize("NFKD", original).encode("ascii", "ignore").decode("ascii")
    # camelCase → CAMEL_CASE, so BambooHR's ``firstName`` reads as FIRST_NAME.
    folded = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", folded)
    name = re.sub(r"[^A-Za-z0-9]+", "_", folded).strip("_").upper()
    if not name:
        raise ConfigError(f"column name {original!r} has no letters or digits to make an identifier from")
    if name[0].isdigit():
        name = f"_{name}"
    return name
