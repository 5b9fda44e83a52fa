"""Writers to one DuckDB file are serialised across threads and processes; readers wait for writers."""

from __future__ import annotations

import csv
import multiprocessing
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from xo_core.errors import TransientError
from xo_core.loaders.bronze import load_bronze
from xo_core.warehouse.base import LoadFile, LoadRequest, LoadResult
from xo_core.warehouse.duckdb import DuckDBWarehouse, hold_write_lock

DB = "CND_DB_DEV"
ROWS = 20_000  # enough that two loads overlap in time


def big_file(path: Path, tag: str) -> LoadFile:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Conversation ID", "Body"])
        writer.writerows([f"{tag}-{i}", f"line one, {i}\nline two"] for i in range(ROWS))
    return LoadFile(uri=str(path), expected_rows=ROWS, source_key=f"stage/{path.name}")


def request_for(table: str, file: LoadFile) -> LoadRequest:
    return LoadRequest(
        database=DB,
        schema="BRONZE",
        table=table,
        columns=["CONVERSATION_ID", "BODY"],
        files=[file],
        run_id=f"run-{table}",
        window_start=datetime(2025, 3, 1, tzinfo=UTC),
        window_end=datetime(2025, 3, 2, tzinfo=UTC),
    )


def counts(warehouse: DuckDBWarehouse, tables: list[str]) -> list[int]:
    connection = warehouse.connect_read_only(DB)
    try:
        return [connection.execute(f'SELECT count(*) FROM "{DB}"."BRONZE"."{t}"').fetchall()[0][0] for t in tables]
    finally:
        connection.close()


def test_two_threads_load_into_one_database_file(tmp_path: Path):
    warehouse = DuckDBWarehouse(tmp_path / "home", lock_timeout=60)
    requests = [request_for(t, big_file(tmp_path / f"{t}.csv", t)) for t in ("T_ONE", "T_TWO")]
    results: list[LoadResult] = []
    errors: list[BaseException] = []

    def run(request: LoadRequest) -> None:
        try:
            results.append(load_bronze(warehouse, request))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(r,)) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert sorted(r.rows_loaded for r in results) == [ROWS, ROWS]
    assert counts(warehouse, ["T_ONE", "T_TWO"]) == [ROWS, ROWS]
    assert [r.status for r in warehouse.ledger_rows(DB)] == ["SUCCEEDED", "SUCCEEDED"]


def test_two_processes_load_into_one_database_file(tmp_path: Path):
    warehouse = DuckDBWarehouse(tmp_path / "home", lock_timeout=60)
    requests = [request_for(t, big_file(tmp_path / f"{t}.csv", t)) for t in ("P_ONE", "P_TWO")]
    # spawn, not fork: a forked child would inherit DuckDB's threads mid-flight.
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=load_bronze, args=(warehouse, r)) for r in requests]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)

    assert [p.exitcode for p in processes] == [0, 0]
    assert counts(warehouse, ["P_ONE", "P_TWO"]) == [ROWS, ROWS]
    assert sorted(r.table_name for r in warehouse.ledger_rows(DB)) == ["BRONZE.P_ONE", "BRONZE.P_TWO"]


def test_lock_timeout_says_who_waits_on_what(tmp_path: Path):
    warehouse = DuckDBWarehouse(tmp_path / "home", lock_timeout=0.2)
    file = big_file(tmp_path / "t.csv", "t")
    with hold_write_lock(warehouse.lock_path(DB), purpose="a long dbt run"):
        started = time.monotonic()
        with pytest.raises(TransientError) as caught:
            load_bronze(warehouse, request_for("T_LOCKED", file))
    assert time.monotonic() - started < 5
    message = str(caught.value)
    assert f"{DB}.lock" in message and "a long dbt run" in message and "T_LOCKED" in message
    assert "pid" in message


def test_read_only_connection_works_without_a_writer_and_waits_for_one(tmp_path: Path):
    warehouse = DuckDBWarehouse(tmp_path / "home", read_only_timeout=10)
    warehouse.ensure_database(DB)
    reader = warehouse.connect_read_only(DB)
    try:
        schemas = reader.execute(f"SELECT schema_name FROM duckdb_schemas() WHERE database_name = '{DB}'").fetchall()
    finally:
        reader.close()
    assert {"BRONZE", "SILVER", "GOLD", "XO_META"} <= {s[0] for s in schemas}

    writer_open = threading.Event()

    def hold_writer() -> None:
        with warehouse.connect_for_write(DB, purpose="test writer") as connection:
            connection.execute(f'CREATE TABLE "{DB}"."GOLD"."LATE" AS SELECT 1 AS X').fetchall()
            writer_open.set()
            time.sleep(0.3)

    thread = threading.Thread(target=hold_writer)
    thread.start()
    assert writer_open.wait(10)
    reader = warehouse.connect_read_only(DB)  # retries until the writer has closed
    try:
        assert reader.execute(f'SELECT X FROM "{DB}"."GOLD"."LATE"').fetchall() == [(1,)]
    finally:
        reader.close()
        thread.join(10)


def test_read_only_refuses_a_database_never_created(tmp_path: Path):
    from xo_core.errors import ConfigError

    with pytest.raises(ConfigError, match="no file"):
        DuckDBWarehouse(tmp_path).connect_read_only("NOPE_DB")
    assert DuckDBWarehouse(tmp_path).ledger_rows("NOPE_DB") == []
