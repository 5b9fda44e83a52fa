"""`xo-foundry backfill` and `xo-foundry status` through the command itself, on the simulators and real DuckDB."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from xo_core.warehouse.duckdb.backend import DuckDBWarehouse
from xo_sandbox.gladly import Fault
from xo_sandbox.sandboxes import Sandboxes

BIN = Path(sys.executable).parent
PIPELINE = "warbyparker/gladly_daily"
TABLES = ("GLADLY_CONTACT_TIMESTAMPS", "GLADLY_WORK_SESSIONS")


def _foundry(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "xo-foundry"), *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture
def cli_env(xo_home: Path, sandboxes: Sandboxes, subprocess_env: Callable[..., dict[str, str]]) -> dict[str, str]:
    """The child's environment: this XO_HOME, the local environment, the simulators' connections."""
    return subprocess_env(xo_home, XO_ENV="local", **sandboxes.connection_env())


def _loads(home: Path) -> list[tuple[str, str, str]]:
    rows = DuckDBWarehouse(home).ledger_rows("WBP_DB_DEV")
    return [
        (r.table_name, r.status, r.window_start.date().isoformat()) for r in rows if r.step == "load" and r.window_start
    ]


@pytest.mark.slow
def test_backfill_runs_each_date_in_order_then_skips_what_succeeded(xo_home: Path, cli_env: dict[str, str]) -> None:
    done = _foundry(cli_env, "backfill", PIPELINE, "--start", "2025-01-13", "--end", "2025-01-15", "--direct")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "done: 3 succeeded, 0 skipped" in done.stdout
    assert "backfill" in done.stderr  # the progress bar
    # Oldest first; each date's run reads the day before (lag 1 day), work sessions one more day back (repull).
    timestamps = [day for table, _, day in _loads(xo_home) if table.endswith(TABLES[0])]
    assert timestamps == ["2025-01-12", "2025-01-13", "2025-01-14"]
    assert {status for _, status, _ in _loads(xo_home)} == {"SUCCEEDED"}

    again = _foundry(cli_env, "backfill", PIPELINE, "--start", "2025-01-13", "--end", "2025-01-15", "--direct")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "done: 0 succeeded, 3 skipped" in again.stdout
    assert len(_loads(xo_home)) == 6

    forced = _foundry(
        cli_env, "backfill", PIPELINE, "--start", "2025-01-15", "--end", "2025-01-15", "--direct", "--force"
    )
    assert forced.returncode == 0 and "done: 1 succeeded, 0 skipped" in forced.stdout
    assert len(_loads(xo_home)) == 8


@pytest.mark.slow
def test_backfill_stops_at_the_first_failure_and_status_shows_the_failed_extract(
    xo_home: Path, cli_env: dict[str, str], sandboxes: Sandboxes
) -> None:
    sandboxes.gladly.faults.add([Fault("error_body", times=None)])
    try:
        done = _foundry(cli_env, "backfill", PIPELINE, "--start", "2025-01-20", "--end", "2025-01-22", "--direct")
    finally:
        sandboxes.gladly.faults.clear()
    assert done.returncode == 1
    assert "FAILED at 2025-01-20" in done.stderr
    resume = f"xo-foundry backfill {PIPELINE} --start 2025-01-20 --end 2025-01-22 --direct"
    assert f"resume with: {resume}" in done.stderr
    assert "2025-01-21" not in done.stdout  # stopped: the next dates never ran

    rows = DuckDBWarehouse(xo_home).ledger_rows("WBP_DB_DEV", TABLES[0])
    assert [(r.step, r.status) for r in rows] == [("extract", "FAILED")]
    assert rows[0].logical_date == datetime(2025, 1, 20, 5, tzinfo=UTC)
    assert rows[0].window_start is not None and rows[0].window_start.date() == date(2025, 1, 19)

    status = _foundry(cli_env, "status", PIPELINE, "--json")
    assert status.returncode == 1, status.stdout + status.stderr
    report = json.loads(status.stdout)
    first = next(t for t in report["tables"] if t["table"] == f"WBP_DB_DEV.BRONZE.{TABLES[0]}")
    assert first["state"] == "failed" and report["ok"] is False
    assert [(f["step"], f["status"]) for f in first["recent_failures"]] == [("extract", "FAILED")]
    assert "Unexpected error occurred" in first["recent_failures"][0]["error"]


@pytest.mark.slow
def test_a_failed_transform_is_in_the_ledger_and_status_shows_it(
    xo_home: Path, cli_env: dict[str, str], tmp_path: Path
) -> None:
    no_project = tmp_path / "not-a-dbt-project"
    no_project.mkdir()
    done = _foundry(
        {**cli_env, "XO_DBT_PROJECT_DIR": str(no_project)}, "run", PIPELINE, "--date", "2025-01-15", "--direct"
    )
    assert done.returncode == 1, done.stdout + done.stderr
    for table in TABLES:  # the transform's attempt is recorded on every BRONZE table it builds from
        rows = DuckDBWarehouse(xo_home).ledger_rows("WBP_DB_DEV", table)
        steps = [(r.step, r.status) for r in rows]
        assert steps == [
            ("extract", "SUCCEEDED"),
            ("stage", "SUCCEEDED"),
            ("load", "SUCCEEDED"),
            ("transform", "FAILED"),
        ]
        transform = rows[-1]
        assert transform.error is not None and "dbt_project.yml" in transform.error
        assert (transform.window_start, transform.window_end) == (rows[0].window_start, rows[0].window_end)
        assert transform.logical_date == rows[0].logical_date and transform.run_id == rows[0].run_id

    status = _foundry(cli_env, "status", PIPELINE, "--json")
    assert status.returncode == 1, status.stdout + status.stderr
    report = json.loads(status.stdout)
    assert {t["state"] for t in report["tables"]} == {"failed"}
    for table in report["tables"]:
        assert [(f["step"], f["status"]) for f in table["recent_failures"]] == [("transform", "FAILED")]

    # The loads succeeded but the date did not: a backfill runs it again (and builds dbt this time).
    again = _foundry(cli_env, "backfill", PIPELINE, "--start", "2025-01-15", "--end", "2025-01-15", "--direct")
    assert again.returncode == 0 and "done: 1 succeeded, 0 skipped" in again.stdout, again.stdout + again.stderr
    transforms = [
        r.status for r in DuckDBWarehouse(xo_home).ledger_rows("WBP_DB_DEV", TABLES[0]) if r.step == "transform"
    ]
    assert transforms == ["FAILED", "SUCCEEDED"]


@pytest.mark.slow
def test_status_is_stale_for_an_old_window_and_ok_after_todays_run(xo_home: Path, cli_env: dict[str, str]) -> None:
    never = _foundry(cli_env, "status", PIPELINE)
    assert never.returncode == 1 and never.stdout.count("STALE") == 2, never.stdout + never.stderr

    old = _foundry(cli_env, "run", PIPELINE, "--date", "2025-01-15", "--direct")
    assert old.returncode == 0, old.stdout + old.stderr
    stale = _foundry(cli_env, "status", "warbyparker")
    assert stale.returncode == 1
    assert f"STALE         WBP_DB_DEV.BRONZE.{TABLES[0]}" in stale.stdout
    assert "window 2025-01-14T00:00:00-05:00 → 2025-01-15T00:00:00-05:00" in stale.stdout

    today = datetime.now(UTC).date().isoformat()
    fresh = _foundry(cli_env, "run", PIPELINE, "--date", today, "--direct")
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    ok = _foundry(cli_env, "status", PIPELINE, "--json")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    report = json.loads(ok.stdout)
    assert report["ok"] is True and {t["state"] for t in report["tables"]} == {"ok"}
    last = report["tables"][0]["last_load"]
    assert last["status"] == "SUCCEEDED" and last["rows"] > 0 and last["seconds"] >= 0


@pytest.mark.slow
def test_backfill_through_airflow_runs_the_generated_dag_then_skips(xo_home: Path, cli_env: dict[str, str]) -> None:
    done = _foundry(cli_env, "backfill", PIPELINE, "--start", "2025-02-02", "--end", "2025-02-03")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "through Airflow (dag.test)" in done.stdout and "done: 2 succeeded, 0 skipped" in done.stdout
    timestamps = [day for table, _, day in _loads(xo_home) if table.endswith(TABLES[0])]
    assert timestamps == ["2025-02-01", "2025-02-02"]
    run_ids = {r.run_id for r in DuckDBWarehouse(xo_home).ledger_rows("WBP_DB_DEV") if r.step == "load"}
    assert all(not run_id.startswith("direct__") for run_id in run_ids)  # Airflow's own run ids
    again = _foundry(cli_env, "backfill", PIPELINE, "--start", "2025-02-02", "--end", "2025-02-03")
    assert again.returncode == 0 and "done: 0 succeeded, 2 skipped" in again.stdout
