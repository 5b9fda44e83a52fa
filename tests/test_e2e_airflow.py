"""The generated DAGs run end to end through Airflow (dag.test), and no secret of any kind of source connection
lands anywhere a run writes or prints."""

from __future__ import annotations

import base64
import re
import sqlite3
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from xo_core.warehouse.duckdb.backend import DuckDBWarehouse
from xo_core.warehouse.metadata import METADATA_COLUMN_NAMES
from xo_foundry.schemas.loader import DEFAULT_CONFIG_ROOT
from xo_sandbox.demo import recent_demo_date, today_of_the_pipelines
from xo_sandbox.sandboxes import start_all

REPO = Path(__file__).resolve().parents[1]


PIPELINES = (
    "warbyparker/gladly_daily",
    "warbyparker/sprout_daily",
    "core/bamboohr_daily",
    "condenast/email_report",
    "warbyparker/roster_sheet",
)
"""One pipeline per kind of source connection: Gladly (Basic e-mail:token), Sprout (Bearer API token), BambooHR
(Basic key:x), Gmail and Sheets (Google bearer tokens). Snowflake and AWS secrets are planted and looked for
by tests/test_prod_dev_run.py, where those connections are used."""


@pytest.mark.slow
def test_airflow_runs_load_bronze_and_no_planted_secret_lands_anywhere(
    foundry: Callable[..., subprocess.CompletedProcess[str]],
    tmp_path: Path,
    subprocess_env: Callable[..., dict[str, str]],
) -> None:
    mark = uuid.uuid4().hex
    user = "api@warbyparker.example"
    gladly = f"gladly-{mark}"
    credentials = {"warbyparker": (user, gladly), "condenast": ("api@condenast.example", f"cnd-{mark}")}
    tokens = {name: f"{name}-{mark}" for name in ("sprout", "bamboohr", "gmail", "sheets")}
    home = tmp_path / "xo-home"
    day = recent_demo_date(today_of_the_pipelines())
    with start_all(gladly_credentials=credentials, tokens=tokens, relaxed_limits=True) as sandboxes:
        env = subprocess_env(home, **sandboxes.connection_env(), XO_ENV="local")
        # One process for all five, as the demo runs its groups: Airflow's and dbt's start-up paid once.
        done = foundry("run", *PIPELINES, "--date", day.isoformat(), env=env, cwd=tmp_path)
    printed = done.stdout + done.stderr
    assert done.returncode == 0, printed
    assert printed.count("Airflow log: ") == len(PIPELINES)  # each one run through dag.test
    assert re.search(r"load_contact_timestamps\s+success", printed)

    warehouse = DuckDBWarehouse(home)
    with warehouse.connect_read_only("WBP_DB_DEV") as connection:
        for table in ("GLADLY_CONTACT_TIMESTAMPS", "GLADLY_WORK_SESSIONS"):
            count = connection.execute(f'SELECT count(*) FROM "WBP_DB_DEV"."BRONZE"."{table}"').fetchone()
            assert count is not None and count[0] > 0, table
            columns = {r[0] for r in connection.execute(f'DESCRIBE "WBP_DB_DEV"."BRONZE"."{table}"').fetchall()}
            assert set(METADATA_COLUMN_NAMES) <= columns
    for database in ("WBP_DB_DEV", "CND_DB_DEV", "CORE_DB_DEV"):
        assert {r.status for r in warehouse.ledger_rows(database)} == {"SUCCEEDED"}, database

    # Everything the runs wrote: objects, manifests, the warehouses and their ledgers, Airflow's metadata DB
    # (XCom, rendered fields, task logs), dbt's artifacts, the generated files; and what each command printed.
    secrets = [gladly, credentials["condenast"][1], *tokens.values()]
    encoded = [
        base64.b64encode(f"{user}:{gladly}".encode()),
        base64.b64encode(f"{tokens['bamboohr']}:x".encode()),
    ]
    needles = [s.encode() for s in secrets] + encoded
    written = [p for p in home.rglob("*") if p.is_file()]
    written += [p for p in (DEFAULT_CONFIG_ROOT.parent).rglob("*") if p.is_file()]
    written += [p for p in (REPO / "apps" / "dbt").rglob("*") if p.is_file()]
    assert any(p.name == "airflow.db" for p in written) and any(p.suffix == ".log" for p in written)
    assert any("dbt" in p.parts and p.name == "manifest.json" for p in written)
    leaks = [f"{p}: {n[:12]!r}" for p in written for n in needles if n in p.read_bytes()]
    assert leaks == []
    assert not [s for s in secrets if s in printed]


@pytest.mark.slow
def test_a_terminal_error_fails_the_task_at_once_and_a_transient_one_keeps_its_retries(
    foundry: Callable[..., subprocess.CompletedProcess[str]],
    tmp_path: Path,
    subprocess_env: Callable[..., dict[str, str]],
    config_checkout: Callable[..., Path],
) -> None:
    # No upload for the day and no wait (the committed config waits hours: tests/test_e2e_late_inputs.py): the
    # extract's InputMissing would fail the same way on every retry.
    root = config_checkout(tmp_path, "warbyparker/s3_uploads", {"wait": None, "on_missing": "fail"})
    home = tmp_path / "xo-home"
    env = subprocess_env(home, XO_ENV="local", XO_CONFIG_ROOT=str(root))
    done = foundry("run", "warbyparker/s3_uploads", "--date", "2025-01-15", env=env, cwd=tmp_path)
    assert done.returncode != 0
    with sqlite3.connect(home / "airflow" / "airflow.db") as db:
        states = dict(db.execute("SELECT task_id, state || ' ' || try_number || '/' || max_tries FROM task_instance"))
    assert states["extract_qa_scores"] == "failed 1/2"  # tried once although the DAG allows two retries
    assert states["load_qa_scores"].startswith("upstream_failed")
    assert "InputMissing (not retried): no upload in bucket" in done.stdout + done.stderr


def test_outside_airflow_errors_propagate_as_they_are() -> None:
    from xo_core.errors import TerminalError, TransientError
    from xo_foundry.tasks.failing import fail_at_once_when_terminal

    def broken(kind: type[Exception], context: dict[str, object]) -> None:
        raise kind("boom")

    task = fail_at_once_when_terminal(broken)
    with pytest.raises(TerminalError):
        task(TerminalError, {})  # run --direct: no task instance in the context
    with pytest.raises(TransientError):
        task(TransientError, {"ti": object()})  # Airflow retries transient errors
    from airflow.sdk.exceptions import AirflowFailException

    with pytest.raises(AirflowFailException):
        task(TerminalError, {"ti": object()})
