"""The load ledger: one row per attempt of every step (extract, stage, load, transform) in
``"<DB>"."XO_META"."LOAD_LEDGER"``.

Every row names the BRONZE table its step feeds (``TABLE_NAME``), the run's DAG, logical date and the window's
bounds, and whether the load was a replay of objects already in the ingest bucket (``xo-foundry replay``). Rows
written before those columns existed read as load rows with the new fields empty.

A STARTED row is committed on its own before the load's transaction begins; the same transaction
that commits the rows turns it SUCCEEDED, so a SUCCEEDED row and the loaded rows commit together.
A failed load is marked FAILED (with the error) after its ROLLBACK, so it stays visible. An extract or stage
attempt gets a STARTED row before it runs and its final status after (``record_attempt``, ``record_finished``);
so does the pipeline's dbt transform, one row per BRONZE table it builds from.

A load whose process is killed (an Airflow timeout, OOM, a worker restart) never gets to mark its row: the
row stays STARTED. Reading the ledger reports a STARTED row older than ``STARTED_TIMEOUT`` as ABANDONED (a
status only ever read, never stored): no load runs that long, so nothing will finish it. A rerun adds its own row.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from xo_core.identifiers import qualified_name
from xo_core.warehouse.base import DescribesTables, ExecutesSql, LedgerRow
from xo_core.warehouse.plan import FullRefreshPlan

LEDGER_SCHEMA = "XO_META"
LEDGER_TABLE = "LOAD_LEDGER"
STARTED, SUCCEEDED, FAILED = "STARTED", "SUCCEEDED", "FAILED"
EXTRACT, STAGE, LOAD, TRANSFORM = "extract", "stage", "load", "transform"
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
# Added by apps/snowflake-schema/migrations/V1.4.0__ledger_steps_and_windows.sql and later ones; ensure_ledger
# adds them to a table created before them, and read_ledger reads them as empty where they are still missing.
ADDED_COLUMNS = (
    ("STEP", "VARCHAR"),
    ("DAG_ID", "VARCHAR"),
    ("LOGICAL_DATE", "TIMESTAMP WITH TIME ZONE"),
    ("WINDOW_START", "TIMESTAMP WITH TIME ZONE"),
    ("WINDOW_END", "TIMESTAMP WITH TIME ZONE"),
    ("REPLAY", "BOOLEAN"),
    # V1.5.0__ledger_header_contracts.sql: a stage row's standardized header (JSON list) and the drift of that
    # header from the source's contract (JSON, ``xo_core.staging.contract.ColumnDrift``), when there was one.
    ("COLUMNS", "VARCHAR"),
    ("DRIFT", "VARCHAR"),
)
_ALL_COLUMNS = (*_COLUMNS, *ADDED_COLUMNS)
_COLUMN_LIST = ", ".join(name for name, _ in _ALL_COLUMNS)
_PLACEHOLDERS = ", ".join("?" for _ in _ALL_COLUMNS)


@dataclass(frozen=True)
class Attempt:
    """The STARTED row of one step's attempt: which table it feeds, for which run, logical date and window."""

    load_id: str
    run_id: str
    table_name: str  # SCHEMA.NAME of the BRONZE table the step feeds
    step: str
    started_at: datetime
    dag_id: str | None = None
    logical_date: datetime | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    replay: bool = False
    files: tuple[str, ...] = ()
    expected_rows: int | None = None


@dataclass(frozen=True)
class Header:
    """What a stage attempt read: the standardized header, and its drift from the contract as JSON (or None)."""

    columns: tuple[str, ...]
    drift: str | None = None


def ledger_table(database: str) -> str:
    """The quoted name of a database's ledger table."""
    return qualified_name(database, LEDGER_SCHEMA, LEDGER_TABLE)


def ensure_ledger(db: DescribesTables, database: str) -> None:
    """Create the ledger's schema and table if they are missing, and add the columns an older table lacks
    (DDL: never inside a load's transaction)."""
    db.execute(f"CREATE SCHEMA IF NOT EXISTS {qualified_name(database, LEDGER_SCHEMA)}")
    definitions = ", ".join(f"{name} {sql_type}" for name, sql_type in _ALL_COLUMNS)
    db.execute(f"CREATE TABLE IF NOT EXISTS {ledger_table(database)} ({definitions})")
    have = set(db.existing_columns(database, LEDGER_SCHEMA, LEDGER_TABLE))
    for name, sql_type in ADDED_COLUMNS:
        if have and name not in have:
            db.execute(f"ALTER TABLE {ledger_table(database)} ADD COLUMN {name} {sql_type}")


def load_attempt(plan: FullRefreshPlan) -> Attempt:
    """The STARTED row of a load."""
    return Attempt(
        load_id=plan.load_id,
        run_id=plan.run_id,
        table_name=f"{plan.schema}.{plan.table}",
        step=LOAD,
        started_at=plan.loaded_at,
        dag_id=plan.dag_id,
        logical_date=plan.logical_date,
        window_start=plan.window_start,
        window_end=plan.window_end,
        replay=plan.replay,
        files=tuple(f.source_key for f in plan.files),
        expected_rows=plan.expected_rows,
    )


def record_attempt(db: ExecutesSql, database: str, attempt: Attempt) -> None:
    """Insert the STARTED row of an attempt (in autocommit; for a load, before BEGIN)."""
    db.execute(
        f"INSERT INTO {ledger_table(database)} ({_COLUMN_LIST}) VALUES ({_PLACEHOLDERS})",
        [
            attempt.load_id,
            attempt.run_id,
            attempt.table_name,
            json.dumps(list(attempt.files)),
            None,
            attempt.expected_rows,
            STARTED,
            None,
            attempt.started_at,
            None,
            "[]",
            attempt.step,
            attempt.dag_id,
            attempt.logical_date,
            attempt.window_start,
            attempt.window_end,
            attempt.replay,
            None,
            None,
        ],
    )


def record_started(db: ExecutesSql, plan: FullRefreshPlan) -> None:
    """Insert the STARTED row of a load (in autocommit, before BEGIN)."""
    record_attempt(db, plan.database, load_attempt(plan))


def record_finished(
    db: ExecutesSql,
    database: str,
    load_id: str,
    *,
    status: str,
    rows_loaded: int | None,
    finished_at: datetime,
    query_ids: Sequence[str] = (),
    error: str | None = None,
    header: Header | None = None,
) -> None:
    """Set the final status of an attempt's ledger row; a stage attempt also records the ``header`` it read."""
    sets = "STATUS = ?, ROWS_LOADED = ?, ERROR = ?, FINISHED_AT = ?, QUERY_IDS = ?"
    params: list[Any] = [status, rows_loaded, error[:MAX_ERROR_CHARS] if error else None, finished_at]
    params.append(json.dumps(list(query_ids)))
    if header is not None:
        sets += ", COLUMNS = ?, DRIFT = ?"
        params += [json.dumps(list(header.columns)), header.drift]
    db.execute(f"UPDATE {ledger_table(database)} SET {sets} WHERE LOAD_ID = ?", [*params, load_id])


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
    existing: Collection[str] | None = None,
) -> list[LedgerRow]:
    """Ledger rows oldest first; ``table`` is ``SCHEMA.NAME`` or a bare ``NAME`` (any schema).

    A STARTED row older than ``started_timeout`` at ``now`` (default: the clock) comes back ABANDONED.
    ``existing`` names the table's columns when known: an added column it lacks reads as NULL.
    """
    select = [name if existing is None or name in existing else f"NULL AS {name}" for name, _ in _ALL_COLUMNS]
    sql = f"SELECT {', '.join(select)} FROM {ledger_table(database)}"
    params: list[Any] = []
    if table is not None:
        sql += " WHERE TABLE_NAME = ? OR SPLIT_PART(TABLE_NAME, '.', 2) = ?"
        params = [table, table]
    rows = db.execute(sql + " ORDER BY STARTED_AT, LOAD_ID", params)
    now = now or datetime.now(UTC)
    found = [_ledger_row(row) for row in rows]
    return [replace(r, status=reported_status(r.status, r.started_at, now=now, timeout=started_timeout)) for r in found]


def _ledger_row(row: tuple[Any, ...]) -> LedgerRow:
    (load_id, run_id, table_name, files, rows_loaded, expected, status, error, started, finished, qids) = row[:11]
    step, dag_id, logical_date, window_start, window_end, replay, columns, drift = row[11:]
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
        step=step or LOAD,  # rows from before the STEP column were all loads
        dag_id=dag_id,
        logical_date=logical_date,
        window_start=window_start,
        window_end=window_end,
        replay=bool(replay),
        columns=json.loads(columns) if columns else None,
        drift=drift,
    )
