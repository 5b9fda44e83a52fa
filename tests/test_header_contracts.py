"""Header contracts at stage time, end to end: the S3-upload source's extract, stage and load on DuckDB (the task
functions the DAG calls, ``run --direct`` without dbt), then ``xo-foundry status``.

A good upload is loaded first (its header becomes the recorded contract); then the quality team's export drifts:
``Score (%)`` renamed to ``Score Pct``, ``Evaluator`` gone, ``Region`` added.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from xo_core.environment import environment
from xo_core.errors import ContractError
from xo_core.storage.factory import object_store_for
from xo_core.warehouse.duckdb.backend import DuckDBWarehouse
from xo_foundry.cli.run import logical_date_for, run_direct
from xo_foundry.schemas.loader import DEFAULT_CONFIG_ROOT, load_pipeline
from xo_foundry.schemas.pipeline import PipelineConfig
from xo_sandbox.uploads import QA_HEADER, qa_scores_csv, qa_scores_key

DB, TABLE = "WBP_DB_DEV", "S3_QA_SCORES"
GOOD_DAY, DRIFT_DAY, NEXT_DAY = date(2025, 1, 14), date(2025, 1, 15), date(2025, 1, 16)  # weekdays: rows
STANDARD = ["EVALUATION_ID", "AGENT_EMAIL", "AGENT_NAME", "EVALUATED_AT_ET", "SCORE", "EVALUATOR", "COMMENTS"]


def drifted_csv(day: date) -> bytes:
    """The day's export with ``Score (%)`` renamed, ``Evaluator`` gone and ``Region`` added at the end."""
    rows = list(csv.reader(io.StringIO(qa_scores_csv(day).decode("utf-8-sig"), newline="")))
    gone = QA_HEADER.index("Evaluator")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for n, row in enumerate(rows):
        kept = [value for i, value in enumerate(row) if i != gone]
        if n == 0:
            writer.writerow([("Score Pct" if v == "Score (%)" else v) for v in kept] + ["Region"])
        else:
            writer.writerow([*kept, "US-East"])
    return out.getvalue().encode()


def pipeline(contract: dict[str, Any] | None) -> PipelineConfig:
    """The committed S3-upload pipeline with ``contract`` in place of its own (None: no contract block)."""
    config = load_pipeline(DEFAULT_CONFIG_ROOT / "warbyparker" / "s3_uploads.yaml")
    data = config.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["sources"]["qa_scores"].pop("contract", None)
    if contract is not None:
        data["sources"]["qa_scores"]["contract"] = contract
    return PipelineConfig.model_validate(data)


def upload(window_day: date, body: bytes) -> None:
    env = environment()
    object_store_for(env.object_store_url).put_bytes(env.landing_bucket, qa_scores_key(window_day), body)


def run(config: PipelineConfig, window_day: date) -> None:
    """Extract, stage and load the window of ``window_day`` (the run of the next day: lag 1 day)."""
    run_direct(config, logical_date_for(config, window_day + timedelta(days=1)), transform=False)


def bronze(home: Path) -> tuple[list[str], list[tuple[Any, ...]]]:
    """BRONZE's columns, and its rows' run id and count."""
    with DuckDBWarehouse(home).connect_read_only(DB) as connection:
        columns = [r[0] for r in connection.execute(f'DESCRIBE "{DB}"."BRONZE"."{TABLE}"').fetchall()]
        rows = connection.execute(f'SELECT _XO_RUN_ID, count(*) FROM "{DB}"."BRONZE"."{TABLE}" GROUP BY 1').fetchall()
    return columns, rows


def stage_rows(home: Path) -> list[Any]:
    return [r for r in DuckDBWarehouse(home).ledger_rows(DB, TABLE) if r.step == "stage"]


def status(foundry: Callable[..., Any], env: dict[str, str], home: Path) -> tuple[str, dict[str, Any]]:
    text = foundry("status", "warbyparker/s3_uploads", env=env, cwd=home.parent)
    data = foundry("status", "warbyparker/s3_uploads", "--json", env=env, cwd=home.parent)
    (table,) = json.loads(data.stdout)["tables"]
    return text.stdout, table


@pytest.mark.slow
def test_fail_stops_before_the_load_naming_the_columns_and_bronze_keeps_its_rows(
    xo_home: Path, foundry: Callable[..., Any], subprocess_env: Callable[..., dict[str, str]]
) -> None:
    config = pipeline(None)  # full_refresh without a declared contract: fail, against the last good load
    upload(GOOD_DAY, qa_scores_csv(GOOD_DAY))
    run(config, GOOD_DAY)
    before = bronze(xo_home)
    upload(DRIFT_DAY, drifted_csv(DRIFT_DAY))

    with pytest.raises(ContractError) as refused:
        run(config, DRIFT_DAY)

    message = str(refused.value)
    assert f"{DB}.BRONZE.{TABLE}" in message and f"{DRIFT_DAY}/qa_scores.csv" in message
    assert "renamed SCORE → SCORE_PCT" in message and "gone EVALUATOR" in message and "added REGION" in message
    assert "BRONZE is unchanged" in message
    assert bronze(xo_home) == before  # the load never ran: same columns, same run's rows
    loads = [r for r in DuckDBWarehouse(xo_home).ledger_rows(DB, TABLE) if r.step == "load"]
    assert [r.status for r in loads] == ["SUCCEEDED"]
    good, drifted = stage_rows(xo_home)
    assert (good.status, good.columns, good.drift) == ("SUCCEEDED", STANDARD, None)
    assert drifted.status == "FAILED" and "ContractError" in (drifted.error or "")
    drift = json.loads(drifted.drift or "{}")
    assert (drift["on_drift"], drift["gone"], drift["added"]) == (
        "fail",
        ["SCORE", "EVALUATOR"],
        ["SCORE_PCT", "REGION"],
    )
    # The refused file was not left half-staged: the stage bucket holds the good day's objects only.
    env = environment()
    staged = [o.key for o in object_store_for(env.object_store_url).list(env.stage_bucket, "warbyparker/")]
    assert staged and not [key for key in staged if DRIFT_DAY.isoformat() in key], staged

    text, table = status(foundry, subprocess_env(xo_home, XO_ENV="local"), xo_home)
    assert table["state"] == "failed"
    assert "renamed SCORE → SCORE_PCT" in text and "on_drift fail" in text
    assert table["column_drift"][0]["gone"] == ["SCORE", "EVALUATOR"]


@pytest.mark.slow
@pytest.mark.parametrize("on_drift", ["evolve", "warn"])
def test_evolve_and_warn_load_the_drifted_file_and_record_the_drift_once(
    xo_home: Path,
    foundry: Callable[..., Any],
    subprocess_env: Callable[..., dict[str, str]],
    caplog: pytest.LogCaptureFixture,
    on_drift: str,
) -> None:
    config = pipeline({"on_drift": on_drift})
    upload(GOOD_DAY, qa_scores_csv(GOOD_DAY))
    run(config, GOOD_DAY)
    upload(DRIFT_DAY, drifted_csv(DRIFT_DAY))
    with caplog.at_level(logging.INFO, logger="xo_core.staging.contract"):
        run(config, DRIFT_DAY)

    (logged,) = [r for r in caplog.records if r.name == "xo_core.staging.contract"]
    assert logged.levelno == (logging.WARNING if on_drift == "warn" else logging.INFO)
    assert "renamed SCORE → SCORE_PCT" in logged.getMessage()
    columns, rows = bronze(xo_home)
    # Added columns are added, gone ones kept (never dropped); the table holds the drifted window only.
    assert {"SCORE", "EVALUATOR", "SCORE_PCT", "REGION"} <= set(columns)
    assert len(rows) == 1 and rows[0][1] > 0
    with DuckDBWarehouse(xo_home).connect_read_only(DB) as connection:
        nulls = connection.execute(
            "SELECT count(*) FILTER (WHERE SCORE IS NULL), count(*) FILTER (WHERE REGION IS NULL)"
            f' FROM "{DB}"."BRONZE"."{TABLE}"'
        ).fetchone()
    assert nulls is not None and nulls[0] == rows[0][1] and nulls[1] == 0
    drifted = stage_rows(xo_home)[-1]
    assert drifted.status == "SUCCEEDED" and json.loads(drifted.drift or "{}")["on_drift"] == on_drift
    text, table = status(foundry, subprocess_env(xo_home, XO_ENV="local"), xo_home)
    assert f"on_drift {on_drift}" in text and table["column_drift"][0]["added"] == ["SCORE_PCT", "REGION"]

    # The accepted header is the contract now: the next day's file, drifted the same way, is no drift.
    upload(NEXT_DAY, drifted_csv(NEXT_DAY))
    run(config, NEXT_DAY)
    assert stage_rows(xo_home)[-1].drift is None


@pytest.mark.slow
def test_a_declared_contract_refuses_even_the_first_file(xo_home: Path) -> None:
    # Declared with the new export's columns: the old export is the drifted one, and no load has run yet.
    declared = ["EVALUATION_ID", "AGENT_EMAIL", "AGENT_NAME", "EVALUATED_AT_ET", "SCORE_PCT", "COMMENTS", "REGION"]
    upload(GOOD_DAY, qa_scores_csv(GOOD_DAY))
    with pytest.raises(ContractError, match=r"renamed SCORE_PCT → SCORE; gone REGION; added EVALUATOR"):
        run(pipeline({"columns": declared}), GOOD_DAY)
    assert not DuckDBWarehouse(xo_home).table_columns(DB, "BRONZE", TABLE)
    upload(DRIFT_DAY, drifted_csv(DRIFT_DAY))
    run(pipeline({"columns": declared}), DRIFT_DAY)
    assert stage_rows(xo_home)[-1].drift is None
    assert set(DuckDBWarehouse(xo_home).table_columns(DB, "BRONZE", TABLE)) == set(declared)
