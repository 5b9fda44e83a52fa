"""A deployed pipeline reads its credentials from AWS Secrets Manager through Airflow's own secrets backend.

The backend is the Amazon provider's ``SecretsManagerBackend``, configured exactly as a deployment configures it
(``AIRFLOW__SECRETS__BACKEND`` and ``..._KWARGS``), pointed at moto's server. The connection exists nowhere else:
not in the environment, not in ``.env``, not in the metastore.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import boto3
import pytest

from xo_core.warehouse.duckdb.backend import DuckDBWarehouse
from xo_sandbox.gladly import DEFAULT_CREDENTIALS
from xo_sandbox.sandboxes import Sandboxes

AWS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.mark.slow
def test_a_dag_run_resolves_its_connection_from_secrets_manager(
    foundry: Callable[..., subprocess.CompletedProcess[str]],
    moto_endpoint: str,
    sandboxes: Sandboxes,
    tmp_path: Path,
    subprocess_env: Callable[..., dict[str, str]],
) -> None:
    user, token = DEFAULT_CREDENTIALS["condenast"]
    client = boto3.client("secretsmanager", endpoint_url=moto_endpoint, region_name="us-east-1", **_keys())
    connection = {"conn_type": "http", "host": sandboxes.gladly.url, "login": user, "password": token}
    client.create_secret(Name="airflow/connections/gladly_condenast", SecretString=json.dumps(connection))

    backend_kwargs = {"connections_prefix": "airflow/connections", "endpoint_url": moto_endpoint}
    env = subprocess_env(
        tmp_path / "xo-home",
        drop=("AIRFLOW", "XO_", "AWS_"),
        **AWS,
        AIRFLOW__SECRETS__BACKEND="airflow.providers.amazon.aws.secrets.secrets_manager.SecretsManagerBackend",
        AIRFLOW__SECRETS__BACKEND_KWARGS=json.dumps(backend_kwargs),
    )
    done = foundry("run", "condenast/gladly_daily", "--date", "2025-01-15", env=env, cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    ledger = DuckDBWarehouse(tmp_path / "xo-home").ledger_rows("CND_DB_DEV", "GLADLY_CONVERSATIONS")
    ledger = [row for row in ledger if row.step == "load"]
    assert [(row.status, (row.rows_loaded or 0) > 0) for row in ledger] == [("SUCCEEDED", True)]


@pytest.mark.slow
def test_a_connection_found_nowhere_fails_naming_every_place_looked(
    foundry: Callable[..., subprocess.CompletedProcess[str]],
    tmp_path: Path,
    subprocess_env: Callable[..., dict[str, str]],
) -> None:
    env = subprocess_env(tmp_path / "xo-home")
    done = foundry("run", "condenast/gladly_daily", "--date", "2025-01-15", "--direct", env=env, cwd=tmp_path)
    assert done.returncode == 1
    assert "connection 'gladly_condenast' not found" in done.stderr
    assert "AIRFLOW_CONN_GLADLY_CONDENAST" in done.stderr and ".env" in done.stderr


def _keys() -> dict[str, str]:
    return {"aws_access_key_id": AWS["AWS_ACCESS_KEY_ID"], "aws_secret_access_key": AWS["AWS_SECRET_ACCESS_KEY"]}
