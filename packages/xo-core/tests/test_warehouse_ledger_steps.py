"""The ledger's step rows, logical date, window and replay columns on real DuckDB, and the upgrade of a ledger
table created before those columns existed (its rows read as loads, the columns are added by the next write)."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from xo_core.warehouse import ledger
from xo_core.warehouse.base import LoadFile, LoadRequest
from xo_core.warehouse.duckdb import DuckDBWarehouse

DB = "WBP_DB_DEV"
TABLE = "GLADLY_CONTACTS"
LOGICAL = datetime(2025, 3, 2, 5, tzinfo=UTC)
WINDOW = (datetime(2025, 3, 1, 5, tzinfo=UTC), datetime(2025, 3, 2, 5, tzinfo=UTC))
# The ledger as V1.1.0 (apps/snowflake-schema/migrations) and the code before it created it.
OLD_LEDGER = (
    f'CREATE TABLE "{DB}"."XO_META"."LOAD_LEDGER" (LOAD_ID VARCHAR, RUN_ID VARCHAR, TABLE_NAME VARCHAR,'
    " FILES VARCHAR, ROWS_LOADED BIGINT, EXPECTED_ROWS BIGINT, STATUS VARCHAR, ERROR VARCHAR,"
    " STARTED_AT TIMESTAMP WITH TIME ZONE, FINISHED_AT TIMESTAMP WITH TIME ZONE, QUERY_IDS VARCHAR)"
)


def _file(tmp_path: Path) -> LoadFile:
    path = tmp_path / "contacts.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["CONTACT_ID"], ["c-1"], ["c-2"]])
    return LoadFile(uri=str(path), expected_rows=2, source_key="wbp/contacts/2025-03-01/contacts.csv")


def _request(tmp_path: Path, *, replay: bool = False) -> LoadRequest:
    return LoadRequest(
        database=DB,
        schema="BRONZE",
        table=TABLE,
        columns=["CONTACT_ID"],
        files=[_file(tmp_path)],
        run_id="run-1",
        window_start=WINDOW[0],
        window_end=WINDOW[1],
        dag_id="warbyparker_gladly_daily",
        logical_date=LOGICAL,
        replay=replay,
    )


def _attempt(step: str) -> ledger.Attempt:
    return ledger.Attempt(
        load_id=f"{step}-1",
        run_id="run-1",
        table_name=f"BRONZE.{TABLE}",
        step=step,
        started_at=datetime.now(UTC),
        dag_id="warbyparker_gladly_daily",
        logical_date=LOGICAL,
        window_start=WINDOW[0],
        window_end=WINDOW[1],
    )


def test_a_load_row_carries_its_dag_logical_date_window_and_replay_mark(tmp_path: Path) -> None:
    warehouse = DuckDBWarehouse(tmp_path)
    warehouse.load_full_refresh(_request(tmp_path))
    warehouse.load_full_refresh(_request(tmp_path, replay=True))
    rows = warehouse.ledger_rows(DB, TABLE)
    assert [(r.step, r.status, r.replay) for r in rows] == [("load", "SUCCEEDED", False), ("load", "SUCCEEDED", True)]
    assert {(r.dag_id, r.logical_date, r.window_start, r.window_end) for r in rows} == {
        ("warbyparker_gladly_daily", LOGICAL, *WINDOW)
    }
    assert rows[0].seconds is not None and rows[0].seconds >= 0


def test_extract_and_stage_attempts_are_recorded_failed_ones_with_their_error(tmp_path: Path) -> None:
    warehouse = DuckDBWarehouse(tmp_path)
    warehouse.record_attempt(DB, _attempt("extract"))
    assert [(r.step, r.status, r.finished_at) for r in warehouse.ledger_rows(DB)] == [("extract", "STARTED", None)]
    warehouse.finish_attempt(DB, "extract-1", status=ledger.FAILED, rows=None, error="TransientError: 503")
    warehouse.record_attempt(DB, _attempt("stage"))
    warehouse.finish_attempt(DB, "stage-1", status=ledger.SUCCEEDED, rows=7)
    rows = warehouse.ledger_rows(DB, f"BRONZE.{TABLE}")
    assert [(r.step, r.status, r.rows_loaded, r.error) for r in rows] == [
        ("extract", "FAILED", None, "TransientError: 503"),
        ("stage", "SUCCEEDED", 7, None),
    ]
    assert all(r.window_start == WINDOW[0] and r.logical_date == LOGICAL for r in rows)


def test_a_started_extract_whose_process_died_reads_abandoned(tmp_path: Path) -> None:
    warehouse = DuckDBWarehouse(tmp_path)
    attempt = _attempt("extract")
    warehouse.record_attempt(DB, replace(attempt, started_at=datetime.now(UTC) - timedelta(hours=3)))
    assert [r.status for r in warehouse.ledger_rows(DB)] == [ledger.ABANDONED]


def test_an_old_ledger_reads_as_loads_and_gets_the_new_columns_on_the_next_write(tmp_path: Path) -> None:
    warehouse = DuckDBWarehouse(tmp_path)
    warehouse.ensure_database(DB)
    with warehouse.connect_for_write(DB, purpose="old ledger") as connection:
        connection.execute(OLD_LEDGER)
        connection.execute(
            f'INSERT INTO "{DB}"."XO_META"."LOAD_LEDGER" VALUES'
            " ('old-1', 'run-0', 'BRONZE.GLADLY_CONTACTS', '[]', 5, 5, 'SUCCEEDED', NULL, ?, ?, '[]')",
            [WINDOW[0], WINDOW[0]],
        )
    (old,) = warehouse.ledger_rows(DB)
    assert (old.load_id, old.step, old.logical_date, old.window_end, old.replay) == ("old-1", "load", None, None, False)

    warehouse.load_full_refresh(_request(tmp_path))
    connection = duckdb.connect(str(warehouse.database_path(DB)), read_only=True)
    try:
        columns = [r[0] for r in connection.execute('DESCRIBE "XO_META"."LOAD_LEDGER"').fetchall()]
    finally:
        connection.close()
    assert columns[-len(ledger.ADDED_COLUMNS) :] == [name for name, _ in ledger.ADDED_COLUMNS]
    assert [(r.load_id == "old-1", r.step, r.window_end) for r in warehouse.ledger_rows(DB)] == [
        (True, "load", None),
        (False, "load", WINDOW[1]),
    ]
