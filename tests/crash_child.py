"""One step of warbyparker/gladly_daily in its own process, paused at one moment so that a test can SIGKILL it.

``python tests/crash_child.py STEP MOMENT --run-id ID [--source S] [--input IN] [--output OUT] [--ready READY]
[--fakesnow]``

The environment says where the step runs (``XO_HOME``, ``XO_ENV``, ``XO_S3_ENDPOINT_URL``, buckets and the
``AIRFLOW_CONN_*`` of the simulators). With ``MOMENT`` ``none`` the step runs to its end and writes its result to
``--output``: a first run before the crash, or the rerun after it. ``--fakesnow`` wraps every Snowflake connection so
that fakesnow's server runs the production COPY (``FakesnowCopyConnection`` of conftest.py). With any other moment
the child wraps the platform function that owns that moment (nothing in the platform knows about this), and when the
moment comes it writes ``--ready`` and sleeps until the parent kills it. Used by ``test_crash_matrix.py``.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

PIPELINE = "warbyparker/gladly_daily"
SOURCE = "contact_timestamps"
DAY = date(2025, 1, 15)
STEPS = ("extract", "stage", "load", "transform")
# Bytes written into the extract before it is killed mid-stream, and the S3 part size that makes those bytes a
# multipart upload in progress (the simulator's day is a few hundred KiB; S3's 5 MiB minimum part size is
# checked only by CompleteMultipartUpload, which a killed writer never reaches).
MID_STREAM_BYTES = 48 * 1024
SMALL_PART_BYTES = 16 * 1024


def _pause(ready: Path) -> None:
    ready.write_text("ready\n")
    while True:
        time.sleep(60)


def _pause_mid_stream(ready: Path) -> None:
    import xo_core.storage.s3 as s3
    from xo_core.extractors import csv_sink

    vars(s3)["MIN_PART_SIZE"] = SMALL_PART_BYTES
    defaults = s3.S3ObjectStore.__init__.__kwdefaults__
    assert defaults is not None
    defaults["part_size"] = SMALL_PART_BYTES
    write = csv_sink._HashingWriter.write

    def writing(self: csv_sink._HashingWriter, text: str) -> int:
        written = write(self, text)
        if self.bytes >= MID_STREAM_BYTES:
            self._raw.flush()  # what is buffered reaches the temp file, or the multipart upload's parts
            _pause(ready)
        return written

    csv_sink._HashingWriter.write = writing


def _pause_before_manifest(ready: Path, which: str) -> None:
    """Pause when the step's manifest is about to be written: its data object is published, the manifest not."""
    from xo_core.environment import environment
    from xo_core.manifest import MANIFEST_SUFFIX
    from xo_core.storage.local import LocalObjectStore
    from xo_core.storage.s3 import S3ObjectStore

    env = environment()
    bucket = env.ingest_bucket if which == "ingest" else env.stage_bucket
    for store_class in (LocalObjectStore, S3ObjectStore):
        put_bytes = store_class.put_bytes

        def putting(self: Any, b: str, key: str, data: bytes, *, _put: Callable[..., Any] = put_bytes) -> Any:
            if b == bucket and key.endswith(MANIFEST_SUFFIX):
                _pause(ready)
            return _put(self, b, key, data)

        store_class.put_bytes = putting  # ty: ignore[invalid-assignment]


def _pause_in_local_copy(ready: Path) -> None:
    """Pause inside the local store's copy: the temp link beside the staged key exists, the rename has not run."""
    import pathlib

    from xo_core.storage.local import TEMP_PREFIX

    replace = pathlib.Path.replace

    def replacing(self: pathlib.Path, target: Any) -> pathlib.Path:
        if self.name.startswith(TEMP_PREFIX) and "xo-stage" in self.parts:
            _pause(ready)
        return replace(self, target)

    pathlib.Path.replace = replacing


def _pause_at_statement(ready: Path, starts: str, *, after: bool) -> None:
    """Pause at the first DuckDB or Snowflake statement starting with ``starts``: before it runs, or just after."""
    from xo_core.warehouse.duckdb.backend import DuckDBSession
    from xo_core.warehouse.snowflake.session import SnowflakeSession

    for session_class in (DuckDBSession, SnowflakeSession):
        execute = session_class.execute

        def executing(
            self: Any, sql: str, params: Sequence[Any] = (), *, _execute: Callable[..., Any] = execute
        ) -> list[tuple[Any, ...]]:
            if not sql.startswith(starts):
                return _execute(self, sql, params)
            if not after:
                _pause(ready)
            rows = _execute(self, sql, params)
            _pause(ready)
            return rows

        session_class.execute = executing


def _copy_through_fakesnow() -> None:
    """Every Snowflake connection wrapped so that fakesnow runs the production COPY (see tests/conftest.py)."""
    import snowflake.connector
    from conftest import FakesnowCopyConnection  # this folder is the script's: sys.path[0]

    connect = snowflake.connector.connect

    def connecting(**kwargs: Any) -> Any:
        # fakesnow answers a statement it fails on with HTTP 500, which the connector retries for minutes: fail fast
        return FakesnowCopyConnection(connect(**kwargs, network_timeout=10))

    vars(snowflake.connector)["connect"] = connecting


def _pause_after_started_row(ready: Path) -> None:
    """Pause once the ledger's STARTED row is committed (autocommit), before the load's BEGIN."""
    from xo_core.warehouse import full_refresh, ledger
    from xo_core.warehouse.base import ExecutesSql
    from xo_core.warehouse.plan import FullRefreshPlan

    record_started = ledger.record_started

    def recording(db: ExecutesSql, plan: FullRefreshPlan) -> None:
        record_started(db, plan)
        _pause(ready)

    vars(full_refresh.ledger)["record_started"] = recording


def _pause_between_models(ready: Path) -> None:
    """Pause dbt after its first model finished, with the other models still to build."""
    from dbt.cli import main as dbt_main

    runner_init = dbt_main.dbtRunner.__init__

    def on_event(event: Any) -> None:
        if event.info.name == "NodeFinished" and event.data.node_info.unique_id.startswith("model."):
            _pause(ready)

    def init(self: Any, manifest: Any = None, callbacks: list[Any] | None = None) -> None:
        runner_init(self, manifest, [*(callbacks or []), on_event])

    dbt_main.dbtRunner.__init__ = init


MOMENTS: dict[str, Callable[[Path], None]] = {
    "mid_stream": _pause_mid_stream,
    "before_ingest_manifest": lambda ready: _pause_before_manifest(ready, "ingest"),
    "in_local_copy": _pause_in_local_copy,
    "before_stage_manifest": lambda ready: _pause_before_manifest(ready, "stage"),
    "after_started_row": _pause_after_started_row,
    "at_commit": lambda ready: _pause_at_statement(ready, "COMMIT", after=False),
    "between_models": _pause_between_models,
}


def run_step(step: str, source: str, run_id: str, previous: dict[str, Any]) -> dict[str, Any]:
    """The task function the DAG calls for ``step``, with a context as Airflow gives it."""
    from xo_foundry import tasks
    from xo_foundry.cli.run import logical_date_for
    from xo_foundry.schemas.loader import DEFAULT_CONFIG_ROOT, load_pipeline

    pipeline = load_pipeline(DEFAULT_CONFIG_ROOT / f"{PIPELINE}.yaml")
    config = pipeline.model_dump(mode="json", by_alias=True)
    logical = logical_date_for(pipeline, DAY)
    context: dict[str, Any] = {"logical_date": logical, "data_interval_end": logical, "run_id": run_id}
    if step == "extract":
        return tasks.extract(config, source, context).xcom()
    if step == "stage":
        return tasks.stage(config, source, previous, context).xcom()
    if step == "load":
        return tasks.load(config, source, previous, context).xcom()
    return tasks.transform(config, context).xcom()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=STEPS)
    parser.add_argument("moment", choices=["none", *MOMENTS])
    parser.add_argument("--run-id", required=True)
    parser.add_argument("--source", default=SOURCE)
    parser.add_argument("--input", type=Path)
    parser.add_argument("--output", type=Path)
    parser.add_argument("--ready", type=Path)
    parser.add_argument("--fakesnow", action="store_true", help="Snowflake is fakesnow's server: rewrite COPY")
    args = parser.parse_args()
    if args.fakesnow:
        _copy_through_fakesnow()
    if args.moment != "none":
        MOMENTS[args.moment](args.ready)
    previous = json.loads(args.input.read_text()) if args.input else {}
    result = run_step(args.step, args.source, args.run_id, previous)
    if args.output:
        args.output.write_text(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
