"""load_bronze: every load strategy replaces the BRONZE snapshot through the warehouse interface."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from xo_core.loaders.bronze import load_bronze
from xo_core.warehouse.base import LOAD_STRATEGIES, LoadFile, LoadRequest
from xo_core.warehouse.duckdb import DuckDBWarehouse

DB = "WBP_DB_DEV"


def sheet_request(path: Path, rows: list[str], strategy: str, run_id: str) -> LoadRequest:
    path.write_text("Row Key,Value\n" + "".join(f"{r},v\n" for r in rows), encoding="utf-8")
    return LoadRequest(
        database=DB,
        schema="BRONZE",
        table="SHEETS_TARGETS",
        columns=["ROW_KEY", "VALUE"],
        files=[LoadFile(str(path), len(rows), f"stage/{path.name}")],
        run_id=run_id,
        window_start=datetime(2025, 3, 1, tzinfo=UTC),
        window_end=datetime(2025, 3, 2, tzinfo=UTC),
        load_strategy=strategy,
    )


@pytest.mark.parametrize("strategy", LOAD_STRATEGIES)
def test_every_strategy_truncates_bronze_to_the_latest_files(tmp_path: Path, strategy: str):
    warehouse = DuckDBWarehouse(tmp_path / "home")
    load_bronze(warehouse, sheet_request(tmp_path / "d1.csv", ["a", "b", "c"], strategy, "run-1"))

    result = load_bronze(warehouse, sheet_request(tmp_path / "d2.csv", ["c", "d"], strategy, "run-2"))

    assert result.rows_loaded == 2
    reader = warehouse.connect_read_only(DB)
    try:
        rows = reader.execute(f'SELECT "ROW_KEY", "_XO_RUN_ID" FROM "{DB}"."BRONZE"."SHEETS_TARGETS" ORDER BY 1')
        assert rows.fetchall() == [("c", "run-2"), ("d", "run-2")]
    finally:
        reader.close()
    ledger = warehouse.ledger_rows(DB, "SHEETS_TARGETS")
    assert [(r.run_id, r.status, r.rows_loaded, r.files) for r in ledger] == [
        ("run-1", "SUCCEEDED", 3, ["stage/d1.csv"]),
        ("run-2", "SUCCEEDED", 2, ["stage/d2.csv"]),
    ]
    assert ledger[-1].load_id == result.load_id
