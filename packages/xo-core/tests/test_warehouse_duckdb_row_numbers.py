"""``_XO_FILE_ROW_NUMBER`` is the data row's position in its file, on files big enough for DuckDB's parallel scan.

The number comes from the rows' insertion order (``xo_core/warehouse/duckdb/file_rows.py``), which rests on
DuckDB's order-preservation guarantees. These tests compare it against a row number carried in the data
itself, over a file of several row groups, several CSV buffers and both threads, with quoted newlines (so a
physical line number would be wrong): if the parallel scan or the insert re-ordered rows, they fail.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from xo_core.loaders.bronze import load_bronze
from xo_core.warehouse.base import LoadFile, LoadRequest
from xo_core.warehouse.duckdb import DuckDBWarehouse
from xo_core.warehouse.duckdb.backend import DuckDBSession
from xo_core.warehouse.duckdb.file_rows import number_new_rows
from xo_core.warehouse.plan import plan_full_refresh

DB = "WBP_DB_DEV"
TARGET = f'"{DB}"."BRONZE"."ROW_ORDER"'
COLUMNS = ["ROW_ID", "NOTE", "PAD"]
ROW_GROUP_ROWS = 122_880  # DuckDB's default row group size
CSV_BUFFER_BYTES = 32 * 1024 * 1024  # DuckDB's default CSV buffer (16 x the 2 MB max_line_size)


def _request(files: list[LoadFile]) -> LoadRequest:
    return LoadRequest(
        database=DB,
        schema="BRONZE",
        table="ROW_ORDER",
        columns=COLUMNS,
        files=files,
        run_id="run-order",
        window_start=datetime(2025, 3, 1, 5, tzinfo=UTC),
        window_end=datetime(2025, 3, 2, 5, tzinfo=UTC),
    )


def _write_big_csv(path: Path, rows: int) -> LoadFile:
    """``ROW_ID`` is the data row's 1-based position; every 7th NOTE holds a quoted newline, comma and quotes."""
    select = f"""
        SELECT i::VARCHAR AS "Row Id",
            CASE WHEN i % 7 = 3 THEN 'line one' || chr(10) || 'line "two", ' || i::VARCHAR
                 ELSE 'note ' || i::VARCHAR END AS "Note",
            repeat(chr(97 + (i % 26)::INTEGER), 100 + (i % 61)::INTEGER) AS "Pad"
        FROM range(1, {rows + 1}) AS r(i) ORDER BY i
    """
    with duckdb.connect() as connection:
        connection.execute(f"COPY ({select}) TO '{path}' (HEADER, DELIMITER ',', QUOTE '\"')")
    return LoadFile(uri=str(path), expected_rows=rows, source_key=f"stage/{path.name}")


@pytest.mark.slow
def test_file_row_number_is_the_data_rows_position_over_row_groups_buffers_and_threads(tmp_path: Path) -> None:
    rows = 500_000
    file = _write_big_csv(tmp_path / "big.csv", rows)
    with Path(file.uri).open("rb") as handle:
        lines = sum(1 for _ in handle)
    # The test only means something if the file needs the parallel machinery and has embedded newlines.
    assert rows > 3 * ROW_GROUP_ROWS
    assert Path(file.uri).stat().st_size > 2 * CSV_BUFFER_BYTES
    assert lines > rows + 1 + rows // 8  # header + rows + the quoted newlines: line numbers are not row numbers
    with duckdb.connect() as probe:
        assert int(probe.execute("SELECT current_setting('threads')").fetchall()[0][0]) >= 2

    warehouse = DuckDBWarehouse(tmp_path / "home", lock_timeout=30)
    # The target holds an older, longer load first: its row ids are taken, so the new rows' are not 0..n-1.
    load_bronze(warehouse, _request([_write_big_csv(tmp_path / "old.csv", ROW_GROUP_ROWS + 5)]))
    result = load_bronze(warehouse, _request([file]))

    assert result.rows_loaded == rows
    connection = warehouse.connect_read_only(DB)  # a fresh connection: what was committed and checkpointed
    try:
        wrong, low, high, distinct, total = connection.execute(
            'SELECT count(*) FILTER (WHERE "_XO_FILE_ROW_NUMBER" IS DISTINCT FROM "ROW_ID"::BIGINT),'
            ' min("_XO_FILE_ROW_NUMBER"), max("_XO_FILE_ROW_NUMBER"), count(DISTINCT "_XO_FILE_ROW_NUMBER"),'
            f" count(*) FROM {TARGET}"
        ).fetchall()[0]
        newline_row = connection.execute(
            f'SELECT "NOTE" FROM {TARGET} WHERE "_XO_FILE_ROW_NUMBER" = {rows - 1}'
        ).fetchall()
    finally:
        connection.close()
    assert (wrong, low, high, distinct, total) == (0, 1, rows, rows, rows)
    assert newline_row == [(f'line one\nline "two", {rows - 1}',)]  # rows - 1 ≡ 3 (mod 7): a quoted newline


def test_each_file_of_a_load_is_numbered_from_one_in_its_own_order(tmp_path: Path) -> None:
    first = _write_big_csv(tmp_path / "part1.csv", 2_000)
    second = _write_big_csv(tmp_path / "part2.csv", 3_000)
    warehouse = DuckDBWarehouse(tmp_path / "home", lock_timeout=30)

    assert load_bronze(warehouse, _request([first, second])).rows_loaded == 5_000

    connection = warehouse.connect_read_only(DB)
    try:
        rows = connection.execute(
            f'SELECT "_XO_SOURCE_FILE", count(*), count(*) FILTER (WHERE "_XO_FILE_ROW_NUMBER" = "ROW_ID"::BIGINT),'
            f' max("_XO_FILE_ROW_NUMBER") FROM {TARGET} GROUP BY 1 ORDER BY 1'
        ).fetchall()
    finally:
        connection.close()
    assert rows == [(first.source_key, 2_000, 2_000, 2_000), (second.source_key, 3_000, 3_000, 3_000)]


@pytest.mark.parametrize("gap", [False, True], ids=["forced-ranking", "row-id-gaps"])
def test_ranked_numbering_follows_insertion_order_when_row_ids_are_not_contiguous(tmp_path: Path, gap: bool) -> None:
    """The fallback path: row ids with gaps (rows deleted inside the transaction) are ranked, not subtracted."""
    unused = LoadFile(uri=str(tmp_path / "unused.csv"), expected_rows=0, source_key="stage/unused.csv")
    plan = plan_full_refresh(_request([unused]), load_id="l-1", loaded_at=datetime.now(UTC))
    rows = 2 * ROW_GROUP_ROWS + 17
    with duckdb.connect(str(tmp_path / f"{DB}.duckdb")) as connection:
        session = DuckDBSession(connection)
        session.execute(plan.create_schema_sql())
        session.execute(plan.create_table_sql())
        session.execute("BEGIN")
        session.execute(
            f'INSERT INTO {TARGET} ("ROW_ID", "NOTE") SELECT i::VARCHAR, NULL FROM range(1, {rows + 1}) AS r(i)'
        )
        if gap:
            session.execute(f'DELETE FROM {TARGET} WHERE "ROW_ID"::BIGINT % 1000 = 0')
        remaining = rows - (rows // 1000 if gap else 0)
        number_new_rows(session, plan, remaining, contiguous_path=gap)
        session.execute("COMMIT")
        expected = '"ROW_ID"::BIGINT - "ROW_ID"::BIGINT // 1000' if gap else '"ROW_ID"::BIGINT'
        wrong, total = session.execute(
            f'SELECT count(*) FILTER (WHERE "_XO_FILE_ROW_NUMBER" IS DISTINCT FROM {expected}), count(*) FROM {TARGET}'
        )[0]
    assert (wrong, total) == (0, remaining)
