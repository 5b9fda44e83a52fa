"""Connections from AWS Secrets Manager (moto's server on 127.0.0.1, real boto3)."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import boto3
import pytest

from xo_core.credentials import EnvironmentSource, local_sources, resolve_connection
from xo_core.errors import CredentialError, TransientError
from xo_core.secrets import SecretsManagerSource, secrets_manager_from_env

PREFIX = "airflow/connections"


@pytest.fixture(scope="module")
def secrets_moto(moto_s3_endpoint: str) -> Any:
    """A boto3 secretsmanager client on the session's moto server."""
    return boto3.client(
        "secretsmanager",
        endpoint_url=moto_s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_a_json_secret_is_resolved_as_a_connection(secrets_moto: Any) -> None:
    value = {
        "conn_type": "snowflake",
        "login": "XO_LOADER",
        "password": "s3cr3t-json",
        "schema": "BRONZE",
        "extra": {"account": "xy12345", "warehouse": "XO_LOADING_WH", "role": "XO_LOADER"},
    }
    secrets_moto.create_secret(Name=f"{PREFIX}/snowflake_prod", SecretString=json.dumps(value))
    conn = resolve_connection(
        "snowflake_prod", [EnvironmentSource({}), SecretsManagerSource(PREFIX, client=secrets_moto)]
    )
    assert (conn.conn_type, conn.login, conn.password, conn.extra["account"]) == (
        "snowflake",
        "XO_LOADER",
        "s3cr3t-json",
        "xy12345",
    )
    assert "s3cr3t-json" not in repr(conn)


def test_a_uri_secret_is_resolved_and_the_environment_wins(secrets_moto: Any) -> None:
    secrets_moto.create_secret(Name=f"{PREFIX}/gladly_acme", SecretString="http://api%40acme.com:tok@acme.gladly.com")
    source = SecretsManagerSource(PREFIX, client=secrets_moto)
    conn = resolve_connection("gladly_acme", [EnvironmentSource({}), source])
    assert (conn.host, conn.login, conn.password) == ("acme.gladly.com", "api@acme.com", "tok")
    from_env = EnvironmentSource({"AIRFLOW_CONN_GLADLY_ACME": "http://other:x@env.example"})
    assert resolve_connection("gladly_acme", [from_env, source]).host == "env.example"


def test_a_missing_secret_lists_every_place_looked(secrets_moto: Any, tmp_path: Path) -> None:
    sources = [*local_sources(tmp_path / ".env"), SecretsManagerSource(PREFIX, client=secrets_moto)]
    with pytest.raises(CredentialError) as caught:
        resolve_connection("snowflake_dev", sources)
    message = str(caught.value)
    assert "environment variable AIRFLOW_CONN_SNOWFLAKE_DEV" in message
    assert f"AIRFLOW_CONN_SNOWFLAKE_DEV in {tmp_path / '.env'}" in message
    assert "AWS Secrets Manager secret 'airflow/connections/snowflake_dev'" in message


def test_an_unreachable_secrets_manager_is_an_error_not_a_missing_secret() -> None:
    from botocore.config import Config

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    client = boto3.client(
        "secretsmanager",
        endpoint_url=closed,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}, connect_timeout=1),
    )
    with pytest.raises(TransientError, match="airflow/connections/x"):
        SecretsManagerSource(PREFIX, client=client).get("x")


def test_the_source_is_configured_by_one_variable() -> None:
    assert secrets_manager_from_env({}) is None
    source = secrets_manager_from_env({"XO_SECRETS_MANAGER_PREFIX": "xo/conns/", "AWS_REGION": "eu-west-1"})
    assert source is not None and source.secret_id("snowflake_prod") == "xo/conns/snowflake_prod"
