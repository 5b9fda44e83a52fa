"""Full-refresh loads into real DuckDB files: content, metadata, reloads, schema evolution, failures."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from xo_core.errors import ConfigError, LoadError
from xo_core.loaders.bronze import load_bronze
from xo_core.warehouse.base import LoadFile, LoadRequest
from xo_core.warehouse.duckdb import DuckDBWarehouse
from xo_core.warehouse.metadata import METADATA_COLUMNS
from xo_core.warehouse.plan import FullRefreshPlan

DB = "WBP_DB_DEV"
TABLE = "GLADLY_CONTACT_TIMESTAMPS"
TARGET = f'"{DB}"."BRONZE"."{TABLE}"'
WINDOW = (datetime(2025, 3, 1, 5, 0, tzinfo=UTC), datetime(2025, 3, 2, 5, 0, tzinfo=UTC))
TRICKY_ROWS = [
    ["c-1", "hello, world", "Ann"],
    ["c-2", "two\nlines, and a comma", "Bob"],
    ["c-3", 'she said "hi"', ""],
    ["c-4", "", "Dee"],
]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> LoadFile:
    """Write a staged file as the extractor does (csv module, original header) and describe it."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return LoadFile(uri=str(path), expected_rows=len(rows), source_key=f"stage/gladly/{path.name}")


def make_request(files: list[LoadFile], *, columns: list[str] | None = None, run_id: str = "run-1") -> LoadRequest:
    return LoadRequest(
        database=DB,
        schema="BRONZE",
        table=TABLE,
        columns=columns or ["CONTACT_ID", "NOTE", "AGENT_NAME"],
        files=files,
        run_id=run_id,
        window_start=WINDOW[0],
        window_end=WINDOW[1],
    )


def query(warehouse: DuckDBWarehouse, sql: str) -> list[tuple[Any, ...]]:
    connection = warehouse.connect_read_only(DB)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


@pytest.fixture
def wh_duckdb(tmp_path: Path) -> DuckDBWarehouse:
    return DuckDBWarehouse(tmp_path / "home", lock_timeout=30)


@pytest.fixture
def wh_first_file(tmp_path: Path) -> LoadFile:
    return write_csv(tmp_path / "day1.csv", ["Contact ID", "Note", "Agent Name"], TRICKY_ROWS)


def test_loads_quoted_commas_newlines_and_quotes_as_varchar(wh_duckdb: DuckDBWarehouse, wh_first_file: LoadFile):
    result = load_bronze(wh_duckdb, make_request([wh_first_file]))

    assert result.rows_loaded == 4
    assert result.status == "SUCCEEDED"
    assert result.table == f"{DB}.BRONZE.{TABLE}"
    assert (wh_duckdb.home / "warehouse" / f"{DB}.duckdb").is_file()
    rows = query(wh_duckdb, f'SELECT "CONTACT_ID", "NOTE", "AGENT_NAME" FROM {TARGET} ORDER BY 1')
    # An empty unquoted field is NULL, as Snowflake loads it.
    assert rows == [tuple(v or None for v in r) for r in TRICKY_ROWS]
    types = dict(
        query(
            wh_duckdb,
            f"SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = '{TABLE}'",
        )
    )
    assert [types[c] for c in ("CONTACT_ID", "NOTE", "AGENT_NAME", "_XO_SOURCE_FILE", "_XO_RUN_ID")] == ["VARCHAR"] * 5
    assert types["_XO_FILE_ROW_NUMBER"] == "BIGINT"
    assert types["_XO_LOADED_AT"] == types["_XO_WINDOW_START"] == "TIMESTAMP WITH TIME ZONE"
    schemas = {r[0] for r in query(wh_duckdb, f"SELECT schema_name FROM duckdb_schemas() WHERE database_name='{DB}'")}
    assert {"BRONZE", "SILVER", "GOLD", "XO_META"} <= schemas


def test_metadata_columns_per_file_in_a_two_file_load(wh_duckdb: DuckDBWarehouse, tmp_path: Path):
    first = write_csv(tmp_path / "part1.csv", ["Contact ID", "Note", "Agent Name"], TRICKY_ROWS)
    second = write_csv(tmp_path / "part2.csv", ["Contact ID", "Note", "Agent Name"], [["d-1", "x", "Y"]] * 2)

    result = load_bronze(wh_duckdb, make_request([first, second], run_id="run-42"))

    assert result.rows_loaded == 6
    assert result.files == [first.source_key, second.source_key]
    names = ", ".join(f'"{m.name}"' for m in METADATA_COLUMNS)
    rows = query(wh_duckdb, f'SELECT "CONTACT_ID", {names} FROM {TARGET} ORDER BY 2, 3')
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("c-1", first.source_key, 1),
        ("c-2", first.source_key, 2),
        ("c-3", first.source_key, 3),
        ("c-4", first.source_key, 4),
        ("d-1", second.source_key, 1),
        ("d-1", second.source_key, 2),
    ]
    assert {(r[3], r[4], r[5], r[6]) for r in rows} == {(result.started_at, "run-42", *WINDOW)}


def test_reload_of_the_same_window_gives_the_same_table(wh_duckdb: DuckDBWarehouse, wh_first_file: LoadFile):
    load_bronze(wh_duckdb, make_request([wh_first_file], run_id="run-a"))
    with wh_duckdb.connect_for_write(DB, purpose="test snapshot") as connection:
        snapshot = f'SELECT * EXCLUDE ("_XO_LOADED_AT", "_XO_RUN_ID") FROM {TARGET}'
        connection.execute(f'CREATE TABLE "{DB}"."BRONZE"."SNAP" AS {snapshot}').fetchall()

    load_bronze(wh_duckdb, make_request([wh_first_file], run_id="run-b"))

    now = f'SELECT * EXCLUDE ("_XO_LOADED_AT", "_XO_RUN_ID") FROM {TARGET}'
    snap = f'SELECT * FROM "{DB}"."BRONZE"."SNAP"'
    assert query(wh_duckdb, f"{now} EXCEPT ALL {snap}") == []
    assert query(wh_duckdb, f"{snap} EXCEPT ALL {now}") == []
    assert query(wh_duckdb, f'SELECT DISTINCT "_XO_RUN_ID" FROM {TARGET}') == [("run-b",)]


def test_schema_evolution_adds_columns_and_keeps_vanished_ones(wh_duckdb: DuckDBWarehouse, tmp_path: Path):
    day1 = write_csv(tmp_path / "d1.csv", ["Contact ID", "Note", "Agent Name"], TRICKY_ROWS)
    load_bronze(wh_duckdb, make_request([day1]))
    day2 = write_csv(tmp_path / "d2.csv", ["Contact ID", "Channel"], [["c-9", "email"]])

    load_bronze(wh_duckdb, make_request([day2], columns=["CONTACT_ID", "CHANNEL"]))

    columns = [
        r[0]
        for r in query(
            wh_duckdb,
            f"SELECT column_name FROM duckdb_columns() WHERE table_name = '{TABLE}' ORDER BY column_index",
        )
    ]
    assert columns == ["CONTACT_ID", "NOTE", "AGENT_NAME", *(m.name for m in METADATA_COLUMNS), "CHANNEL"]
    rows = query(wh_duckdb, f'SELECT "CONTACT_ID", "NOTE", "AGENT_NAME", "CHANNEL" FROM {TARGET}')
    assert rows == [("c-9", None, None, "email")]


def _fail_after_truncate(plan: FullRefreshPlan) -> None:
    raise RuntimeError(f"simulated crash after truncating {plan.table}")


def test_crash_between_truncate_and_commit_keeps_the_old_rows(tmp_path: Path, wh_first_file: LoadFile):
    home = tmp_path / "home"
    load_bronze(DuckDBWarehouse(home), make_request([wh_first_file]))
    crashing = DuckDBWarehouse(home, after_truncate=_fail_after_truncate)

    with pytest.raises(LoadError, match=f"{TABLE}.*simulated crash"):
        load_bronze(crashing, make_request([wh_first_file], run_id="run-crash"))

    assert query(crashing, f"SELECT count(*) FROM {TARGET}") == [(4,)]
    assert [r.status for r in crashing.ledger_rows(DB, TABLE)] == ["SUCCEEDED", "FAILED"]


def test_ragged_second_file_rolls_back_the_whole_load(wh_duckdb: DuckDBWarehouse, wh_first_file: LoadFile, tmp_path):
    load_bronze(wh_duckdb, make_request([wh_first_file]))
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("Contact ID,Note,Agent Name\nr-1,ok,Al\nr-2,too,many,fields\n", encoding="utf-8")
    bad = LoadFile(uri=str(ragged), expected_rows=2, source_key="stage/gladly/ragged.csv")
    good = write_csv(tmp_path / "new.csv", ["Contact ID", "Note", "Agent Name"], [["n-1", "x", "y"]])

    with pytest.raises(LoadError, match="Expected Number of Columns"):
        load_bronze(wh_duckdb, make_request([good, bad], run_id="run-ragged"))

    assert query(wh_duckdb, f'SELECT DISTINCT "_XO_RUN_ID", count(*) FROM {TARGET} GROUP BY 1') == [("run-1", 4)]


def test_row_count_mismatch_fails_keeps_rows_and_is_in_the_ledger(wh_duckdb: DuckDBWarehouse, wh_first_file: LoadFile):
    load_bronze(wh_duckdb, make_request([wh_first_file]))
    lying = LoadFile(uri=wh_first_file.uri, expected_rows=5, source_key=wh_first_file.source_key)

    with pytest.raises(LoadError, match="loaded 4 rows but the extract wrote 5"):
        load_bronze(wh_duckdb, make_request([lying], run_id="run-mismatch"))

    assert query(wh_duckdb, f'SELECT DISTINCT "_XO_RUN_ID", count(*) FROM {TARGET} GROUP BY 1') == [("run-1", 4)]
    failed = wh_duckdb.ledger_rows(DB, f"BRONZE.{TABLE}")[-1]
    assert (failed.run_id, failed.status, failed.rows_loaded, failed.expected_rows) == (
        "run-mismatch",
        "FAILED",
        None,
        5,
    )
    assert failed.error is not None and "loaded 4 rows but the extract wrote 5" in failed.error
    assert failed.finished_at is not None and failed.finished_at >= failed.started_at


def test_missing_file_fails_before_truncating(wh_duckdb: DuckDBWarehouse, wh_first_file: LoadFile, tmp_path):
    load_bronze(wh_duckdb, make_request([wh_first_file]))
    missing = LoadFile(uri=str(tmp_path / "nope.csv"), expected_rows=0, source_key="stage/gladly/nope.csv")

    with pytest.raises(LoadError, match=r"nope\.csv.*does not exist"):
        load_bronze(wh_duckdb, make_request([wh_first_file, missing], run_id="run-missing"))

    assert query(wh_duckdb, f"SELECT count(*) FROM {TARGET}") == [(4,)]
    assert wh_duckdb.ledger_rows(DB)[-1].status == "FAILED"


@pytest.mark.parametrize(
    ("first_bytes", "message"),
    [
        (b"", "is empty"),
        (b"\nContact ID,Note,Agent Name\nc,n,a\n", "blank line"),
        (b"Contact ID,Note\n", "2 header"),
    ],
)
def test_files_without_a_clean_header_line_are_refused(
    wh_duckdb: DuckDBWarehouse, tmp_path: Path, first_bytes: bytes, message: str
):
    path = tmp_path / "odd.csv"
    path.write_bytes(first_bytes)
    with pytest.raises(LoadError, match=message):
        load_bronze(wh_duckdb, make_request([LoadFile(str(path), 1, "stage/odd.csv")]))


def test_header_only_file_loads_an_empty_table_and_bom_is_skipped(wh_duckdb: DuckDBWarehouse, tmp_path: Path):
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbfContact ID,Note,Agent Name\nb-1,n,a\n")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"Contact ID,Note,Agent Name\n")

    result = load_bronze(
        wh_duckdb,
        make_request([LoadFile(str(bom), 1, "stage/bom.csv"), LoadFile(str(empty), 0, "stage/e.csv")]),
    )

    assert result.rows_loaded == 1
    assert query(wh_duckdb, f'SELECT "CONTACT_ID", "NOTE" FROM {TARGET}') == [("b-1", "n")]


@pytest.mark.parametrize(
    "bad",
    [
        {"table": 'X"; DROP TABLE Y; --'},
        {"schema": "bronze"},
        {"database": "WBP DB"},
        {"columns": ["OK", 'A" VARCHAR); DROP TABLE Y; --']},
        {"columns": ["A", "A"]},
        {"columns": ["_XO_RUN_ID"]},
        {"load_strategy": "full_refesh"},
        {"window_start": datetime(2025, 3, 1)},
        {"files": []},
    ],
)
def test_bad_requests_are_refused_before_any_sql(tmp_path: Path, bad: dict[str, Any]):
    fields: dict[str, Any] = {
        "database": DB,
        "schema": "BRONZE",
        "table": TABLE,
        "columns": ["A"],
        "files": [LoadFile(str(tmp_path / "a.csv"), 1, "k")],
        "run_id": "r",
        "window_start": WINDOW[0],
        "window_end": WINDOW[1],
    }
    with pytest.raises(ConfigError):
        LoadRequest(**(fields | bad))
    assert not (tmp_path / "home").exists()


def test_unknown_strategy_suggests_the_closest(tmp_path: Path):
    with pytest.raises(ConfigError, match="did you mean 'full_refresh'"):
        LoadRequest(DB, "BRONZE", TABLE, ["A"], [LoadFile("a.csv", 1, "k")], "r", *WINDOW, "full_refesh")


# Empty versus missing (apps/material-mkdocs/docs/operations/reliability.md): the bytes of a staged file and what
# BRONZE holds, the same on Snowflake (tests/test_warehouse_snowflake_fakesnow.py and the COPY options asserted
# in test_warehouse_snowflake_load.py). An empty unquoted field is NULL; an empty quoted field "" is ''.
EMPTY_VERSUS_MISSING = 'Contact ID,Note,Agent Name\nc-1,,Ann\nc-2,"",Ann\nc-3,x,\nc-4,x,""\nc-5," ",\\N\n'
EMPTY_VERSUS_MISSING_ROWS = [
    ("c-1", None, "Ann"),
    ("c-2", "", "Ann"),
    ("c-3", "x", None),
    ("c-4", "x", ""),
    ("c-5", " ", "\\N"),
]


def test_an_empty_field_is_null_and_an_empty_quoted_field_is_an_empty_string(
    wh_duckdb: DuckDBWarehouse, tmp_path: Path
) -> None:
    staged = tmp_path / "empty.csv"
    staged.write_text(EMPTY_VERSUS_MISSING, encoding="utf-8")
    load_bronze(wh_duckdb, make_request([LoadFile(str(staged), 5, "stage/gladly/empty.csv")]))
    rows = query(wh_duckdb, f'SELECT "CONTACT_ID", "NOTE", "AGENT_NAME" FROM {TARGET} ORDER BY 1')
    assert rows == EMPTY_VERSUS_MISSING_ROWS
