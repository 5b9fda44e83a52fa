"""dbt on the DuckDB home the real pipelines fill from the Gladly simulator: history kept, reruns idempotent,
GOLD equal to the simulator's truth, failures named with their rows, the DuckDB files released after a run."""

from __future__ import annotations

import csv
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from xo_core.environment import environment
from xo_core.identifiers import standardize_column_name
from xo_core.loaders.bronze import load_bronze
from xo_core.warehouse.base import LoadFile, LoadRequest
from xo_core.warehouse.duckdb.backend import DuckDBWarehouse
from xo_foundry.cli.run import logical_date_for, run_direct
from xo_foundry.schemas.loader import DEFAULT_CONFIG_ROOT, load_pipeline
from xo_foundry.transform.dbt_runner import DbtBuildError, run_dbt_build
from xo_foundry.transform.dbt_sources import pipeline_selection
from xo_sandbox.gladly import GladlySandbox
from xo_sandbox.gladly.orgs import DEFAULT_CREDENTIALS, get_org
from xo_sandbox.gladly.truth import contacts_per_agent_per_day, work_time_per_agent_per_day

pytestmark = pytest.mark.slow

VOLUME = 0.05
DAY_1 = date(2025, 1, 14)  # the window of a run "for" 2025-01-15 (lag one day)
TZ = "America/New_York"
SILVER = {"WBP_DB_DEV": ["CONTACT_TIMESTAMPS", "WORK_SESSIONS"], "CND_DB_DEV": ["CONVERSATIONS"]}
GOLD = {"WBP_DB_DEV": ["fct_contacts", "agg_agent_daily", "rpt_agent_dashboard"], "CND_DB_DEV": ["rpt_email_daily"]}


@dataclass
class TransformRun:
    """The state of the warehouse after each step of the scenario."""

    home: Path
    tables: dict[str, dict[str, list[tuple[Any, ...]]]] = field(default_factory=dict)


def _pipeline(ref: str) -> Any:
    return load_pipeline(DEFAULT_CONFIG_ROOT / f"{ref}.yaml", root=DEFAULT_CONFIG_ROOT)


def _load_and_build(ref: str, day: date) -> None:
    """The pipeline's extract → stage → load, then its transform task, walked as the DAG runs them."""
    pipeline = _pipeline(ref)
    *_, done = run_direct(pipeline, logical_date_for(pipeline, day + timedelta(days=1)))
    assert done.task_id == "transform"
    assert done.output["select"] == pipeline_selection(pipeline)
    statuses = done.output["statuses"]
    assert statuses.get("success", 0) >= 1 and set(statuses) <= {"success", "pass"}


def _read(
    home: Path, tables: dict[str, list[str]], schema: str, *, lineage: bool = True
) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables, sorted, without the load time (which differs on a rerun by design), and without
    any ``_XO_`` column unless ``lineage`` (a re-pulled row keeps its data but comes from another file)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for database, names in tables.items():
        connection = duckdb.connect(str(home / "warehouse" / f"{database}.duckdb"), read_only=True)
        try:
            for name in names:
                cursor = connection.execute(f'select * from "{schema}"."{name}"')
                columns = [d[0] for d in cursor.description or []]
                volatile = ("_XO_LOADED_AT", "_XO_RUN_ID", "_XO_SOURCE_FILE")
                keep = [i for i, c in enumerate(columns) if c not in volatile and (lineage or not c.startswith("_XO_"))]
                out[f"{database}.{name}"] = sorted((tuple(row[i] for i in keep) for row in cursor.fetchall()), key=repr)
        finally:
            connection.close()
    return out


def _load_csv(home: Path, database: str, table: str, rows: list[dict[str, str]], tmp: Path) -> None:
    """Load fixture rows into a BRONZE table with the real loader (the roster and BambooHR have no simulator here)."""
    path = tmp / f"{table}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    start = datetime(2025, 1, 15, 5, tzinfo=UTC)
    load_bronze(
        DuckDBWarehouse(home),
        LoadRequest(
            database=database,
            schema="BRONZE",
            table=table,
            columns=[standardize_column_name(c) for c in rows[0]],
            files=[LoadFile(uri=str(path), expected_rows=len(rows), source_key=f"fixtures/{table}.csv")],
            run_id="fixture",
            window_start=start,
            window_end=start + timedelta(days=1),
        ),
    )


@pytest.fixture(scope="module")
def transform_run(tmp_path_factory: pytest.TempPathFactory) -> Generator[TransformRun]:
    home = tmp_path_factory.mktemp("xo-home")
    with pytest.MonkeyPatch.context() as patch, GladlySandbox(volume_scale=VOLUME) as sandbox:
        patch.setenv("XO_ENV", "local")
        patch.setenv("XO_HOME", str(home))
        for org in ("warbyparker", "condenast"):
            user, token = DEFAULT_CREDENTIALS[org]
            conn = f'{{"conn_type": "http", "host": "{sandbox.url}", "login": "{user}", "password": "{token}"}}'
            patch.setenv(f"AIRFLOW_CONN_GLADLY_{org.upper()}", conn)
        run = TransformRun(home=home)
        _load_and_build("warbyparker/gladly_daily", DAY_1)
        _load_and_build("condenast/gladly_daily", DAY_1)
        run.tables["day1"] = _read(home, SILVER, "SILVER") | _read(home, GOLD, "GOLD")
        _load_and_build("warbyparker/gladly_daily", DAY_1)
        _load_and_build("condenast/gladly_daily", DAY_1)
        run.tables["day1_again"] = _read(home, SILVER, "SILVER") | _read(home, GOLD, "GOLD")
        run.tables["day1_data"] = _read(home, SILVER, "SILVER", lineage=False)
        _load_and_build("warbyparker/gladly_daily", DAY_1 + timedelta(days=1))
        run.tables["day2"] = _read(home, SILVER, "SILVER") | _read(home, GOLD, "GOLD")
        run.tables["day2_data"] = _read(home, SILVER, "SILVER", lineage=False)
        yield run


def test_rerunning_a_day_leaves_silver_and_gold_identical(transform_run: TransformRun) -> None:
    assert transform_run.tables["day1"]["WBP_DB_DEV.CONTACT_TIMESTAMPS"], "day 1 loaded nothing"
    assert transform_run.tables["day1_again"] == transform_run.tables["day1"]


def test_a_second_day_adds_to_silver_and_keeps_the_first(transform_run: TransformRun) -> None:
    # Day 2 pulls day 1's work sessions again (repull): the same data, from another file.
    for table in ("WBP_DB_DEV.CONTACT_TIMESTAMPS", "WBP_DB_DEV.WORK_SESSIONS"):
        first = set(transform_run.tables["day1_data"][table])
        after = set(transform_run.tables["day2_data"][table])
        assert first < after, f"{table} lost day-1 rows or gained none"
    # BRONZE holds only day 2 now: SILVER is the only place day 1 still lives.
    connection = duckdb.connect(str(transform_run.home / "warehouse" / "WBP_DB_DEV.duckdb"), read_only=True)
    try:
        windows = connection.execute(
            "select count(distinct _XO_WINDOW_START) from BRONZE.GLADLY_CONTACT_TIMESTAMPS"
        ).fetchone()
        silver_windows = connection.execute(
            "select count(distinct _XO_WINDOW_START) from SILVER.CONTACT_TIMESTAMPS"
        ).fetchone()
    finally:
        connection.close()
    assert windows == (1,) and silver_windows == (2,)


def test_gold_agent_day_equals_the_simulator_truth(transform_run: TransformRun) -> None:
    # Day 1 is complete once day 2 is loaded (a contact that started before midnight is fulfilled after it).
    columns = ("AGENT_ID", "ACTIVITY_DATE", "CONTACTS_HANDLED", "HANDLE_TIME_SEC")
    connection = duckdb.connect(str(transform_run.home / "warehouse" / "WBP_DB_DEV.duckdb"), read_only=True)
    try:
        rows = connection.execute(
            f"select {', '.join(columns)} from GOLD.agg_agent_daily where ACTIVITY_DATE = ?", [DAY_1]
        ).fetchall()
    finally:
        connection.close()
    handled = contacts_per_agent_per_day("warbyparker", DAY_1, DAY_1, TZ, volume_scale=VOLUME)
    work_time = work_time_per_agent_per_day("warbyparker", DAY_1, DAY_1, TZ, volume_scale=VOLUME)
    assert {(a, d): n for a, d, n, _ in rows if n} == handled
    assert {(a, d): t for a, d, _, t in rows if t} == {k: h for k, (h, _) in work_time.items() if h}


def test_roster_and_bamboohr_models_build_and_every_unit_test_passes(
    transform_run: TransformRun, tmp_path: Path
) -> None:
    home = transform_run.home
    agents = get_org("warbyparker").agents[:2]
    roster = [
        {"Gladly Agent ID": a.id, "Agent Name": a.name, "Email": a.email, "Employee ID": str(101 + i),
         "Team": a.team_id, "Start Date": "2024-03-01", "Active": "TRUE"}
        for i, a in enumerate(agents)
    ]  # fmt: skip
    history = [
        {"id": str(101 + i), "employeeNumber": f"E{101 + i}", "firstName": a.name.split()[0],
         "lastName": a.name.split()[-1], "workEmail": a.email.upper(), "jobTitle": "Agent", "department": "CX",
         "location": "NY", "status": "Active", "hireDate": "2024-03-01", "terminationDate": "",
         "supervisorEId": "", "lastChanged": "2024-12-01T10:00:00+00:00"}
        for i, a in enumerate(agents)
    ]  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XO_HOME", str(home))
        _load_csv(home, "WBP_DB_DEV", "SHEETS_AGENT_ROSTER", roster, tmp_path)
        _load_csv(home, "CORE_DB_DEV", "BAMBOOHR_EMPLOYEE_HISTORY", history, tmp_path)
        select = [
            "source:core_db.BAMBOOHR_EMPLOYEE_HISTORY+",
            "source:wbp_db.SHEETS_AGENT_ROSTER+",
            "source:wbp_db.GLADLY_CONTACT_TIMESTAMPS+",
            "source:cnd_db.GLADLY_CONVERSATIONS+",
        ]
        result = run_dbt_build(select, unit_tests=True, exclude=["EMPLOYEES"])
    assert (
        result.count("pass") >= 6
        and "unit_test.xo_data.dim_agents.agent_is_matched_to_the_current_employee_by_email" in result.statuses
    )
    dashboard = _read(home, {"WBP_DB_DEV": ["dim_agents"]}, "GOLD")["WBP_DB_DEV.dim_agents"]
    assert {(row[0], row[7]) for row in dashboard} == {(a.id, 101 + i) for i, a in enumerate(agents)}


def test_a_failing_dbt_test_raises_with_its_name_and_rows(transform_run: TransformRun) -> None:
    home = transform_run.home
    with DuckDBWarehouse(home).connect_for_write("WBP_DB_DEV", purpose="test: break a natural key") as connection:
        for _ in range(2):
            connection.execute(
                "insert into SILVER.CONTACT_TIMESTAMPS"
                " (EVENT_AT, SOURCE_TIMEZONE, EVENT_TYPE, CONTACT_ID, _XO_LOADED_AT)"
                " values (timestamp '2020-01-01 00:00:00', 'UTC', 'CONTACT/STARTED', 'duplicated-contact', now())"
            )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XO_HOME", str(home))
        with pytest.raises(DbtBuildError) as raised:
            run_dbt_build(["CONTACT_TIMESTAMPS"])
    message = str(raised.value)
    assert "xo_unique_combination_CONTACT_TIMESTAMPS_CONTACT_ID__EVENT_TYPE__EVENT_AT" in message
    assert "duplicated-contact" in message and "2020-01-01" in message
    # The run released the files: a loader (another connection, here read-write) can open them at once.
    duckdb.connect(str(environment(home=home).warehouse_dir / "WBP_DB_DEV.duckdb")).close()
