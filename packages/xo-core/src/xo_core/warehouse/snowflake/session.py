"""A ``LoadSession`` over one snowflake-connector-python connection (autocommit on, explicit BEGIN/COMMIT).

Every statement goes through one cursor; its ``sfqid`` is kept (``query_ids``) and logged at INFO with the
statement's first line. The rows of all files come in through one COPY naming every file (at most 1,000 per COPY,
several COPYs in the same transaction beyond that), and the rows loaded are the sum of the COPY result's
``rows_loaded`` column: ``cursor.rowcount`` counts files (docs.snowflake.com/en/sql-reference/sql/copy-into-table,
"Output").
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from xo_core.errors import LoadError
from xo_core.warehouse.base import LoadFile
from xo_core.warehouse.plan import FullRefreshPlan
from xo_core.warehouse.snowflake.stage import StagedFiles, staged_files
from xo_core.warehouse.snowflake.statements import CopyMode, copy_into_sql, existing_columns_sql, file_batches

logger = logging.getLogger("xo_core.warehouse.snowflake")

_LOG_SQL_CHARS = 300


class SnowflakeCursorLike(Protocol):
    """The part of ``snowflake.connector.cursor.SnowflakeCursor`` a load uses."""

    @property
    def sfqid(self) -> str | None: ...

    @property
    def description(self) -> Any: ...

    def execute(self, command: str, params: Sequence[Any] | None = None) -> object: ...

    def fetchall(self) -> list[Any]: ...


class SnowflakeConnectionLike(Protocol):
    """The part of ``snowflake.connector.SnowflakeConnection`` a load uses."""

    def cursor(self) -> SnowflakeCursorLike: ...

    def autocommit(self, mode: bool) -> None: ...

    def close(self) -> None: ...


class SnowflakeSession:
    """A ``LoadSession`` (and ``LoadsFilesTogether``) over one open Snowflake connection."""

    def __init__(
        self, connection: SnowflakeConnectionLike, *, stage: str, stage_url: str, file_format: str | None
    ) -> None:
        self._cursor = connection.cursor()
        self._stage = stage
        self._stage_url = stage_url
        self._file_format = file_format
        self._query_ids: list[str] = []
        self._commit_sent = False
        self._abandoned: str | None = None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._run(sql, params)[1]

    def existing_columns(self, database: str, schema: str, table: str) -> list[str]:
        return [row[0] for row in self.execute(existing_columns_sql(database), [schema, table])]

    def check_files(self, plan: FullRefreshPlan) -> None:
        # Only the mapping to stage paths is checked here: a COPY that names a missing file fails
        # (docs.snowflake.com/en/sql-reference/sql/copy-into-table, FILES) and is rolled back with the
        # TRUNCATE, so no LIST round trip is needed.
        self._staged(plan, plan.files)

    def load_file(self, plan: FullRefreshPlan, file: LoadFile) -> int:
        return self._copy(plan, self._staged(plan, (file,)))

    def load_files(self, plan: FullRefreshPlan) -> int:
        return self._copy(plan, self._staged(plan, plan.files))

    def query_ids(self) -> list[str]:
        return list(self._query_ids)

    def _staged(self, plan: FullRefreshPlan, files: Sequence[LoadFile]) -> StagedFiles:
        return staged_files(self._stage_url, [f.uri for f in files], table=plan.display_name)

    def _copy(self, plan: FullRefreshPlan, staged: StagedFiles) -> int:
        total = 0
        for batch in file_batches(staged.names):
            sql = copy_into_sql(
                plan,
                stage=self._stage,
                staged=staged,
                files=batch,
                file_format=self._file_format,
                mode=CopyMode.REPLACE,  # the shared runner truncates in the same transaction
            )
            columns, rows = self._run(sql)
            total += copy_rows_loaded(plan.display_name, columns, rows, expected_files=len(batch))
        return total

    def _run(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[str], list[tuple[Any, ...]]]:
        if self._abandoned is not None:
            raise LoadError(f"not sent, the connection is gone ({self._abandoned}): {_first_line(sql)}")
        statement = sql.strip().upper()
        if statement == "BEGIN":
            self._commit_sent = False
        elif statement == "COMMIT":
            self._commit_sent = True
        try:
            self._cursor.execute(sql, [_bindable(p) for p in params] if params else None)
        except Exception as exc:
            query_id = getattr(exc, "sfqid", None) or self._cursor.sfqid
            self._remember(query_id, sql, failed=True)
            if statement == "ROLLBACK":
                raise self._abandon(exc) from exc
            raise
        self._remember(self._cursor.sfqid, sql, failed=False)
        columns = [str(d[0]).lower() for d in self._cursor.description or ()]
        return columns, [tuple(row) for row in self._cursor.fetchall()]

    def _remember(self, query_id: str | None, sql: str, *, failed: bool) -> None:
        if query_id and query_id not in self._query_ids:
            self._query_ids.append(query_id)
        logger.info("query %s%s: %s", query_id or "(no id)", " failed" if failed else "", _first_line(sql))

    def _abandon(self, exc: Exception) -> LoadError:
        """The ROLLBACK could not be sent: say what Snowflake does with the open transaction."""
        self._abandoned = f"ROLLBACK failed: {type(exc).__name__}: {exc}"
        if self._commit_sent:
            return LoadError(
                f"{self._abandoned}; a COMMIT was sent before the connection failed, so whether the load"
                " committed is unknown: check the table and its ledger row"
            )
        return LoadError(
            f"{self._abandoned}; the transaction was abandoned without a COMMIT, and Snowflake rolls back"
            " an open transaction when its session ends, so the previous rows stay"
        )


def copy_rows_loaded(table: str, columns: list[str], rows: list[tuple[Any, ...]], *, expected_files: int) -> int:
    """Sum ``rows_loaded`` over a COPY's result rows; a file not ``LOADED`` or a missing file is a ``LoadError``."""
    if "rows_loaded" not in columns or "status" not in columns:
        # "Copy executed with 0 files processed." comes back as a single status column.
        summary = rows[0][0] if rows and rows[0] else "no result"
        raise LoadError(f"{table}: COPY loaded no file ({summary}); {expected_files} were named")
    file_at, status_at, loaded_at = columns.index("file"), columns.index("status"), columns.index("rows_loaded")
    error_at = columns.index("first_error") if "first_error" in columns else None
    for row in rows:
        if row[status_at] != "LOADED":
            error = row[error_at] if error_at is not None else None
            raise LoadError(f"{table}: COPY left {row[file_at]!r} {row[status_at]}: {error}")
    if len(rows) != expected_files:
        raise LoadError(f"{table}: COPY reported {len(rows)} files but {expected_files} were named")
    return sum(int(row[loaded_at]) for row in rows)


def _bindable(value: Any) -> Any:
    # The connector binds a datetime as TIMESTAMP_NTZ (then shifted by the session's time zone on the way
    # into a TIMESTAMP_TZ column); an ISO string keeps the offset exactly.
    return value.isoformat() if isinstance(value, datetime) else value


def _first_line(sql: str) -> str:
    line = sql.strip().splitlines()[0] if sql.strip() else ""
    return line if len(line) <= _LOG_SQL_CHARS else line[:_LOG_SQL_CHARS] + "…"
