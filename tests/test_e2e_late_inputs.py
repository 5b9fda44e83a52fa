"""Inputs that arrive late, under Airflow (``xo-foundry run``, ``dag.test()``): the ``wait_<source>`` sensor
waits for the upload, then ``on_missing`` decides (fail, skip or empty), in seconds with a short wait.

Each run uses a copy of the committed configs (``XO_CONFIG_ROOT``, the ``config_checkout`` fixture) whose S3 upload
source waits a few seconds, and the DAG file the factory renders from it.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from xo_core.environment import environment
from xo_core.storage.factory import object_store_for
from xo_core.warehouse.duckdb.backend import DuckDBWarehouse
from xo_sandbox.uploads import qa_scores_csv, qa_scores_key

XO_FOUNDRY = str(Path(sys.executable).parent / "xo-foundry")
RUN_DATE = date(2025, 1, 15)  # a Wednesday: the window is Tuesday 2025-01-14, a day with evaluations
WINDOW_DAY = RUN_DATE - timedelta(days=1)
PIPELINE = "warbyparker/s3_uploads"


def task_states(home: Path) -> dict[str, str]:
    """Task id → state of the run in Airflow's metadata DB (empty while ``airflow db migrate`` is creating it)."""
    path = home / "airflow" / "airflow.db"
    if not path.is_file():
        return {}
    with sqlite3.connect(path) as db:
        try:
            return dict(db.execute("SELECT task_id, state FROM task_instance"))
        except sqlite3.OperationalError:
            return {}


def bronze_rows(home: Path) -> int | None:
    with DuckDBWarehouse(home).connect_read_only("WBP_DB_DEV") as connection:
        found = connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'S3_QA_SCORES'"
        ).fetchone()
        if not found or not found[0]:
            return None
        row = connection.execute('SELECT count(*) FROM "WBP_DB_DEV"."BRONZE"."S3_QA_SCORES"').fetchone()
        return int(row[0]) if row else None


def upload(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Drop the window's QA export where the pipeline looks (the landing bucket of that XO_HOME)."""
    monkeypatch.setenv("XO_HOME", str(home))
    monkeypatch.setenv("XO_ENV", "local")
    env = environment()
    object_store_for(env.object_store_url).put_bytes(
        env.landing_bucket, qa_scores_key(WINDOW_DAY), qa_scores_csv(WINDOW_DAY)
    )


def run(env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [XO_FOUNDRY, "run", PIPELINE, "--date", RUN_DATE.isoformat()],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.slow
def test_an_upload_that_arrives_while_the_sensor_waits_is_loaded(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    subprocess_env: Callable[..., dict[str, str]],
    config_checkout: Callable[..., Path],
) -> None:
    root = config_checkout(tmp_path, PIPELINE, {"wait": {"timeout_seconds": 120, "poke_interval_seconds": 1}})
    home = tmp_path / "xo-home"
    env = subprocess_env(home, XO_ENV="local", XO_CONFIG_ROOT=str(root))
    started = time.monotonic()
    process = run(env, tmp_path)
    # Upload only once the sensor has looked and found nothing (it is waiting for its next poke).
    deadline = time.monotonic() + 300  # Airflow's start included: a bound for a loaded machine
    while time.monotonic() < deadline and process.poll() is None:
        if task_states(home).get("wait_qa_scores") == "up_for_reschedule":
            break
        time.sleep(0.5)
    assert task_states(home).get("wait_qa_scores") == "up_for_reschedule"
    uploaded_after = time.monotonic() - started
    upload(home, monkeypatch)
    output, _ = process.communicate(timeout=300)
    states = task_states(home)
    assert {t: states[t] for t in ("wait_qa_scores", "extract_qa_scores", "stage_qa_scores", "load_qa_scores")} == {
        "wait_qa_scores": "success",
        "extract_qa_scores": "success",
        "stage_qa_scores": "success",
        "load_qa_scores": "success",
    }, output
    rows = bronze_rows(home)
    assert rows is not None and rows > 0
    print(f"uploaded {uploaded_after:.1f}s after the start; run took {time.monotonic() - started:.1f}s")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("on_missing", "wait_state", "load_state"),
    [("fail", "failed", "upstream_failed"), ("skip", "skipped", "skipped"), ("empty", "success", "success")],
)
def test_an_upload_that_never_comes_ends_as_on_missing_says(
    tmp_path: Path,
    subprocess_env: Callable[..., dict[str, str]],
    config_checkout: Callable[..., Path],
    on_missing: str,
    wait_state: str,
    load_state: str,
) -> None:
    wait = {"timeout_seconds": 3, "poke_interval_seconds": 1}
    root = config_checkout(tmp_path, PIPELINE, {"wait": wait, "on_missing": on_missing})
    home = tmp_path / "xo-home"
    env = subprocess_env(home, XO_ENV="local", XO_CONFIG_ROOT=str(root))
    started = time.monotonic()
    process = run(env, tmp_path)
    output, _ = process.communicate(timeout=300)
    seconds = time.monotonic() - started
    states = task_states(home)
    assert states["wait_qa_scores"] == wait_state, output
    assert states["load_qa_scores"] == load_state, output
    if on_missing == "fail":
        assert process.returncode != 0
        assert "InputMissing (not retried)" in output and "did not arrive within 3 s" in output
        with sqlite3.connect(home / "airflow" / "airflow.db") as db:
            tries = db.execute("SELECT try_number FROM task_instance WHERE task_id = 'wait_qa_scores'").fetchone()
        assert tries == (1,)  # the DAG allows 2 retries: a missing input after its wait is not retried
    if on_missing == "skip":
        assert states["extract_qa_scores"] == "skipped" and states["transform"] == "skipped"
    if on_missing == "empty":
        assert states["extract_qa_scores"] == "success"
        assert bronze_rows(home) in (None, 0)
    print(f"on_missing={on_missing}: {seconds:.1f}s, {states}")
