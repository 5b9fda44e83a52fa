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
from xo_sandbox.gladly import DEFAULT_CREDENTIALS
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
    ran = subprocess.run(
        [str(BIN / "xo-foundry"), "run", "warbyparker/new_contacts", "--date", "2025-01-15", "--direct"],
        env=run_env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    ledger = [r for r in DuckDBWarehouse(tmp_path / "xo-home").ledger_rows("WBP_DB_DEV") if r.step == "load"]
    assert [(row.table_name, row.status) for row in ledger] == [("BRONZE.GLADLY_NEW_CONTACTS", "SUCCEEDED")]
    assert ledger[0].rows_loaded
