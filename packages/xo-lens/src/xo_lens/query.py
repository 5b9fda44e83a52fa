"""The dashboards' read functions over GOLD and the load ledgers; the same SQL on DuckDB and on Snowflake.

Every function takes a ``Reader`` (``readers.py``) and a physical database name (``WBP_DB_DEV``...), and
returns a pandas DataFrame (pandas is here for Streamlit's charts only; extraction never uses it). A missing
database or table raises ``NoDataError``, which the pages turn into "run make demo first".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd

from xo_core.clients import CLIENTS
from xo_core.environment import Environment
from xo_core.identifiers import qualified_name
from xo_core.staging.contract import ColumnDrift
from xo_core.warehouse.ledger import LEDGER_SCHEMA, LEDGER_TABLE, SUCCEEDED, reported_status
from xo_lens.readers import NoDataError, Reader

GOLD = "GOLD"
AGENT_DASHBOARD = "RPT_AGENT_DASHBOARD"
EMAIL_DAILY = "RPT_EMAIL_DAILY"
# Daily tables are loaded once a day; 36 h leaves a late run room before a table counts as stale.
DEFAULT_STALE_AFTER = timedelta(hours=36)
RUN_DEMO_HINT = "No data in the warehouse yet: run `make demo` first (it loads every example pipeline)."


@dataclass(frozen=True)
class DateSpan:
    """The first and last date a table holds (inclusive)."""

    first: date
    last: date


def _require(reader: Reader, database: str, schema: str, table: str) -> str:
    if not reader.has_table(database, schema, table):
        raise NoDataError(f"{database}.{schema}.{table} does not exist yet")
    return qualified_name(database, schema, table)


def _frame(rows: list[dict[str, Any]], columns: Sequence[str] = ()) -> pd.DataFrame:
    # An empty result still carries its columns, so pages can filter and chart it without special cases.
    return pd.DataFrame(rows) if rows else pd.DataFrame(columns=list(columns))


def date_span(reader: Reader, database: str, table: str, column: str) -> DateSpan | None:
    """The min and max of a GOLD table's date column; None when the table is empty."""
    name = _require(reader, database, GOLD, table)
    rows = reader.fetch(database, f"SELECT MIN({column}) AS FIRST_DATE, MAX({column}) AS LAST_DATE FROM {name}")
    first, last = rows[0]["FIRST_DATE"], rows[0]["LAST_DATE"]
    return DateSpan(first, last) if first is not None and last is not None else None


def agents(reader: Reader, database: str) -> pd.DataFrame:
    """Every agent on the dashboard: AGENT_ID and LABEL (the name when the roster knows it, else the id)."""
    name = _require(reader, database, GOLD, AGENT_DASHBOARD)
    rows = reader.fetch(
        database,
        f"SELECT AGENT_ID, COALESCE(MAX(AGENT_NAME), AGENT_ID) AS LABEL FROM {name}"
        " GROUP BY AGENT_ID ORDER BY LABEL, AGENT_ID",
    )
    return _frame(rows, ["AGENT_ID", "LABEL"])


def agent_daily(reader: Reader, database: str, start: date, end: date, agent_ids: Sequence[str] = ()) -> pd.DataFrame:
    """rpt_agent_dashboard rows from ``start`` to ``end`` (inclusive), for ``agent_ids`` (all when empty)."""
    name = _require(reader, database, GOLD, AGENT_DASHBOARD)
    sql = f"SELECT *, COALESCE(AGENT_NAME, AGENT_ID) AS AGENT_LABEL FROM {name} WHERE ACTIVITY_DATE BETWEEN ? AND ?"
    params: list[Any] = [start, end]
    if agent_ids:
        sql += f" AND AGENT_ID IN ({', '.join('?' for _ in agent_ids)})"
        params += list(agent_ids)
    rows = reader.fetch(database, sql + " ORDER BY ACTIVITY_DATE, AGENT_LABEL", params)
    return _frame(rows, ["ACTIVITY_DATE", "AGENT_ID", "AGENT_LABEL", "CONTACTS_HANDLED", "HANDLE_TIME_SEC"])


def email_daily(reader: Reader, database: str, start: date, end: date) -> pd.DataFrame:
    """rpt_email_daily rows from ``start`` to ``end``, every column the model has (it grows)."""
    name = _require(reader, database, GOLD, EMAIL_DAILY)
    rows = reader.fetch(
        database, f"SELECT * FROM {name} WHERE REPORT_DATE BETWEEN ? AND ? ORDER BY REPORT_DATE", [start, end]
    )
    return _frame(rows, ["REPORT_DATE"])


# The latest attempt per table (of any step: an extract that failed at the source shows), with the finish of its
# latest successful load: a table whose last load failed is still as fresh as that success. Rows from before the
# ledger had a STEP column are loads.
_LAST_LOADS = """
WITH ranked AS (
    SELECT TABLE_NAME, RUN_ID, STATUS, ROWS_LOADED, EXPECTED_ROWS, ERROR, STARTED_AT, FINISHED_AT,
           ROW_NUMBER() OVER (PARTITION BY TABLE_NAME ORDER BY STARTED_AT DESC, LOAD_ID DESC) AS RN
    FROM {ledger}
), succeeded AS (
    SELECT TABLE_NAME, MAX(FINISHED_AT) AS LAST_SUCCESS_AT FROM {ledger}
    WHERE STATUS = ? AND COALESCE(STEP, 'load') = 'load' GROUP BY TABLE_NAME
)
SELECT r.TABLE_NAME, r.STATUS, r.ROWS_LOADED, r.EXPECTED_ROWS, r.STARTED_AT, r.FINISHED_AT,
       s.LAST_SUCCESS_AT, r.ERROR, r.RUN_ID
FROM ranked r LEFT JOIN succeeded s ON s.TABLE_NAME = r.TABLE_NAME
WHERE r.RN = 1
ORDER BY r.TABLE_NAME
"""

HEALTH_COLUMNS = [
    "DATABASE",
    "TABLE_NAME",
    "STATUS",
    "ROWS_LOADED",
    "EXPECTED_ROWS",
    "LAST_SUCCESS_AT",
    "AGE_HOURS",
    "STALE",
    "STARTED_AT",
    "FINISHED_AT",
    "ERROR",
    "RUN_ID",
]


# Stage attempts whose header drifted from the source's column contract (xo_core.staging.contract), newest first.
_DRIFT = """
SELECT TABLE_NAME, RUN_ID, STATUS, STARTED_AT, DRIFT FROM {ledger}
WHERE DRIFT IS NOT NULL AND STARTED_AT >= ? ORDER BY STARTED_AT DESC
"""
DRIFT_COLUMNS = ["DATABASE", "TABLE_NAME", "STARTED_AT", "ON_DRIFT", "STAGE_STATUS", "CHANGE", "RUN_ID"]


def client_databases(env: Environment) -> list[str]:
    """The physical database of every client in this environment (``WBP_DB_DEV``... or ``WBP_DB``...)."""
    return [env.database(client.database) for client in CLIENTS.values()]


def last_loads(
    reader: Reader,
    databases: Sequence[str],
    *,
    now: datetime | None = None,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
) -> pd.DataFrame:
    """The last load of every table in every database's ledger, its age and whether it is stale.

    A table is stale when its last successful load finished more than ``stale_after`` ago, or never did. A last
    load still STARTED after the ledger's timeout is reported ABANDONED (its process was killed).
    Databases without a ledger are skipped; none at all raises ``NoDataError``.
    """
    now = now or datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    found = False
    for database in databases:
        if not reader.has_table(database, LEDGER_SCHEMA, LEDGER_TABLE):
            continue
        found = True
        ledger = qualified_name(database, LEDGER_SCHEMA, LEDGER_TABLE)
        for row in reader.fetch(database, _LAST_LOADS.format(ledger=ledger), [SUCCEEDED]):
            success = row["LAST_SUCCESS_AT"]
            age = (now - success).total_seconds() / 3600 if success is not None else None
            rows.append(
                {
                    **row,
                    "STATUS": reported_status(row["STATUS"], row["STARTED_AT"], now=now),
                    "DATABASE": database,
                    "AGE_HOURS": round(age, 1) if age is not None else None,
                    "STALE": age is None or age > stale_after.total_seconds() / 3600,
                }
            )
    if not found:
        raise NoDataError(f"no load ledger in {', '.join(databases)}")
    frame = _frame(rows, HEALTH_COLUMNS)
    return frame[HEALTH_COLUMNS]


def column_drift(reader: Reader, databases: Sequence[str], *, since: datetime) -> pd.DataFrame:
    """Every header that drifted from its source's contract since ``since``: what changed, the policy, and
    whether the stage went on (``evolve``, ``warn``) or failed (``fail``). A ledger from before V1.5.0 has none."""
    rows: list[dict[str, Any]] = []
    for database in databases:
        if not reader.has_column(database, LEDGER_SCHEMA, LEDGER_TABLE, "DRIFT"):
            continue
        ledger = qualified_name(database, LEDGER_SCHEMA, LEDGER_TABLE)
        for row in reader.fetch(database, _DRIFT.format(ledger=ledger), [since]):
            drift = ColumnDrift.from_json(row["DRIFT"])
            rows.append(
                {
                    "DATABASE": database,
                    "TABLE_NAME": row["TABLE_NAME"],
                    "STARTED_AT": row["STARTED_AT"],
                    "ON_DRIFT": drift.on_drift,
                    "STAGE_STATUS": row["STATUS"],
                    "CHANGE": drift.describe(),
                    "RUN_ID": row["RUN_ID"],
                }
            )
    return _frame(rows, DRIFT_COLUMNS)[DRIFT_COLUMNS]
