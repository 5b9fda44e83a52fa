"""`xo-foundry run A B --date D`: several pipelines in one process, each run and reported as if alone; the exit
status is the number that failed, and one failing does not stop the next."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from xo_core.warehouse.duckdb.backend import DuckDBWarehouse
from xo_sandbox.sandboxes import Sandboxes

pytestmark = pytest.mark.slow


def test_one_failing_pipeline_does_not_stop_the_next_and_the_exit_status_counts_failures(
    tmp_path: Path,
    sandboxes: Sandboxes,
    foundry: Callable[..., subprocess.CompletedProcess[str]],
    subprocess_env: Callable[..., dict[str, str]],
) -> None:
    home = tmp_path / "xo-home"
    connections = {k: v for k, v in sandboxes.connection_env().items() if k != "AIRFLOW_CONN_SPROUT_DEFAULT"}
    env = subprocess_env(home, XO_ENV="local", **connections)
    pipelines = ("warbyparker/sprout_daily", "condenast/gladly_daily", "core/bamboohr_daily")
    done = foundry("run", *pipelines, "--date", "2025-01-15", "--direct", env=env, cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAILED: connection 'sprout_default' not found" in done.stderr
    assert "FAILED: 1 of 3 pipelines: warbyparker_sprout_daily" in done.stderr
    warehouse = DuckDBWarehouse(home)
    assert [r.status for r in warehouse.ledger_rows("CND_DB_DEV", "GLADLY_CONVERSATIONS") if r.step == "load"] == [
        "SUCCEEDED"
    ]
    assert [r.status for r in warehouse.ledger_rows("CORE_DB_DEV", "BAMBOOHR_EMPLOYEES") if r.step == "load"] == [
        "SUCCEEDED"
    ]
    assert [r.status for r in warehouse.ledger_rows("WBP_DB_DEV", "SPROUT_MESSAGES") if r.step == "load"] == []
