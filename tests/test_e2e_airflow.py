"""The generated DAG runs end to end through Airflow (dag.test), and no secret lands anywhere a run writes."""

from __future__ import annotations

import base64
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from xo_core.warehouse.duckdb.backend import DuckDBWarehouse
from xo_core.warehouse.metadata import METADATA_COLUMN_NAMES
from xo_foundry.schemas.loader import DEFAULT_CONFIG_ROOT
from xo_sandbox.sandboxes import start_all

XO_FOUNDRY = str(Path(sys.executable).parent / "xo-foundry")


@pytest.mark.slow
def test_airflow_run_loads_bronze_and_leaks_no_secret(
    tmp_path: Path, subprocess_env: Callable[..., dict[str, str]]
) -> None:
    token = f"secret-{uuid.uuid4().hex}"
    user = "api@warbyparker.example"
    credentials = {"warbyparker": (user, token), "condenast": ("api@condenast.example", f"other-{token}")}
    home = tmp_path / "xo-home"
    with start_all(gladly_credentials=credentials, relaxed_limits=True) as sandboxes:
        env = subprocess_env(home, **sandboxes.connection_env(), XO_ENV="local")
        done = subprocess.run(
            [XO_FOUNDRY, "run", "warbyparker/gladly_daily", "--date", "2025-01-15"],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "load_contact_timestamps" in done.stdout and "success" in done.stdout

    warehouse = DuckDBWarehouse(home)
    with warehouse.connect_read_only("WBP_DB_DEV") as connection:
        for table in ("GLADLY_CONTACT_TIMESTAMPS", "GLADLY_WORK_SESSIONS"):
            count = connection.execute(f'SELECT count(*) FROM "WBP_DB_DEV"."BRONZE"."{table}"').fetchone()
            assert count is not None and count[0] > 0, table
            columns = {r[0] for r in connection.execute(f'DESCRIBE "WBP_DB_DEV"."BRONZE"."{table}"').fetchall()}
            assert set(METADATA_COLUMN_NAMES) <= columns
    assert {r.status for r in warehouse.ledger_rows("WBP_DB_DEV")} == {"SUCCEEDED"}

    # Everything the run wrote: objects, manifests, the warehouse and its ledger, Airflow's metadata DB (XCom,
    # rendered fields, task logs), the generated DAG files.
    basic = base64.b64encode(f"{user}:{token}".encode())
    secrets = [token.encode(), basic]
    written = [p for p in home.rglob("*") if p.is_file()]
    written += list((DEFAULT_CONFIG_ROOT.parent / "dags").glob("*.py"))
    assert any(p.name == "airflow.db" for p in written) and any(p.suffix == ".log" for p in written)
    leaks = [str(p) for p in written for s in secrets if s in p.read_bytes()]
    assert leaks == []
    assert token not in done.stdout + done.stderr
