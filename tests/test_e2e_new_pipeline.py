"""`xo new pipeline` gives a config that validates, generates and runs end to end against the simulator."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from xo_core.warehouse.duckdb.backend import DuckDBWarehouse
from xo_sandbox.bamboohr import COMPANY as BAMBOOHR_COMPANY
from xo_sandbox.gladly import DEFAULT_CREDENTIALS
from xo_sandbox.google.sheets import ROSTER_SPREADSHEET_ID
from xo_sandbox.sandboxes import Sandboxes

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _checkout(root: Path) -> Path:
    """A checkout to scaffold into: the workspace's pyproject and packages, a copy of the pipelines app."""
    root.mkdir()
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    (root / "packages").symlink_to(REPO / "packages")
    shutil.copytree(REPO / "apps" / "airflow" / "xo-pipelines", root / "apps" / "airflow" / "xo-pipelines")
    return root


@pytest.mark.slow
def test_a_new_gladly_pipeline_validates_generates_and_runs(tmp_path: Path, sandboxes: Sandboxes) -> None:
    root = _checkout(tmp_path / "xo-data")
    configs = root / "apps" / "airflow" / "xo-pipelines" / "configs"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW_CONN", "XO_"))}
    created = subprocess.run(
        [str(BIN / "xo"), "--repo", str(root), "new", "pipeline", "warbyparker/new_contacts", "--source", "gladly_api"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert created.returncode == 0, created.stdout + created.stderr
    assert (configs / "warbyparker" / "new_contacts.yaml").is_file()
    assert (
        "warbyparker_new_contacts"
        in (root / "apps" / "airflow" / "xo-pipelines" / "dags" / "warbyparker.json").read_text()
    )

    user, token = DEFAULT_CREDENTIALS["warbyparker"]
    connection = {"conn_type": "http", "host": sandboxes.gladly.url, "login": user, "password": token}
    run_env = {
        **env,
        "XO_CONFIG_ROOT": str(configs),
        "XO_HOME": str(tmp_path / "xo-home"),
        "AIRFLOW_CONN_GLADLY_DEFAULT": json.dumps(connection),  # the template's connection id
    }
    _run(["warbyparker/new_contacts"], "2025-01-15", run_env, tmp_path)
    ledger = [r for r in DuckDBWarehouse(tmp_path / "xo-home").ledger_rows("WBP_DB_DEV") if r.step == "load"]
    assert [(row.table_name, row.status) for row in ledger] == [("BRONZE.GLADLY_NEW_CONTACTS", "SUCCEEDED")]
    assert ledger[0].rows_loaded


def _new_pipeline(root: Path, ref: str, source_type: str, env: dict[str, str], edits: dict[str, str]) -> Path:
    """``xo new pipeline``, then the edits a user makes to the YAML it wrote (old text → new text)."""
    created = subprocess.run(
        [str(BIN / "xo"), "--repo", str(root), "new", "pipeline", ref, "--source", source_type],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert created.returncode == 0, created.stdout + created.stderr
    path = root / "apps" / "airflow" / "xo-pipelines" / "configs" / f"{ref}.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in edits.items():
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return path


def _run(refs: list[str], day: str, env: dict[str, str], cwd: Path) -> None:
    """Run the pipelines for one date in one process (one start-up of dbt for all)."""
    ran = subprocess.run(
        [str(BIN / "xo-foundry"), "run", *refs, "--date", day, "--direct"],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr


@pytest.mark.slow
def test_new_pipelines_get_their_silver_from_the_load_strategy(tmp_path: Path, sandboxes: Sandboxes) -> None:
    """No SQL written: an incremental sheet pulled twice keeps one row per key, the latest pull winning; a
    historical BambooHR report keeps the old and the new version of a record changed between pulls."""
    root = _checkout(tmp_path / "xo-data")
    shutil.copytree(REPO / "apps" / "dbt", root / "apps" / "dbt", ignore=shutil.ignore_patterns("target", "logs"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW_CONN", "XO_"))}
    _new_pipeline(
        root,
        "warbyparker/team_sheet",
        "google_sheets",
        env,
        {
            "load_strategy: full_refresh": "load_strategy: {kind: incremental, unique_key: [GLADLY_AGENT_ID]}",
            '"TODO_SPREADSHEET_ID"': ROSTER_SPREADSHEET_ID,
            '"Sheet1!A:Z"': '"Roster!A:H"',
            "    snowflake:\n": "    silver:\n      columns: {START_DATE: date}\n    snowflake:\n",
        },
    )
    _new_pipeline(
        root,
        "core/people_history",
        "bamboohr_api",
        env,
        {
            "load_strategy: full_refresh": (
                "load_strategy: {kind: historical, unique_key: [ID], updated_at: LAST_CHANGED}"
            ),
            '"xoteam"': BAMBOOHR_COMPANY,
            '"directory"': "custom\n      fields: [id, firstName, lastName, jobTitle, lastChanged]",
        },
    )
    configs = root / "apps" / "airflow" / "xo-pipelines" / "configs"
    generated = subprocess.run(
        [str(BIN / "xo-foundry"), "generate"],
        env={**env, "XO_CONFIG_ROOT": str(configs)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert (root / "apps/dbt/models/silver/generated/wbp_db__TEAM_SHEET.sql").is_file()
    assert (root / "apps/dbt/snapshots/generated/core_db__PEOPLE_HISTORY.sql").is_file()

    home = tmp_path / "xo-home"
    run_env = {
        **env,
        **sandboxes.connection_env(),
        "XO_CONFIG_ROOT": str(configs),
        "XO_HOME": str(home),
        "XO_DBT_PROJECT_DIR": str(root / "apps" / "dbt"),
    }
    _run(["warbyparker/team_sheet", "core/people_history"], "2025-01-15", run_env, tmp_path)
    # Between the pulls: a team lead retypes an agent's team, HR enters a new job title. The sheet is the
    # session's simulator: its cells are put back afterwards for the tests that read it next.
    roster = (sandboxes.sheets.spreadsheet(ROSTER_SPREADSHEET_ID) or {})["Roster"]
    try:
        sandboxes.sheets.set_cell(ROSTER_SPREADSHEET_ID, "Roster!E2", "Team Renamed")
        employee = sandboxes.bamboohr.change_employee(int(_first_id(home)), {"jobTitle": "Team Lead"})
        _run(["warbyparker/team_sheet", "core/people_history"], "2025-01-16", run_env, tmp_path)
        # A start date nobody can read: the run fails naming the file, the row, the column and the value.
        sandboxes.sheets.set_cell(ROSTER_SPREADSHEET_ID, "Roster!F3", "sometime in May")
        failed = subprocess.run(
            [str(BIN / "xo-foundry"), "run", "warbyparker/team_sheet", "--date", "2025-01-17", "--direct"],
            env=run_env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        sandboxes.sheets.set_cell(ROSTER_SPREADSHEET_ID, "Roster!E2", roster[1][4])
        sandboxes.sheets.set_cell(ROSTER_SPREADSHEET_ID, "Roster!F3", roster[2][5])
    shown = failed.stdout + failed.stderr
    assert failed.returncode != 0, shown
    assert "xo_casts_cleanly" in shown and "START_DATE" in shown and "sometime in May" in shown, shown

    warehouse = DuckDBWarehouse(home)
    roster = warehouse.connect_read_only("WBP_DB_DEV")
    try:
        rows, keys = roster.execute(
            'SELECT count(*), count(DISTINCT GLADLY_AGENT_ID) FROM "WBP_DB_DEV"."SILVER"."TEAM_SHEET"'
        ).fetchone() or (0, 0)
        loads = roster.execute('SELECT count(DISTINCT _XO_RUN_ID) FROM "WBP_DB_DEV"."SILVER"."TEAM_SHEET"').fetchone()
        renamed = roster.execute(
            'SELECT count(*) FROM "WBP_DB_DEV"."SILVER"."TEAM_SHEET" WHERE TEAM = ? AND typeof(START_DATE) = ?',
            ["Team Renamed", "DATE"],
        ).fetchone()
    finally:
        roster.close()
    assert rows == keys > 1  # every agent pulled twice, one row each
    assert loads == (1,)  # the second pull replaced the first
    assert renamed == (1,)
    people = warehouse.connect_read_only("CORE_DB_DEV")
    try:
        versions = people.execute(
            'SELECT JOB_TITLE, DBT_VALID_TO IS NULL FROM "CORE_DB_DEV"."SILVER"."PEOPLE_HISTORY"'
            " WHERE ID = ? ORDER BY DBT_VALID_FROM",
            [employee.id],
        ).fetchall()
    finally:
        people.close()
    assert len(versions) == 2 and versions[1] == ("Team Lead", True) and versions[0][1] is False


def _first_id(home: Path) -> str:
    """An employee the first BambooHR pull loaded (the one to change before the second)."""
    connection = DuckDBWarehouse(home).connect_read_only("CORE_DB_DEV")
    try:
        found = connection.execute(
            'SELECT min(CAST(ID AS BIGINT)) FROM "CORE_DB_DEV"."BRONZE"."BAMBOOHR_PEOPLE_HISTORY"'
        ).fetchone()
    finally:
        connection.close()
    assert found is not None
    return str(found[0])
