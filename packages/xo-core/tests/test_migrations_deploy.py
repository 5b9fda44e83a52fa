"""apps/snowflake-schema deployed twice with schemachange 4.4 (a subprocess, via deploy.sh) to fakesnow.

fakesnow runs in server mode (``fakesnow -s``) on 127.0.0.1 and a free port; schemachange reaches it
through SNOWFLAKE_HOST/PORT/PROTOCOL. fakesnow rejects some Snowflake DDL the scripts rightly use,
so the session parameter ``nop_regexes`` (a fakesnow extension) makes it answer those statements
with success and do nothing. The scripts are not changed for fakesnow. Each regex may be preceded
by comments, because schemachange sends a statement together with the comment lines above it:

- ``ALTER SESSION SET QUERY_TAG``: schemachange tags each script's queries; fakesnow has no query tags.
- ``CREATE WAREHOUSE`` / ``ALTER WAREHOUSE``: fakesnow has no warehouses (parser error).
- ``CREATE ROLE``: fakesnow has no roles (parser error).
- ``GRANT``: fakesnow has no access control (parser error), so role and privilege grants are checked
  statement by statement in test_migrations_scripts.py instead.

fakesnow does run everything that creates what the platform uses: databases, schemas, the ledger
table, file formats and stages (and ``USE ROLE``, which it accepts and ignores).
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import snowflake.connector
import yaml
from schemachange.JinjaTemplateProcessor import JinjaTemplateProcessor
from schemachange.sql_splitter import split_sql_statements
from snowflake.connector import SnowflakeConnection
from snowflake.connector.errors import ProgrammingError

APP = Path(__file__).resolve().parents[3] / "apps" / "snowflake-schema"
BIN = Path(sys.executable).parent
DEV_DATABASES = ("WBP_DB_DEV", "CND_DB_DEV", "CORE_DB_DEV")
HISTORY = "XO_ADMIN_DEV.SCHEMACHANGE.CHANGE_HISTORY"
# Comments and blank lines schemachange keeps in front of a statement.
_LEADING = r"(?:\s|--[^\n]*\n|/\*[\s\S]*?\*/)*"
NOP_REGEXES = {
    "query tag": _LEADING + r"ALTER\s+SESSION\s+SET\s+QUERY_TAG\b",
    "warehouse": _LEADING + r"(?:CREATE|ALTER)\s+WAREHOUSE\s",
    "role": _LEADING + r"CREATE\s+ROLE\s",
    "grant": _LEADING + r"GRANT\s",
}
# What fakesnow must really run: the deploy test then queries these objects.
CREATES_CHECKED_OBJECT = _LEADING + r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:DATABASE|SCHEMA|TABLE|STAGE|FILE\s+FORMAT)\s"
# One statement of each skipped kind, to show fakesnow still needs its regex.
REJECTED_BY_FAKESNOW = {
    "query tag": "ALTER SESSION SET QUERY_TAG = 'xo'",
    "warehouse": "CREATE WAREHOUSE IF NOT EXISTS XO_LOADING_WH_DEV WITH WAREHOUSE_SIZE = 'XSMALL'",
    "role": "CREATE ROLE IF NOT EXISTS XO_LOADER_DEV",
    "grant": "GRANT USAGE ON DATABASE WBP_DB_DEV TO ROLE XO_LOADER_DEV",
}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen[bytes], deadline_s: float = 180.0) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"fakesnow exited with {process.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"fakesnow did not listen on port {port} within {deadline_s} s")


@pytest.fixture(scope="module")
def migrations_fakesnow_port() -> Iterator[int]:
    """Port of a ``fakesnow -s`` server started for this module and stopped (SIGINT) after it."""
    port = _free_port()
    process = subprocess.Popen(
        [str(BIN / "fakesnow"), "-s", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, process)
        yield port
    finally:
        process.send_signal(signal.SIGINT)  # what the fakesnow CLI waits for
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def connect(port: int, *, nop: bool = True) -> SnowflakeConnection:
    """A real connector session on the fakesnow server, with or without the nop regexes."""
    parameters: dict[str, Any] = {"CLIENT_OUT_OF_BAND_TELEMETRY_ENABLED": False}
    if nop:
        parameters["nop_regexes"] = list(NOP_REGEXES.values())
    return snowflake.connector.connect(
        user="fake",
        password="snow",
        account="fakesnow",
        host="127.0.0.1",
        port=port,
        protocol="http",
        network_timeout=5,
        session_parameters=parameters,
    )


def query(port: int, sql: str) -> list[tuple[Any, ...]]:
    """Rows of one query on a fresh session."""
    conn = connect(port)
    try:
        return list(conn.cursor().execute(sql) or [])
    finally:
        conn.close()


def deploy_env(port: int) -> dict[str, str]:
    """Environment of deploy.sh: fakesnow's address, no inherited Snowflake settings."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("SNOWFLAKE_", "SCHEMACHANGE_"))}
    return inherited | {
        "SNOWFLAKE_ACCOUNT": "fakesnow",
        "SNOWFLAKE_USER": "fake",
        # fakesnow's fixed test login, not a secret
        "SNOWFLAKE_PASSWORD": "snow",
        "SNOWFLAKE_HOST": "127.0.0.1",
        "SNOWFLAKE_PORT": str(port),
        "SNOWFLAKE_PROTOCOL": "http",
        "SNOWFLAKE_SESSION_PARAMETERS": json.dumps({"nop_regexes": list(NOP_REGEXES.values())}),
        "SCHEMACHANGE": str(BIN / "schemachange"),
        "PYTHON": sys.executable,
        "NO_COLOR": "1",
    }


@dataclass(frozen=True)
class Deploys:
    """What the two deploys printed and the change history after each."""

    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]
    history_after_first: list[tuple[Any, ...]]
    history_after_second: list[tuple[Any, ...]]


def run_bootstrap(port: int) -> None:
    """The one-time account setup of the README, rendered with the dev vars."""
    variables = yaml.safe_load((APP / "vars" / "dev.yml").read_text(encoding="utf-8"))
    processor = JinjaTemplateProcessor(project_root=APP / "bootstrap")
    conn = connect(port)
    try:
        for statement in split_sql_statements(processor.render("account_setup.sql", variables)):
            conn.cursor().execute(statement)
    finally:
        conn.close()


@pytest.fixture(scope="module")
def migrations_deploys(migrations_fakesnow_port: int) -> Deploys:
    """Bootstrap, then deploy the dev environment twice with schemachange."""
    port = migrations_fakesnow_port
    run_bootstrap(port)
    history_sql = f"SELECT VERSION, SCRIPT, SCRIPT_TYPE, CHECKSUM, STATUS FROM {HISTORY} ORDER BY SCRIPT"
    command = [str(APP / "deploy.sh"), "dev"]
    env = deploy_env(port)
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert first.returncode == 0, first.stdout + first.stderr
    history_after_first = query(port, history_sql)
    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert second.returncode == 0, second.stdout + second.stderr
    return Deploys(first, second, history_after_first, query(port, history_sql))


def script_names() -> list[str]:
    """File names of the change scripts."""
    return sorted(path.name for path in (APP / "migrations").rglob("*.sql"))


@pytest.mark.slow
def test_first_deploy_applies_every_script_once(migrations_deploys: Deploys) -> None:
    output = migrations_deploys.first.stdout + migrations_deploys.first.stderr
    assert f"scripts_applied={len(script_names())} scripts_skipped=0" in output
    history = migrations_deploys.history_after_first
    assert sorted(row[1] for row in history) == script_names()
    assert {row[4] for row in history} == {"Success"}
    versions = sorted(row[0] for row in history if row[2] == "V")
    assert versions == sorted(re.findall(r"^V(\d+\.\d+\.\d+)__", name)[0] for name in script_names() if name[0] == "V")


@pytest.mark.slow
def test_second_deploy_applies_nothing(migrations_deploys: Deploys) -> None:
    output = migrations_deploys.second.stdout + migrations_deploys.second.stderr
    assert f"scripts_applied=0 scripts_skipped={len(script_names())}" in output
    assert "Applying" not in output
    # Rendering is deterministic, so no script's checksum moved between the runs.
    assert "checksum has drifted" not in output
    assert migrations_deploys.history_after_second == migrations_deploys.history_after_first


@pytest.mark.slow
def test_databases_schemas_and_ledger_exist(migrations_deploys: Deploys, migrations_fakesnow_port: int) -> None:
    port = migrations_fakesnow_port
    databases = {row[1] for row in query(port, "SHOW DATABASES")}
    assert set(DEV_DATABASES) <= databases
    assert not databases & {"WBP_DB", "CND_DB", "CORE_DB"}
    for db in DEV_DATABASES:
        schemas = {row[0] for row in query(port, f"SELECT SCHEMA_NAME FROM {db}.INFORMATION_SCHEMA.SCHEMATA")}
        assert {"BRONZE", "SILVER", "GOLD", "XO_META"} <= schemas
        columns = query(
            port,
            f"SELECT COLUMN_NAME, DATA_TYPE FROM {db}.INFORMATION_SCHEMA.COLUMNS"
            " WHERE TABLE_SCHEMA = 'XO_META' AND TABLE_NAME = 'LOAD_LEDGER' ORDER BY ORDINAL_POSITION",
        )
        assert columns == [
            ("LOAD_ID", "TEXT"),
            ("RUN_ID", "TEXT"),
            ("TABLE_NAME", "TEXT"),
            ("FILES", "TEXT"),
            ("ROWS_LOADED", "NUMBER"),
            ("EXPECTED_ROWS", "NUMBER"),
            ("STATUS", "TEXT"),
            ("ERROR", "TEXT"),
            ("STARTED_AT", "TIMESTAMP_TZ"),
            ("FINISHED_AT", "TIMESTAMP_TZ"),
            ("QUERY_IDS", "TEXT"),
            # V1.4.0: added to the table V1.1.0 created
            ("STEP", "TEXT"),
            ("DAG_ID", "TEXT"),
            ("LOGICAL_DATE", "TIMESTAMP_TZ"),
            ("WINDOW_START", "TIMESTAMP_TZ"),
            ("WINDOW_END", "TIMESTAMP_TZ"),
            ("REPLAY", "BOOLEAN"),
            # V1.5.0: the header a stage read, and its drift from the contract
            ("COLUMNS", "TEXT"),
            ("DRIFT", "TEXT"),
        ]


@pytest.mark.slow
def test_stage_and_file_format_exist(migrations_deploys: Deploys, migrations_fakesnow_port: int) -> None:
    port = migrations_fakesnow_port
    for db in DEV_DATABASES:
        stages = query(port, f"SHOW STAGES IN SCHEMA {db}.BRONZE")
        assert [(row[1], row[4]) for row in stages] == [("XO_STAGE", "s3://xo-data-stage-dev/")]
        formats = query(port, f"SHOW FILE FORMATS IN SCHEMA {db}.BRONZE")
        assert [row[1] for row in formats] == ["XO_CSV"]
        options = json.loads(formats[0][7])
        assert options["SKIP_HEADER"] == 1
        assert options["FIELD_OPTIONALLY_ENCLOSED_BY"] == '"'
        assert options["EMPTY_FIELD_AS_NULL"] is True
        assert options["ERROR_ON_COLUMN_COUNT_MISMATCH"] is True


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(REJECTED_BY_FAKESNOW))
def test_fakesnow_still_rejects_what_is_skipped(migrations_fakesnow_port: int, kind: str) -> None:
    conn = connect(migrations_fakesnow_port, nop=False)
    try:
        with pytest.raises(ProgrammingError):
            conn.cursor().execute(REJECTED_BY_FAKESNOW[kind])
    finally:
        conn.close()
    assert re.match(NOP_REGEXES[kind], "-- why\n" + REJECTED_BY_FAKESNOW[kind], re.IGNORECASE)


def test_no_statement_that_creates_a_checked_object_is_skipped() -> None:
    processor = JinjaTemplateProcessor(project_root=APP / "migrations", modules_folder=APP / "modules")
    variables = yaml.safe_load((APP / "vars" / "dev.yml").read_text(encoding="utf-8"))
    creates = 0
    for path in sorted((APP / "migrations").rglob("*.sql")):
        for statement in split_sql_statements(processor.render(processor.relpath(path), variables)):
            if re.match(CREATES_CHECKED_OBJECT, statement, re.IGNORECASE):
                creates += 1
                skipped = [kind for kind, regex in NOP_REGEXES.items() if re.match(regex, statement, re.I)]
                assert skipped == [], f"{path.name}: skipped by {skipped}: {statement}"
    assert creates == 3 * 4 + 3 + 3 + 3 * 2  # databases, schemas, ledgers, formats and stages
