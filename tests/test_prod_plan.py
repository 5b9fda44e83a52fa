"""``xo-foundry plan``: the window, object keys and Snowflake statements of a prod run, connecting to nothing."""

from __future__ import annotations

import socket
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from xo_foundry.cli.main import app

SNAPSHOT = Path(__file__).parent / "snapshots" / "prod_plan_warbyparker_gladly_daily.txt"
_SOCKETS_BLOCKED = False


def _no_network(event: str, args: tuple[Any, ...]) -> None:
    # An audit hook cannot be removed, so it is installed once and switched on only inside the test.
    if _SOCKETS_BLOCKED and event in {"socket.connect", "socket.getaddrinfo", "socket.__new__"}:
        raise RuntimeError(f"plan opened a socket: {event} {args[:2]}")


sys.addaudithook(_no_network)


@pytest.fixture
def prod_plan_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every endpoint points at a closed port and a Secrets Manager prefix is set: any lookup would fail."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    monkeypatch.setenv("XO_S3_ENDPOINT_URL", closed)
    monkeypatch.setenv("AWS_ENDPOINT_URL", closed)
    monkeypatch.setenv("XO_SECRETS_MANAGER_PREFIX", "airflow/connections")
    monkeypatch.setenv("XO_HOME", str(tmp_path / "xo"))
    for name in ("XO_INGEST_BUCKET", "XO_STAGE_BUCKET", "XO_LANDING_BUCKET", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def _plan(*args: str) -> Any:
    global _SOCKETS_BLOCKED
    _SOCKETS_BLOCKED = True
    try:
        return CliRunner().invoke(app, ["plan", "warbyparker/gladly_daily", "--date", "2025-01-15", *args])
    finally:
        _SOCKETS_BLOCKED = False


def test_the_audit_hook_would_catch_a_connection() -> None:
    global _SOCKETS_BLOCKED
    _SOCKETS_BLOCKED = True
    try:
        with pytest.raises(RuntimeError, match="plan opened a socket"):
            socket.create_connection(("127.0.0.1", 9), timeout=0.1)
    finally:
        _SOCKETS_BLOCKED = False


def test_plan_prints_the_prod_run_without_opening_a_socket(prod_plan_env: None) -> None:
    result = _plan("--env", "prod")
    assert result.exit_code == 0, result.output
    if not SNAPSHOT.is_file():
        SNAPSHOT.write_text(result.stdout, encoding="utf-8")
        pytest.fail(f"wrote {SNAPSHOT}: review it and run again")
    assert result.stdout == SNAPSHOT.read_text(encoding="utf-8")
    assert result.stderr.startswith("config root: ")


def test_plan_lists_keys_and_the_load_statements_in_transaction_order(prod_plan_env: None) -> None:
    out = _plan("--env", "prod").output
    key = "warbyparker/contact_timestamps/full_refresh/2025-01-14/contact_timestamps.csv"
    for uri in (
        f"s3://xo-data-ingest/{key}",
        f"s3://xo-data-ingest/{key}.manifest.json",
        f"s3://xo-data-stage/{key}",
        f"s3://xo-data-stage/{key}.columns.json",
    ):
        assert f" {uri}\n" in out
    section = out.split("source contact_timestamps")[1].split("source work_sessions")[0]
    order = [
        'CREATE TABLE IF NOT EXISTS "WBP_DB"."BRONZE"."GLADLY_CONTACT_TIMESTAMPS"',
        "    BEGIN\n",
        'TRUNCATE TABLE "WBP_DB"."BRONZE"."GLADLY_CONTACT_TIMESTAMPS"',
        "FILES = ('contact_timestamps.csv')",
        "-- check: the sum of rows_loaded",
        "STATUS='SUCCEEDED'",
        "    COMMIT\n",
        "    ROLLBACK\n",
        "STATUS='FAILED'",
    ]
    positions = [section.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert "FROM @WBP_DB.BRONZE.XO_STAGE/warbyparker/contact_timestamps/full_refresh/2025-01-14/)" in section
    assert section.count("FORCE = TRUE") == 1 and "COMMIT" not in section.split("on any error")[1]


def test_plan_in_dev_names_the_dev_database_and_buckets(prod_plan_env: None) -> None:
    out = _plan("--env", "dev").output
    assert "WBP_DB_DEV.BRONZE.XO_STAGE on s3://xo-data-stage-dev/" in out
    assert "snowflake_dev" in out and '"WBP_DB"' not in out


def test_plan_refuses_the_local_environment(prod_plan_env: None) -> None:
    result = _plan("--env", "local")
    assert result.exit_code == 1 and "use --env dev|prod" in result.output
