"""Writers to one DuckDB file are serialised across threads and processes; readers wait for writers.

A wait is bounded: past it the load fails naming the database file and who holds it, whether the holder is
one of ours (the write lock's owner writes its pid, program and purpose into the lock file) or another program
that opened the DuckDB file itself (DuckDB's own error names its executable and PID).
"""

from __future__ import annotations

import csv
import multiprocessing
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from itertools import pairwise
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


def request_for(table: str, file: LoadFile, *, run_id: str = "", day: int = 1) -> LoadRequest:
    return LoadRequest(
        database=DB,
        schema="BRONZE",
        table=table,
        columns=["CONVERSATION_ID", "BODY"],
        files=[file],
        run_id=run_id or f"run-{table}",
        window_start=datetime(2025, 3, day, tzinfo=UTC),
        window_end=datetime(2025, 3, day + 1, tzinfo=UTC),
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


def _load_rounds(home: Path, file: LoadFile, tag: str, day: int, rounds: int) -> None:
    """One process's runs: ``rounds`` loads of the same file into T_SHARED (the child of a spawn)."""
    warehouse = DuckDBWarehouse(home, lock_timeout=60)
    for number in range(rounds):
        load_bronze(warehouse, request_for("T_SHARED", file, run_id=f"{tag}-{number}", day=day))


def test_a_backfill_and_a_scheduled_run_on_one_table_are_serialised_never_mixed(tmp_path: Path):
    """Two processes replace one table again and again (another window each): whole loads, one after the other."""
    home = tmp_path / "home"
    scheduled = big_file(tmp_path / "scheduled.csv", "scheduled")
    backfill = LoadFile(uri=str(tmp_path / "backfill.csv"), expected_rows=ROWS // 4, source_key="stage/backfill.csv")
    with Path(backfill.uri).open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["Conversation ID", "Body"], *([f"backfill-{i}", "b"] for i in range(ROWS // 4))])
    rounds = 3
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_load_rounds, args=(home, scheduled, "scheduled", 10, rounds)),
        context.Process(target=_load_rounds, args=(home, backfill, "backfill", 1, rounds)),
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    assert [p.exitcode for p in processes] == [0, 0]

    warehouse = DuckDBWarehouse(home)
    connection = warehouse.connect_read_only(DB)
    try:
        table = connection.execute(
            f'SELECT count(*), count(DISTINCT "_XO_RUN_ID"), count(DISTINCT "_XO_WINDOW_START"),'
            f" min(split_part(\"CONVERSATION_ID\", '-', 1)), max(split_part(\"CONVERSATION_ID\", '-', 1))"
            f' FROM "{DB}"."BRONZE"."T_SHARED"'
        ).fetchall()[0]
    finally:
        connection.close()
    # Whichever load committed last, the table holds it whole and nothing of the other.
    assert table in [(ROWS, 1, 1, "scheduled", "scheduled"), (ROWS // 4, 1, 1, "backfill", "backfill")]
    ledger = warehouse.ledger_rows(DB, "T_SHARED")
    assert [r.status for r in ledger] == ["SUCCEEDED"] * (2 * rounds)
    # Serialised: each load started after the one before it had finished.
    for before, after in pairwise(ledger):
        assert before.finished_at is not None and before.finished_at <= after.started_at
    assert ledger[-1].run_id.startswith(table[3])


_HOLD_WRITE_LOCK = """
import sys
from pathlib import Path
from xo_core.warehouse.duckdb import hold_write_lock
with hold_write_lock(Path(sys.argv[1]), purpose="dbt build --select source:cnd_db.T_LOCKED+"):
    print("holding", flush=True)
    sys.stdin.read()
"""

_HOLD_DATABASE_FILE = """
import sys
import duckdb
connection = duckdb.connect(sys.argv[1])  # another program: it knows nothing of our write lock
print("holding", flush=True)
sys.stdin.read()
"""


def _holder(script: str, path: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", script, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    return holder


def _release(holder: subprocess.Popen[str]) -> None:
    assert holder.stdin is not None
    holder.stdin.close()
    assert holder.wait(30) == 0


def test_a_lock_wait_past_its_bound_names_the_database_file_and_the_holder_process(tmp_path: Path):
    warehouse = DuckDBWarehouse(tmp_path / "home", lock_timeout=0.5)
    file = big_file(tmp_path / "t.csv", "t")
    holder = _holder(_HOLD_WRITE_LOCK, warehouse.lock_path(DB))
    try:
        started = time.monotonic()
        with pytest.raises(TransientError) as caught:
            load_bronze(warehouse, request_for("T_LOCKED", file))
        waited = time.monotonic() - started
    finally:
        _release(holder)
    assert 0.5 <= waited < 5
    message = str(caught.value)
    assert str(warehouse.database_path(DB)) in message
    assert f"pid {holder.pid} (python" in message and "dbt build --select source:cnd_db.T_LOCKED+" in message
    assert warehouse.ledger_rows(DB) == []  # nothing was recorded, let alone loaded
    assert load_bronze(warehouse, request_for("T_LOCKED", file)).rows_loaded == ROWS  # the rerun heals


def test_a_database_file_held_by_another_program_fails_within_the_bound_naming_it(tmp_path: Path):
    warehouse = DuckDBWarehouse(tmp_path / "home", lock_timeout=1.0)
    first = big_file(tmp_path / "first.csv", "first")
    load_bronze(warehouse, request_for("T_HELD", first, run_id="first"))
    second = big_file(tmp_path / "second.csv", "second")
    holder = _holder(_HOLD_DATABASE_FILE, warehouse.database_path(DB))
    try:
        started = time.monotonic()
        with pytest.raises(TransientError) as caught:
            load_bronze(warehouse, request_for("T_HELD", second, run_id="second"))
        waited = time.monotonic() - started
    finally:
        _release(holder)
    assert 1.0 <= waited < 5
    message = str(caught.value)
    # DuckDB names the process that holds its file: "Conflicting lock is held in <executable> (PID n)".
    assert str(warehouse.database_path(DB)) in message and f"PID {holder.pid}" in message
    assert [(r.run_id, r.status) for r in warehouse.ledger_rows(DB)] == [("first", "SUCCEEDED")]
    load_bronze(warehouse, request_for("T_HELD", second, run_id="second"))  # the rerun heals
    assert counts(warehouse, ["T_HELD"]) == [ROWS]
    assert [r.run_id for r in warehouse.ledger_rows(DB)] == ["first", "second"]
