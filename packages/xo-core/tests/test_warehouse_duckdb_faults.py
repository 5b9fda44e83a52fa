"""A DuckDB database file that is not one any more (overwritten, cut short): a load and a dashboard read fail at
once with a ``TerminalError`` naming the file, write nothing, and a rerun after the file is restored heals."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from xo_core.errors import TerminalError, TransientError
from xo_core.loaders.bronze import load_bronze
from xo_core.warehouse.base import LoadFile, LoadRequest
from xo_core.warehouse.duckdb import DuckDBWarehouse

DB = "WBP_DB_DEV"


def _request(tmp_path: Path, name: str, rows: int) -> LoadRequest:
    path = tmp_path / f"{name}.csv"
    path.write_text("Agent ID,Name\n" + "".join(f"{name}-{i},Agent {i}\n" for i in range(rows)), encoding="utf-8")
    return LoadRequest(
        database=DB,
        schema="BRONZE",
        table="SHEETS_AGENT_ROSTER",
        columns=["AGENT_ID", "NAME"],
        files=[LoadFile(uri=str(path), expected_rows=rows, source_key=f"stage/{name}.csv")],
        run_id=f"run-{name}",
        window_start=datetime(2025, 1, 15, tzinfo=UTC),
        window_end=datetime(2025, 1, 16, tzinfo=UTC),
    )


def _garbage_header(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.write(os.urandom(8192))


def _cut_short(path: Path) -> None:
    os.truncate(path, 3000)  # less than DuckDB's file headers


@pytest.mark.parametrize("damage", [_garbage_header, _cut_short], ids=["garbage-header", "cut-short"])
def test_a_corrupt_database_file_is_named_and_left_alone_and_a_restored_copy_heals(
    tmp_path: Path, damage: Callable[[Path], None]
) -> None:
    warehouse = DuckDBWarehouse(tmp_path / "home", lock_timeout=2, read_only_timeout=2)
    load_bronze(warehouse, _request(tmp_path, "before", 3))
    path = warehouse.database_path(DB)
    backup = tmp_path / "backup.duckdb"
    shutil.copyfile(path, backup)
    damage(path)
    damaged = path.read_bytes()

    with pytest.raises(TerminalError) as caught:
        load_bronze(warehouse, _request(tmp_path, "after", 5))
    assert not isinstance(caught.value, TransientError)  # waiting does not repair a file: fail at once
    assert str(path) in str(caught.value) and "read-write" in str(caught.value)
    with pytest.raises(TerminalError, match="read-only"):
        warehouse.ledger_rows(DB)  # what the pipeline-health page reads
    assert path.read_bytes() == damaged  # DuckDB did not "repair" it by writing a new database over it

    shutil.copyfile(backup, path)
    result = load_bronze(warehouse, _request(tmp_path, "after", 5))
    assert result.rows_loaded == 5
    assert [(r.run_id, r.status) for r in warehouse.ledger_rows(DB)] == [
        ("run-before", "SUCCEEDED"),
        ("run-after", "SUCCEEDED"),
    ]
