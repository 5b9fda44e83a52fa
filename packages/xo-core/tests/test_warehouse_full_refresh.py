"""The shared transaction protocol, seen as the statements it sends through a real DuckDB session."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from xo_core.errors import LoadError
from xo_core.warehouse.base import LoadFile, LoadRequest
from xo_core.warehouse.duckdb import DuckDBSession, DuckDBWarehouse
from xo_core.warehouse.full_refresh import run_full_refresh
from xo_core.warehouse.plan import FullRefreshPlan

DB = "CORE_DB_DEV"
LEDGER_UPDATE = f'UPDATE "{DB}"."XO_META"."LOAD_LEDGER"'


class RecordingSession(DuckDBSession):
    """A real DuckDB session that also keeps the first word(s) of every statement it sends."""

    def __init__(self, connection: Any) -> None:
        super().__init__(connection)
        self.statements: list[str] = []

        self._in_load = False

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if not self._in_load:  # a file's own statements (INSERT, numbering) are the backend's: one LOAD here
            self.statements.append(" ".join(sql.split()[:2]))
        return super().execute(sql, params)

    def load_file(self, plan: FullRefreshPlan, file: LoadFile) -> int:
        self.statements.append(f"LOAD {file.source_key}")
        self._in_load = True
        try:
            return super().load_file(plan, file)
        finally:
            self._in_load = False


def request(tmp_path: Path, expected_rows: int = 2) -> LoadRequest:
    path = tmp_path / "e.csv"
    path.write_text("Employee Id,Name\n1,Ann\n2,Bob\n", encoding="utf-8")
    return LoadRequest(
        database=DB,
        schema="BRONZE",
        table="BAMBOOHR_EMPLOYEES",
        columns=["EMPLOYEE_ID", "NAME"],
        files=[LoadFile(str(path), expected_rows, "stage/e.csv")],
        run_id="r1",
        window_start=datetime(2025, 1, 1, tzinfo=UTC),
        window_end=datetime(2025, 1, 2, tzinfo=UTC),
    )


def transaction_part(statements: list[str]) -> list[str]:
    return [s for s in statements[statements.index("BEGIN") :] if not s.startswith("INSERT INTO")]


@pytest.fixture
def wh_session(tmp_path: Path):
    warehouse = DuckDBWarehouse(tmp_path / "home")
    with warehouse.connect_for_write(DB, purpose="test") as connection:
        yield RecordingSession(connection)


def test_success_sends_ddl_before_begin_and_commits_last(wh_session: RecordingSession, tmp_path: Path):
    run_full_refresh(wh_session, request(tmp_path))

    begin = wh_session.statements.index("BEGIN")
    assert all(s.split()[0] != "CREATE" and s.split()[0] != "ALTER" for s in wh_session.statements[begin:])
    assert wh_session.statements[:2] == ["CREATE SCHEMA", "CREATE TABLE"]  # the ledger, first
    assert transaction_part(wh_session.statements) == [
        "BEGIN",
        "TRUNCATE TABLE",
        "LOAD stage/e.csv",
        LEDGER_UPDATE,
        "COMMIT",
    ]


def test_failure_after_begin_sends_an_explicit_rollback_and_no_commit(wh_session: RecordingSession, tmp_path: Path):
    with pytest.raises(LoadError):
        run_full_refresh(wh_session, request(tmp_path, expected_rows=3))

    assert transaction_part(wh_session.statements) == [
        "BEGIN",
        "TRUNCATE TABLE",
        "LOAD stage/e.csv",
        "ROLLBACK",
        LEDGER_UPDATE,  # the ledger row marked FAILED, after the rollback
    ]
