"""Whole runs at once, as real processes (``xo-foundry run ... --direct``) against the simulators on one XO_HOME.

A scheduled and a manual run of the same pipeline and window, a backfill of another window of the same table, and
two DAGs whose dbt transforms overlap: the DuckDB write lock (one per database file; dbt holds every file's) serialises
them, so every run succeeds, BRONZE holds exactly one load's rows and GOLD is what one run alone gives.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import duckdb
import pytest

ROSTER = '"WBP_DB_DEV"."BRONZE"."SHEETS_AGENT_ROSTER"'
FOUNDRY = str(Path(sys.executable).with_name("xo-foundry"))


def _run_at_once(runs: list[list[str]], env: dict[str, str], cwd: Path) -> list[subprocess.CompletedProcess[str]]:
    started = [
        subprocess.Popen([FOUNDRY, "run", *args, "--direct"], env=env, cwd=cwd, text=True, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
        for args in runs
    ]  # fmt: skip
    done = []
    for process, args in zip(started, runs, strict=True):
        out, err = process.communicate(timeout=300)
        done.append(subprocess.CompletedProcess(args, process.returncode, out, err))
    return done


def _env(home: Path, subprocess_env: Callable[..., dict[str, str]]) -> dict[str, str]:
    # subprocess_env drops every AIRFLOW* variable; the simulators' connections (set by xo_home) go back in.
    connections = {k: v for k, v in os.environ.items() if k.startswith("AIRFLOW_CONN_")}
    return subprocess_env(home, XO_ENV="local", **connections)


def _query(home: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(home / "warehouse" / "WBP_DB_DEV.duckdb"), read_only=True) as connection:
        return connection.execute(sql).fetchall()


@pytest.mark.slow
def test_same_pipeline_and_window_twice_and_a_backfill_at_once(
    xo_home: Path, tmp_path: Path, subprocess_env: Callable[..., dict[str, str]]
) -> None:
    env = _env(xo_home, subprocess_env)
    runs = [
        ["warbyparker/roster_sheet", "--date", "2025-01-15"],  # scheduled
        ["warbyparker/roster_sheet", "--date", "2025-01-15"],  # manual, same window
        ["warbyparker/roster_sheet", "--date", "2025-01-10"],  # backfill, same table
    ]
    done = _run_at_once(runs, env, tmp_path)
    assert [r.returncode for r in done] == [0, 0, 0], [r.stderr[-2000:] for r in done]

    # One load's rows, whole: one run id, one window, the sheet's 40 rows once.
    rows, runs_in_table, windows, distinct_employees = _query(
        xo_home,
        f'SELECT count(*), count(DISTINCT "_XO_RUN_ID"), count(DISTINCT "_XO_WINDOW_START"),'
        f' count(DISTINCT "EMPLOYEE_ID") FROM {ROSTER}',
    )[0]
    assert (rows, runs_in_table, windows, distinct_employees) == (40, 1, 1, 40)
    ledger = _query(
        xo_home,
        'SELECT STATUS, STARTED_AT, FINISHED_AT, RUN_ID FROM "WBP_DB_DEV"."XO_META"."LOAD_LEDGER"'
        " WHERE TABLE_NAME = 'BRONZE.SHEETS_AGENT_ROSTER' AND STEP = 'load' ORDER BY STARTED_AT",
    )
    assert [r[0] for r in ledger] == ["SUCCEEDED"] * 3
    for before, after in pairwise(ledger):
        assert before[2] <= after[1]  # serialised: never two loads of the table at once
    (last_run,) = _query(xo_home, f'SELECT DISTINCT "_XO_RUN_ID" FROM {ROSTER}')[0]
    assert last_run == ledger[-1][3]


@pytest.mark.slow
def test_two_dags_transforming_at_once_both_succeed(
    xo_home: Path, tmp_path: Path, subprocess_env: Callable[..., dict[str, str]]
) -> None:
    env = _env(xo_home, subprocess_env)
    runs = [["warbyparker/gladly_daily", "--date", "2025-01-15"], ["warbyparker/roster_sheet", "--date", "2025-01-15"]]
    done = _run_at_once(runs, env, tmp_path)
    assert [r.returncode for r in done] == [0, 0], [r.stderr[-2000:] for r in done]
    assert all("transform" in r.stdout and "success" in r.stdout for r in done)

    # GOLD joins both DAGs' tables: every contact of the day is counted once, every rostered agent named.
    handled, named = _query(
        xo_home,
        "SELECT sum(CONTACTS_HANDLED), count(*) FILTER (WHERE AGENT_NAME IS NOT NULL)"
        ' FROM "WBP_DB_DEV"."GOLD"."rpt_agent_dashboard"',
    )[0]
    assert handled > 0 and named > 0
