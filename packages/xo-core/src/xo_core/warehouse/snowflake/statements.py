"""The Snowflake-specific statements of a load, as pure functions of the plan (tested statement by statement).

The DDL, TRUNCATE, BEGIN/COMMIT/ROLLBACK and ledger statements are the shared ones (``plan.py``,
``ledger.py``): their text means the same in Snowflake (``BIGINT`` is ``NUMBER(38,0)``, ``TIMESTAMP WITH
TIME ZONE`` is ``TIMESTAMP_TZ``). What is Snowflake's own is the COPY and the column lookup.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from enum import StrEnum

from xo_core.identifiers import quote_identifier
from xo_core.warehouse.metadata import (
    FILE_ROW_NUMBER,
    LOADED_AT,
    METADATA_COLUMNS,
    RUN_ID,
    SOURCE_FILE,
    WINDOW_END,
    WINDOW_START,
)
from xo_core.warehouse.plan import FullRefreshPlan
from xo_core.warehouse.snowflake.literals import run_id_literal, string_literal, timestamp_tz_literal
from xo_core.warehouse.snowflake.stage import StagedFiles

# Snowflake refuses a FILES list of more than 1,000 names.
MAX_FILES_PER_COPY = 1000

# RFC 4180 as the extractor writes it, read the way DuckDB reads it in development:
# - ESCAPE_UNENCLOSED_FIELD = NONE: Snowflake's default '\\' would eat backslashes in unquoted fields.
# - NULL_IF = (): only an empty unquoted field is NULL (EMPTY_FIELD_AS_NULL); '\N' stays text; "" is ''.
# - ERROR_ON_COLUMN_COUNT_MISMATCH: Snowflake ignores it in a transformation COPY, so the width of every
#   row is guaranteed by the staging step (a ragged file is a SourceDataError there), not by this option.
CSV_FILE_FORMAT = (
    "TYPE = CSV FIELD_DELIMITER = ',' SKIP_HEADER = 1 FIELD_OPTIONALLY_ENCLOSED_BY = '\"' ESCAPE = NONE"
    " ESCAPE_UNENCLOSED_FIELD = NONE EMPTY_FIELD_AS_NULL = TRUE NULL_IF = () ENCODING = 'UTF8'"
    " ERROR_ON_COLUMN_COUNT_MISMATCH = TRUE"
)


class CopyMode(StrEnum):
    """How a COPY's rows relate to the table's existing rows."""

    REPLACE = "replace"  # TRUNCATE in the same transaction (full_refresh, every BRONZE load)
    APPEND = "append"  # rows are added to what is there (never used by BRONZE today)


def copy_force(mode: CopyMode) -> bool:
    """``FORCE = TRUE`` only when the same transaction truncates the table.

    FORCE reloads files whatever the load history says; after a TRUNCATE that is what a rerun needs
    (docs.snowflake.com/en/sql-reference/sql/copy-into-table, FORCE), but an append that is retried would
    load the same rows twice.
    """
    return mode is CopyMode.REPLACE


def existing_columns_sql(database: str) -> str:
    """The table's columns in order; the schema and table are the two bound parameters."""
    return (
        f"SELECT COLUMN_NAME FROM {quote_identifier(database)}.INFORMATION_SCHEMA.COLUMNS"
        " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION"
    )


def file_format_clause(file_format: str | None) -> str:
    """``FILE_FORMAT = (...)``: a named format (validated by the caller) or the inline CSV options."""
    if file_format is not None:
        return f"FILE_FORMAT = (FORMAT_NAME = {string_literal(file_format)})"
    return f"FILE_FORMAT = ({CSV_FILE_FORMAT})"


def metadata_select(plan: FullRefreshPlan) -> list[str]:
    """The six metadata expressions of the COPY's SELECT, in table order (literals escaped)."""
    expressions = {
        SOURCE_FILE.name: "METADATA$FILENAME",
        FILE_ROW_NUMBER.name: "METADATA$FILE_ROW_NUMBER",
        LOADED_AT.name: timestamp_tz_literal(plan.loaded_at),
        RUN_ID.name: run_id_literal(plan.run_id),
        WINDOW_START.name: timestamp_tz_literal(plan.window_start),
        WINDOW_END.name: timestamp_tz_literal(plan.window_end),
    }
    return [expressions[column.name] for column in METADATA_COLUMNS]


def file_batches(names: Sequence[str], size: int = MAX_FILES_PER_COPY) -> Iterator[tuple[str, ...]]:
    """The FILES names in runs of at most ``size`` (one COPY each, all in one transaction)."""
    for start in range(0, len(names), size):
        yield tuple(names[start : start + size])


def copy_into_sql(
    plan: FullRefreshPlan,
    *,
    stage: str,
    staged: StagedFiles,
    files: Sequence[str],
    file_format: str | None,
    mode: CopyMode,
) -> str:
    """One transformation COPY of ``files`` (relative to ``staged.path``) into the plan's table."""
    if not files or len(files) > MAX_FILES_PER_COPY:
        raise ValueError(f"a COPY names 1 to {MAX_FILES_PER_COPY} files, got {len(files)}")
    positions = [f"${i}" for i in range(1, len(plan.columns) + 1)]
    select = ", ".join([*positions, *metadata_select(plan)])
    names = ", ".join(string_literal(name) for name in files)
    sql = (
        f"COPY INTO {plan.target} ({plan.insert_column_list()})"
        f" FROM (SELECT {select} FROM @{stage}/{staged.path})"
        f" FILES = ({names}) {file_format_clause(file_format)} ON_ERROR = ABORT_STATEMENT"
    )
    return sql + (" FORCE = TRUE" if copy_force(mode) else "")
