"""A small real DuckDB warehouse in a tmp XO_HOME: GOLD report tables and load ledgers with known rows."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import streamlit as st

from xo_core.warehouse import ledger
from xo_core.warehouse.duckdb.backend import DuckDBSession, DuckDBWarehouse

WBP = "WBP_DB_DEV"
CND = "CND_DB_DEV"
D1, D2, D3 = date(2025, 1, 13), date(2025, 1, 14), date(2025, 1, 15)
# Agent "a-3" is not on the roster yet: the dashboard shows its id.
AGENTS = {"a-1": ("Ada Lovelace", "Retail"), "a-2": ("Grace Hopper", "Retail"), "a-3": (None, None)}
# (day, agent, contacts handled, work sessions, handle time s, avg first response s)
AGENT_DAYS = [
    (D1, "a-1", 10, 11, 6000, 120.0),
    (D1, "a-2", 4, 4, 1200, 300.0),
    (D2, "a-1", 12, 12, 7200, 60.0),
    (D2, "a-2", 6, 7, 2400, 240.0),
    (D2, "a-3", 3, 3, 900, 600.0),
    (D3, "a-1", 8, 9, 4800, 90.0),
    (D3, "a-3", 0, 1, 300, None),
]
# rpt_email_daily as it is, plus a column a later model version adds (the page must not mind).
EMAIL_DAYS = [
    # day, conversations, email, closed, fcr eligible, fcr success, avg handle s, avg to close s, reopened
    (D1, 400, 250, 225, 220, 176, 2700.0, 4900.0, 5),
    (D2, 380, 240, 216, 210, 168, 2640.0, 4800.0, 7),
]
# Relative to the real clock, so the page (which asks the clock) sees the same ages as the query tests.
NOW = datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class LensWarehouse:
    """The tmp XO_HOME and the warehouse over it."""

    home: Path
    warehouse: DuckDBWarehouse


def _agent_dashboard(session: DuckDBSession) -> None:
    session.execute(
        f'CREATE TABLE "{WBP}"."GOLD"."rpt_agent_dashboard" (ACTIVITY_DATE DATE, AGENT_ID VARCHAR, AGENT_NAME VARCHAR,'
        " TEAM VARCHAR, EMPLOYEE_ID BIGINT, JOB_TITLE VARCHAR, CONTACTS_HANDLED BIGINT, WORK_SESSIONS BIGINT,"
        " HANDLE_TIME_SEC DOUBLE, HANDLE_TIME_PER_CONTACT_SEC DOUBLE, AVG_FIRST_RESPONSE_SEC DOUBLE)"
    )
    for day, agent, contacts, sessions, handle, response in AGENT_DAYS:
        name, team = AGENTS[agent]
        per_contact = handle / contacts if contacts else None
        session.execute(
            f'INSERT INTO "{WBP}"."GOLD"."rpt_agent_dashboard" VALUES (?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?, ?)',
            [day, agent, name, team, contacts, sessions, handle, per_contact, response],
        )


def _email_daily(session: DuckDBSession) -> None:
    session.execute(
        f'CREATE TABLE "{CND}"."GOLD"."rpt_email_daily" (REPORT_DATE DATE, CONVERSATIONS BIGINT,'
        " EMAIL_CONVERSATIONS BIGINT, EMAIL_CONVERSATIONS_CLOSED BIGINT, EMAIL_FCR_ELIGIBLE BIGINT,"
        " EMAIL_FCR_SUCCESS BIGINT, EMAIL_AVG_HANDLE_TIME_SEC DOUBLE, EMAIL_AVG_TIME_TO_FIRST_CLOSE_SEC DOUBLE,"
        " EMAIL_REOPENED BIGINT)"
    )
    for row in EMAIL_DAYS:
        session.execute(f'INSERT INTO "{CND}"."GOLD"."rpt_email_daily" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', list(row))


def ledger_row(table: str, status: str, finished: datetime, rows: int | None, error: str | None = None) -> list[Any]:
    """One LOAD_LEDGER row in column order."""
    return [
        f"{table}-{status}-{finished:%H%M}",
        f"run-{finished:%Y%m%d%H%M}",
        table,
        "[]",
        rows,
        rows,
        status,
        error,
        finished - timedelta(minutes=1),
        finished,
        "[]",
    ]


# The columns of the first ledger (V1.1.0): rows written before STEP existed read as loads.
V1_LEDGER_COLUMNS = (
    "LOAD_ID, RUN_ID, TABLE_NAME, FILES, ROWS_LOADED, EXPECTED_ROWS, STATUS, ERROR, STARTED_AT, FINISHED_AT, QUERY_IDS"
)


def insert_ledger_row(session: DuckDBSession, database: str, row: list[Any]) -> None:
    """Insert a ``ledger_row`` into the database's ledger."""
    session.execute(
        f"INSERT INTO {ledger.ledger_table(database)} ({V1_LEDGER_COLUMNS}) VALUES ({', '.join('?' * 11)})", row
    )


LEDGERS = {
    WBP: [
        ledger_row("BRONZE.GLADLY_CONTACT_TIMESTAMPS", "SUCCEEDED", NOW - timedelta(hours=2), 1200),
        ledger_row("BRONZE.SHEETS_AGENT_ROSTER", "SUCCEEDED", NOW - timedelta(hours=50), 40),
        ledger_row("BRONZE.GLADLY_WORK_SESSIONS", "SUCCEEDED", NOW - timedelta(hours=5), 300),
        ledger_row(
            "BRONZE.GLADLY_WORK_SESSIONS", "FAILED", NOW - timedelta(hours=1), None, "row count 299 != expected 300"
        ),
    ],
    CND: [ledger_row("BRONZE.GLADLY_CONVERSATIONS", "SUCCEEDED", NOW - timedelta(hours=3), 410)],
}


def build_lens_warehouse(home: Path) -> LensWarehouse:
    """Create WBP_DB_DEV and CND_DB_DEV with their GOLD reports and ledgers (no CORE_DB_DEV)."""
    warehouse = DuckDBWarehouse(home, lock_timeout=30)
    for database in (WBP, CND):
        warehouse.ensure_database(database)
        with warehouse.connect_for_write(database, purpose="lens test data") as connection:
            session = DuckDBSession(connection)
            (_agent_dashboard if database == WBP else _email_daily)(session)
            ledger.ensure_ledger(session, database)
            for row in LEDGERS[database]:
                insert_ledger_row(session, database, row)
    return LensWarehouse(home, warehouse)


@pytest.fixture
def lens_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Generator[LensWarehouse]:
    """A tmp XO_HOME (set in the environment, local env) holding the small warehouse."""
    home = tmp_path / "xo"
    monkeypatch.setenv("XO_HOME", str(home))
    monkeypatch.setenv("XO_ENV", "local")
    st.cache_data.clear()
    yield build_lens_warehouse(home)
    st.cache_data.clear()


@pytest.fixture
def lens_empty_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Generator[Path]:
    """A tmp XO_HOME with nothing in it (a fresh clone before ``make demo``)."""
    home = tmp_path / "empty"
    monkeypatch.setenv("XO_HOME", str(home))
    monkeypatch.setenv("XO_ENV", "local")
    st.cache_data.clear()
    yield home
    st.cache_data.clear()
