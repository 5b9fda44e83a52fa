"""Extract → stage → load of the Gladly pipelines on the embedded default, and what happens when a step fails."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from xo_core.errors import LoadError, SourceDataError
from xo_core.manifest import Manifest, manifest_key
from xo_core.storage.local import LocalObjectStore
from xo_core.warehouse.duckdb.backend import DuckDBWarehouse
from xo_core.warehouse.metadata import METADATA_COLUMN_NAMES
from xo_foundry import tasks
from xo_foundry.cli.run import logical_date_for, run_direct
from xo_foundry.schemas.loader import DEFAULT_CONFIG_ROOT, load_pipeline
from xo_foundry.schemas.pipeline import PipelineConfig
from xo_foundry.tasks.handoffs import Staged
from xo_sandbox.gladly import Fault, truth
from xo_sandbox.sandboxes import Sandboxes

DAY = date(2025, 1, 15)  # a run on the 15th loads the 14th (lag 1 day)
TZ = "America/New_York"
TABLE = '"WBP_DB_DEV"."BRONZE"."GLADLY_CONTACT_TIMESTAMPS"'


def _pipeline(name: str) -> PipelineConfig:
    return load_pipeline(DEFAULT_CONFIG_ROOT / f"{name}.yaml")


def _context(pipeline: PipelineConfig, run_id: str) -> dict[str, Any]:
    logical = logical_date_for(pipeline, DAY)
    return {"logical_date": logical, "data_interval_end": logical, "run_id": run_id}


def _rows(home: Path, sql: str) -> list[tuple[Any, ...]]:
    with DuckDBWarehouse(home).connect_read_only("WBP_DB_DEV") as connection:
        return connection.execute(sql).fetchall()


def test_a_direct_run_fills_bronze_with_the_true_rows_and_six_metadata_columns(xo_home: Path) -> None:
    pipeline = _pipeline("warbyparker/gladly_daily")
    steps = run_direct(pipeline, logical_date_for(pipeline, DAY))
    sources = ("contact_timestamps", "work_sessions")
    expected_steps = [f"{step}_{source}" for source in sources for step in ("extract", "stage", "load")]
    assert [s.task_id for s in steps] == [*expected_steps, "transform"]
    expected = truth.row_count("warbyparker", "ContactTimestampsReport", date(2025, 1, 14), date(2025, 1, 14), TZ)
    assert _rows(xo_home, f"SELECT count(*) FROM {TABLE}") == [(expected,)]
    columns = [r[0] for r in _rows(xo_home, f"DESCRIBE {TABLE}")]
    assert columns[:3] == ["TIMESTAMP", "EVENT_TYPE", "CONTACT_ID"]
    assert set(METADATA_COLUMN_NAMES) <= set(columns)
    window = _rows(xo_home, f'SELECT DISTINCT "_XO_WINDOW_START", "_XO_WINDOW_END", "_XO_SOURCE_FILE" FROM {TABLE}')
    assert window == [
        (
            datetime(2025, 1, 14, tzinfo=ZoneInfo(TZ)),
            datetime(2025, 1, 15, tzinfo=ZoneInfo(TZ)),
            "warbyparker/contact_timestamps/full_refresh/2025-01-14/contact_timestamps.csv",
        )
    ]
    types = {r[1] for r in _rows(xo_home, f"DESCRIBE {TABLE}") if r[0] not in METADATA_COLUMN_NAMES}
    assert types == {"VARCHAR"}


def test_a_rerun_of_the_same_window_gives_the_same_table(xo_home: Path) -> None:
    pipeline = _pipeline("warbyparker/gladly_daily")
    keep = "* EXCLUDE (_XO_LOADED_AT, _XO_RUN_ID)"
    run_direct(pipeline, logical_date_for(pipeline, DAY), transform=False)
    first = _rows(xo_home, f"SELECT {keep} FROM {TABLE} ORDER BY _XO_FILE_ROW_NUMBER")
    run_direct(pipeline, logical_date_for(pipeline, DAY), transform=False)
    second = _rows(xo_home, f"SELECT {keep} FROM {TABLE} ORDER BY _XO_FILE_ROW_NUMBER")
    assert first == second and len(first) > 1000
    assert len(_rows(xo_home, f"SELECT DISTINCT _XO_RUN_ID FROM {TABLE}")) == 1


def _load_once_then(pipeline: PipelineConfig, home: Path) -> tuple[dict[str, Any], Staged, int]:
    """Load the day once, then extract and stage it again (run 2); return run 2's context and stage result."""
    config = pipeline.model_dump(mode="json", by_alias=True)
    first = _context(pipeline, "run-1")
    tasks.load(
        config,
        "contact_timestamps",
        tasks.stage(config, "contact_timestamps", tasks.extract(config, "contact_timestamps", first), first),
        first,
    )
    before = _rows(home, f"SELECT count(*) FROM {TABLE}")[0][0]
    second = _context(pipeline, "run-2")
    staged = tasks.stage(config, "contact_timestamps", tasks.extract(config, "contact_timestamps", second), second)
    return second, staged, before


def test_a_manifest_count_that_disagrees_with_the_file_fails_the_load_and_keeps_the_table(xo_home: Path) -> None:
    """The stage step reads the manifest once and hands its row count on; the load checks the file against it."""
    pipeline = _pipeline("warbyparker/gladly_daily")
    context, staged, before = _load_once_then(pipeline, xo_home)
    store = LocalObjectStore(xo_home / "objects")
    manifest = Manifest.from_json_bytes(store.get_bytes(staged.bucket, manifest_key(staged.key)))
    assert staged.rows == manifest.row_count
    config = pipeline.model_dump(mode="json", by_alias=True)
    # What reaches the load is the XCom form: a count one short of the file's rows.
    handed = {**staged.xcom(), "rows": manifest.row_count - 1}
    with pytest.raises(LoadError, match="GLADLY_CONTACT_TIMESTAMPS"):
        tasks.load(config, "contact_timestamps", handed, context)
    assert _rows(xo_home, f"SELECT count(*), min(_XO_RUN_ID) FROM {TABLE}") == [(before, "run-1")]
    ledger = DuckDBWarehouse(xo_home).ledger_rows("WBP_DB_DEV", "GLADLY_CONTACT_TIMESTAMPS")
    assert [(row.run_id, row.step, row.status) for row in ledger] == [
        ("run-1", "extract", "SUCCEEDED"),
        ("run-1", "stage", "SUCCEEDED"),
        ("run-1", "load", "SUCCEEDED"),
        ("run-2", "extract", "SUCCEEDED"),
        ("run-2", "stage", "SUCCEEDED"),
        ("run-2", "load", "FAILED"),
    ]


def test_a_missing_staged_file_fails_the_load_and_keeps_the_table(xo_home: Path) -> None:
    pipeline = _pipeline("warbyparker/gladly_daily")
    context, staged, before = _load_once_then(pipeline, xo_home)
    (xo_home / "objects" / staged.bucket / staged.key).unlink()
    with pytest.raises(LoadError):
        tasks.load(pipeline.model_dump(mode="json", by_alias=True), "contact_timestamps", staged, context)
    assert _rows(xo_home, f"SELECT count(*), min(_XO_RUN_ID) FROM {TABLE}") == [(before, "run-1")]


def test_a_colliding_header_fails_the_stage_and_stages_nothing(xo_home: Path) -> None:
    pipeline = _pipeline("warbyparker/gladly_daily")
    config = pipeline.model_dump(mode="json", by_alias=True)
    context = _context(pipeline, "run-1")
    extracted = tasks.extract(config, "contact_timestamps", context)
    store = LocalObjectStore(xo_home / "objects")
    data = store.get_bytes(extracted.bucket, extracted.key)
    header, _, rest = data.partition(b"\n")
    store.put_bytes(extracted.bucket, extracted.key, header.replace(b"Channel", b"Contact-ID", 1) + b"\n" + rest)
    with pytest.raises(SourceDataError, match=r"'Contact ID' and 'Contact-ID' both standardize to CONTACT_ID"):
        tasks.stage(config, "contact_timestamps", extracted, context)
    assert list(store.list("xo-stage", "warbyparker/")) == []


def test_an_error_text_instead_of_csv_fails_clearly_and_publishes_nothing(xo_home: Path, sandboxes: Sandboxes) -> None:
    pipeline = _pipeline("condenast/gladly_daily")
    config = pipeline.model_dump(mode="json", by_alias=True)
    sandboxes.gladly.faults.add([Fault("error_body", times=None)])
    try:
        with pytest.raises(SourceDataError, match="Unexpected error occurred"):
            tasks.extract(config, "conversations", _context(pipeline, "run-1"))
    finally:
        sandboxes.gladly.faults.clear()
    ingest = xo_home / "objects" / "xo-ingest"
    assert not ingest.exists() or [p for p in ingest.rglob("*") if p.is_file()] == []


def test_an_empty_window_empties_the_bronze_table(xo_home: Path, sandboxes: Sandboxes) -> None:
    """Gladly answers a window without data with an empty body: BRONZE is that window's snapshot, so 0 rows."""
    pipeline = _pipeline("warbyparker/gladly_daily")
    config = pipeline.model_dump(mode="json", by_alias=True)
    _, _, before = _load_once_then(pipeline, xo_home)
    assert before > 0
    sandboxes.gladly.faults.add([Fault("empty", path="/api/v1/reports")])
    third = _context(pipeline, "run-3")
    extracted = tasks.extract(config, "contact_timestamps", third)
    assert extracted.rows == 0
    staged = tasks.stage(config, "contact_timestamps", extracted, third)
    assert staged.columns == []
    loaded = tasks.load(config, "contact_timestamps", staged, third)
    assert loaded.rows == 0
    assert _rows(xo_home, f"SELECT count(*) FROM {TABLE}") == [(0,)]
    assert "CONTACT_ID" in [r[0] for r in _rows(xo_home, f"DESCRIBE {TABLE}")]
    ledger = DuckDBWarehouse(xo_home).ledger_rows("WBP_DB_DEV", "GLADLY_CONTACT_TIMESTAMPS")
    loads = [(row.run_id, row.status, row.rows_loaded) for row in ledger if row.step == "load"]
    assert loads[-1] == ("run-3", "SUCCEEDED", 0)
