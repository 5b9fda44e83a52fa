"""The load ledger: one row per load attempt in ``"<DB>"."XO_META"."LOAD_LEDGER"``.

A STARTED row is committed on its own before the load's transaction begins; the same transaction
that commits the rows turns it SUCCEEDED, so a SUCCEEDED row and the loaded rows commit together.
A failed load is marked FAILED (with the error) after its ROLLBACK, so it stays visible.

A load whose process is killed (an Airflow timeout, OOM, a worker restart) never gets to mark its row: the
row stays STARTED. Reading the ledger reports a STARTED row older than ``STARTED_TIMEOUT`` as ABANDONED (a
status only ever read, never stored): no load runs that long, so nothing will finish it. A rerun adds its own row.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from xo_core.identifiers import qualified_name
from xo_core.warehouse.base import ExecutesSql, LedgerRow
from xo_core.warehouse.plan import FullRefreshPlan

LEDGER_SCHEMA = "XO_META"
LEDGER_TABLE = "LOAD_LEDGER"
STARTED, SUCCEEDED, FAILED = "STARTED", "SUCCEEDED", "FAILED"
ABANDONED = "ABANDONED"  # reported for an old STARTED row, never stored
# A load waits at most 10 min for the write lock (DEFAULT_LOCK_TIMEOUT_SECONDS) and then loads one day's files;
# two hours leaves a slow load room before its row counts as abandoned.
STARTED_TIMEOUT = timedelta(hours=2)
# Errors are stored for people to read; a DuckDB CSV error can quote a whole data line, so cap it.
MAX_ERROR_CHARS = 4000

_COLUMNS = (
    ("LOAD_ID", "VARCHAR"),
    ("RUN_ID", "VARCHAR"),
    ("TABLE_NAME", "VARCHAR"),
    ("FILES", "VARCHAR"),
    ("ROWS_LOADED", "BIGINT"),
    ("EXPECTED_ROWS", "BIGINT"),
    ("STATUS", "VARCHAR"),
    ("ERROR", "VARCHAR"),
    ("STARTED_AT", "TIMESTAMP WITH TIME ZONE"),
    ("FINISHED_AT", "TIMESTAMP WITH TIME ZONE"),
    ("QUERY_IDS", "VARCHAR"),
)
_COLUMN_LIST = ", ".join(name for name, _ in _COLUMNS)
_PLACEHOLDERS = ", ".join("?" for _ in _COLUMNS)


def ledger_table(database: str) -> str:
    """The quoted name of a database's ledger table."""
    return qualified_name(database, LEDGER_SCHEMA, LEDGER_TABLE)


def ensure_ledger(db: ExecutesSql, database: str) -> None:
    """Create the ledger's schema and table if they are missing (DDL: never inside a load's transaction)."""
    db.execute(f"CREATE SCHEMA IF NOT EXISTS {qualified_name(database, LEDGER_SCHEMA)}")
    definitions = ", ".join(f"{name} {sql_type}" for name, sql_type in _COLUMNS)
    db.execute(f"CREATE TABLE IF NOT EXISTS {ledger_table(database)} ({definitions})")


def record_started(db: ExecutesSql, plan: FullRefreshPlan) -> None:
    """Insert the STARTED row of a load (in autocommit, before BEGIN)."""
    files = json.dumps([f.source_key for f in plan.files])
    db.execute(
        f"INSERT INTO {ledger_table(plan.database)} ({_COLUMN_LIST}) VALUES ({_PLACEHOLDERS})",
        [
            plan.load_id,
            plan.run_id,
            f"{plan.schema}.{plan.table}",
            files,
            None,
            plan.expected_rows,
            STARTED,
            None,
            plan.loaded_at,
            None,
            "[]",
        ],
    )


def record_finished(
    db: ExecutesSql,
    plan: FullRefreshPlan,
    *,
    status: str,
    rows_loaded: int | None,
    finished_at: datetime,
    query_ids: Sequence[str],
    error: str | None = None,
) -> None:
    """Set the final status of a load's ledger row."""
    db.execute(
        f"UPDATE {ledger_table(plan.database)} SET STATUS = ?, ROWS_LOADED = ?, ERROR = ?, FINISHED_AT = ?,"
        " QUERY_IDS = ? WHERE LOAD_ID = ?",
        [
            status,
            rows_loaded,
            error[:MAX_ERROR_CHARS] if error else None,
            finished_at,
            json.dumps(list(query_ids)),
            plan.load_id,
        ],
    )


def reported_status(
    status: str, started_at: datetime, *, now: datetime | None = None, timeout: timedelta = STARTED_TIMEOUT
) -> str:
    """The stored status, except ABANDONED for a STARTED row older than ``timeout`` at ``now``."""
    if status == STARTED and (now or datetime.now(UTC)) - started_at > timeout:
        return ABANDONED
    return status


def read_ledger(
    db: ExecutesSql,
    database: str,
    table: str | None = None,
    *,
    now: datetime | None = None,
    started_timeout: timedelta = STARTED_TIMEOUT,
) -> list[LedgerRow]:
    """Ledger rows oldest first; ``table`` is ``SCHEMA.NAME`` or a bare ``NAME`` (any schema).

    A STARTED row older than ``started_timeout`` at ``now`` (default: the clock) comes back ABANDONED.
    """
    sql = f"SELECT {_COLUMN_LIST} FROM {ledger_table(database)}"
    params: list[Any] = []
    if table is not None:
        sql += " WHERE TABLE_NAME = ? OR SPLIT_PART(TABLE_NAME, '.', 2) = ?"
        params = [table, table]
    rows = db.execute(sql + " ORDER BY STARTED_AT, LOAD_ID", params)
    now = now or datetime.now(UTC)
    found = [_ledger_row(row) for row in rows]
    return [replace(r, status=reported_status(r.status, r.started_at, now=now, timeout=started_timeout)) for r in found]


def _ledger_row(row: tuple[Any, ...]) -> LedgerRow:
    (load_id, run_id, table_name, files, rows_loaded, expected, status, error, started, finished, qids) = row
    return LedgerRow(
        load_id=load_id,
        run_id=run_id,
        table_name=table_name,
        files=json.loads(files),
        rows_loaded=rows_loaded,
        expected_rows=expected,
        status=status,
        error=error,
        started_at=started,
        finished_at=finished,
        query_ids=json.loads(qids) if qids else [],
    )
