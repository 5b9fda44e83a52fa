"""The crash matrix: every step of a run killed with SIGKILL at one moment, then checked and healed by a rerun.

A first run (``run-1``: extract, stage, load of warbyparker/gladly_daily's contact_timestamps) sets the state that
must survive. Run ``run-2`` then runs the steps before the one under test, and the step itself in a child process
(``crash_child.py``) that pauses at the case's moment; the test kills it with SIGKILL. Afterwards: no final key holds
a partial object (each data object has the first run's bytes and each manifest agrees with its object), BRONZE
holds exactly the first run's rows, the DuckDB file opens, the ledger shows no success of ``run-2`` and reports its
STARTED row as abandoned once the row is older than the timeout. Then ``run-2`` is retried from the killed step
on (an Airflow retry keeps the run id) and must give the first run's tables and leave no temp file behind.

The Snowflake case runs the same load on S3 (moto) and fakesnow's real server (``fakesnow.server()`` in this
process, reached by the real connector from the child), and checks BRONZE and the ledger from a session of its own.
A SIGKILLed client never logs out: Snowflake leaves its open transaction "detached" and aborts it once it has
blocked another transaction for 5 idle minutes (otherwise after 4 hours), or at once by
``SYSTEM$ABORT_TRANSACTION`` (docs.snowflake.com/en/sql-reference/transactions#aborting-transactions). fakesnow
keeps the dead session and its transaction until the server stops (and every closed session too: its login gives
no master token, so the connector's logout never reaches it), and another session's TRUNCATE of the table
fails at once (DuckDB: "Conflict on tuple deletion!", an HTTP 500 to the connector) instead of waiting. The test
asserts that, then does what Snowflake does to the dead session (rolls it back), then reruns.

``CASES`` is also the table of the reliability page (``render_matrix``); a test keeps the two equal.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import fakesnow
import pytest
import snowflake.connector
from fakesnow.copy_into import ReadCSV
from snowflake.connector import SnowflakeConnection
from snowflake.connector.errors import InternalServerError
from test_prod_dev_run import MotoS3FileSystem, read_csv_as_text

from xo_core.manifest import Manifest, manifest_key
from xo_core.storage.local import TEMP_PREFIX
from xo_core.warehouse import ledger
from xo_core.warehouse.duckdb.backend import DuckDBSession, DuckDBWarehouse
from xo_core.warehouse.factory import snowflake_stage
from xo_core.warehouse.snowflake.session import SnowflakeSession
from xo_foundry.tasks.stage_tasks import COLUMNS_SUFFIX
from xo_sandbox.sandboxes import Sandboxes

ROOT = Path(__file__).resolve().parents[1]
CHILD = Path(__file__).with_name("crash_child.py")
PAGE = ROOT / "apps" / "material-mkdocs" / "docs" / "operations" / "reliability.md"
DB = "WBP_DB_DEV"
TABLE = "GLADLY_CONTACT_TIMESTAMPS"
BRONZE = f'"{DB}"."BRONZE"."{TABLE}"'
SAME_DATA = "* EXCLUDE (_XO_LOADED_AT, _XO_RUN_ID)"  # what a rerun must reproduce exactly
STEPS = ("extract", "stage", "load", "transform")
READY_SECONDS = 120.0
REGION = "us-east-1"
BACKENDS = {"local": "local folder + DuckDB", "s3": "S3 (moto)", "snowflake": "S3 (moto) + Snowflake (fakesnow server)"}


@dataclass(frozen=True)
class Case:
    """One kill: the matrix row (``step``, ``backend``), how the child gets there, what it leaves, what heals it."""

    step: str
    backend: str
    task: str
    moment: str
    when: str
    left: str
    heals: str
    temp_left: bool = False  # a temp file beside a final key (local) or an incomplete multipart upload (S3)
    started_left: bool = False  # the run's ledger row stays STARTED

    @property
    def id(self) -> str:
        return f"{self.task}-{self.moment}-{self.backend}"


SWEEP = "the next write into that folder (the rerun) removes temp files whose writer process is gone"
RERUN = "the rerun of the step"
ABANDONED = f"the rerun; the STARTED row reads ABANDONED after {ledger.STARTED_TIMEOUT} and stays as the record"
CASES = (
    Case("extract, mid-stream", "local", "extract", "mid_stream", "48 KiB of rows written",
         "a `.tmp-<pid>-…` file beside the ingest key; the previous object and manifest untouched",
         SWEEP, temp_left=True),
    Case("extract, mid-stream", "s3", "extract", "mid_stream", "parts of a multipart upload sent",
         "an incomplete multipart upload; the previous object and manifest untouched",
         f"{RERUN}; the parts by the bucket's lifecycle rule (see below)", temp_left=True),
    Case("after the ingest object, before its manifest", "local", "extract", "before_ingest_manifest",
         "the object renamed into place", "the new object beside the previous manifest", RERUN),
    Case("after the ingest object, before its manifest", "s3", "extract", "before_ingest_manifest",
         "the multipart upload completed", "the new object beside the previous manifest", RERUN),
    Case("stage copy", "local", "stage", "in_local_copy", "hard link made, not yet renamed",
         "a `.tmp-<pid>-…` link beside the staged key; the previous staged object untouched", SWEEP, temp_left=True),
    Case("stage copy", "s3", "stage", "before_stage_manifest", "CopyObject done, manifest not written",
         "the new staged object beside the previous staged manifest", RERUN),
    Case("load, between TRUNCATE and COMMIT", "local", "load", "at_commit",
         "TRUNCATE, INSERT and the ledger's SUCCEEDED sent, COMMIT not",
         "BRONZE with its previous rows (DuckDB drops the uncommitted transaction); the run's ledger row STARTED",
         ABANDONED, started_left=True),
    Case("load, between TRUNCATE and COMMIT", "snowflake", "load", "at_commit",
         "TRUNCATE, COPY and the ledger's SUCCEEDED sent, COMMIT not",
         "BRONZE with its previous rows for every other session; the run's ledger row STARTED; the dead session's"
         " transaction open, holding BRONZE",
         "Snowflake aborts the dead session's transaction (5 idle minutes once it blocks another, or"
         " `SYSTEM$ABORT_TRANSACTION`), then the rerun; fakesnow never does, so the test rolls it back"
         f" (see below); the STARTED row reads ABANDONED after {ledger.STARTED_TIMEOUT}", started_left=True),
    Case("ledger update", "local", "load", "after_started_row", "STARTED row committed, BEGIN not sent",
         "BRONZE untouched; the run's ledger row STARTED", ABANDONED, started_left=True),
    Case("dbt transform", "local", "transform", "between_models", "the first model built, the others not",
         "every model committed or untouched, the first one rebuilt from the same BRONZE",
         "the rerun of the transform (models are rebuilt or merged by key)"),
)  # fmt: skip


def render_matrix(cases: tuple[Case, ...] = CASES) -> str:
    """The Markdown table the reliability page shows under "## Crash matrix"."""
    lines = [
        "| step | backend | killed when | what is left | what heals it |",
        "|---|---|---|---|---|",
        *(f"| {c.step} | {BACKENDS[c.backend]} | {c.when} | {c.left} | {c.heals} |" for c in cases),
    ]
    return "\n".join(lines) + "\n"


def test_the_reliability_page_shows_the_crash_matrix_of_these_cases() -> None:
    text = PAGE.read_text()
    assert "\n## Crash matrix\n" in text, f"{PAGE} has no '## Crash matrix' section"
    section = text.split("\n## Crash matrix\n", 1)[1].split("\n## ", 1)[0]
    assert render_matrix() in section, f"the matrix in {PAGE} differs from CASES; it should read:\n{render_matrix()}"


# --- where a case runs -----------------------------------------------------------------------------------------


@dataclass
class Where:
    """A case's XO_HOME, the child's environment, the buckets, and the files that stand for XCom."""

    backend: str
    home: Path
    env: dict[str, str]
    ingest: str
    stage: str
    read: Callable[[str, str], bytes | None]
    leftovers: Callable[[], list[str]]

    def xcom(self, run_id: str, step: str, source: str = "") -> Path:
        return self.home.parent / f"{run_id}-{step}{source}.json"


def run_step(where: Where, step: str, run_id: str, moment: str = "none", source: str = "") -> dict[str, Any] | None:
    """Run ``step`` in a child (of contact_timestamps unless ``source``); with a moment, SIGKILL it there."""
    index = STEPS.index(step)
    output = where.xcom(run_id, step, source)
    command = [sys.executable, str(CHILD), step, moment, "--run-id", run_id, "--output", str(output)]
    if source:
        command += ["--source", source]
    if step in ("stage", "load"):
        command += ["--input", str(where.xcom(run_id, STEPS[index - 1], source))]
    if where.backend == "snowflake":
        command.append("--fakesnow")
    if moment == "none":
        done = subprocess.run(command, env=where.env, capture_output=True, text=True, check=False, timeout=300)
        assert done.returncode == 0, f"{step} failed:\n{done.stderr[-4000:]}"
        return json.loads(output.read_text())
    ready = where.home.parent / f"{run_id}-{step}.ready"
    command += ["--ready", str(ready)]
    with subprocess.Popen(command, env=where.env, stderr=subprocess.PIPE, text=True) as child:
        deadline = time.monotonic() + READY_SECONDS
        while not ready.exists():
            if child.poll() is not None:
                said = child.stderr.read() if child.stderr else ""
                pytest.fail(f"{step} ended before {moment} (exit {child.returncode}):\n{said[-4000:]}")
            assert time.monotonic() < deadline, f"{step} did not reach {moment} within {READY_SECONDS} s"
            time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    return None


def _local_leftovers(home: Path) -> Callable[[], list[str]]:
    def temps() -> list[str]:
        return sorted(str(p.relative_to(home)) for p in (home / "objects").rglob(f"{TEMP_PREFIX}*"))

    return temps


def _read_local(home: Path) -> Callable[[str, str], bytes | None]:
    def read(bucket: str, key: str) -> bytes | None:
        path = home / "objects" / bucket / key
        return path.read_bytes() if path.is_file() else None

    return read


@pytest.fixture(scope="module")
def first_local_run(tmp_path_factory: pytest.TempPathFactory, sandboxes: Sandboxes) -> Where:
    """run-1 on the embedded default, done once; each case works on a copy of it."""
    home = tmp_path_factory.mktemp("crash-first") / "home"
    env = _child_env(home, sandboxes, XO_ENV="local")
    where = Where("local", home, env, "xo-ingest", "xo-stage", _read_local(home), _local_leftovers(home))
    for step in ("extract", "stage", "load"):
        run_step(where, step, "run-1")
    return where


def _copy_of(first: Where, tmp_path: Path) -> Where:
    home = tmp_path / "home"
    shutil.copytree(first.home, home)
    for step in ("extract", "stage", "load"):
        shutil.copy(first.xcom("run-1", step), tmp_path / f"run-1-{step}.json")
    env = {**first.env, "XO_HOME": str(home)}
    return Where("local", home, env, first.ingest, first.stage, _read_local(home), _local_leftovers(home))


def _child_env(home: Path, sandboxes: Sandboxes, **extra: str) -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "XO_", "AWS_"))}
    return {**kept, **sandboxes.connection_env(), "XO_HOME": str(home), **extra}


@pytest.fixture
def s3_where(tmp_path: Path, sandboxes: Sandboxes, moto_endpoint: str) -> Where:
    """A case on S3 (moto's server): two new buckets, run-1's extract and stage done."""
    client = boto3.client(
        "s3", endpoint_url=moto_endpoint, region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="x"
    )
    suffix = uuid.uuid4().hex[:12]
    ingest, stage = f"crash-ingest-{suffix}", f"crash-stage-{suffix}"
    for bucket in (ingest, stage):
        client.create_bucket(Bucket=bucket)
    home = tmp_path / "home"
    env = _child_env(
        home,
        sandboxes,
        XO_ENV="dev",
        XO_S3_ENDPOINT_URL=moto_endpoint,
        XO_INGEST_BUCKET=ingest,
        XO_STAGE_BUCKET=stage,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_REGION=REGION,
    )

    def read(bucket: str, key: str) -> bytes | None:
        try:
            return client.get_object(Bucket=bucket, Key=key)["Body"].read()
        except client.exceptions.NoSuchKey:
            return None

    def uploads() -> list[str]:
        found = []
        for bucket in (ingest, stage):
            for upload in client.list_multipart_uploads(Bucket=bucket).get("Uploads", []):
                found.append(f"{bucket}/{upload['Key']} (upload {upload['UploadId'][:8]}…)")
        return found

    where = Where("s3", home, env, ingest, stage, read, uploads)
    for step in ("extract", "stage"):
        run_step(where, step, "run-1")
    return where


# --- what must hold after the kill -----------------------------------------------------------------------------


def _final_objects(where: Where) -> dict[str, bytes | None]:
    key = json.loads(where.xcom("run-1", "extract").read_text())["key"]
    return {
        f"ingest/{key}": where.read(where.ingest, key),
        f"ingest/{manifest_key(key)}": where.read(where.ingest, manifest_key(key)),
        f"stage/{key}": where.read(where.stage, key),
        f"stage/{manifest_key(key)}": where.read(where.stage, manifest_key(key)),
        f"stage/{key}{COLUMNS_SUFFIX}": where.read(where.stage, key + COLUMNS_SUFFIX),
    }


def _assert_no_partial_object(where: Where, before: dict[str, bytes | None]) -> None:
    """Every data object has the first run's bytes, and every manifest describes the object beside it."""
    now = _final_objects(where)
    for name, data in now.items():
        assert data is not None, f"{name} is gone"
        if name.endswith(".manifest.json"):
            manifest = Manifest.from_json_bytes(data)
            described = now[name.removesuffix(".manifest.json")]
            assert described is not None
            assert (manifest.bytes, manifest.sha256) == (len(described), hashlib.sha256(described).hexdigest())
        else:
            assert data == before[name], f"{name} changed"


def _bronze(where: Where, columns: str = "*") -> list[tuple[Any, ...]]:
    connection = DuckDBWarehouse(where.home).connect_read_only(DB)
    try:
        return connection.execute(f"SELECT {columns} FROM {BRONZE} ORDER BY _XO_FILE_ROW_NUMBER").fetchall()
    finally:
        connection.close()


def _layers(where: Where) -> dict[str, list[tuple[Any, ...]]]:
    """Every SILVER and GOLD table of every client database, sorted."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    for path in sorted((where.home / "warehouse").glob("*.duckdb")):
        connection = DuckDBWarehouse(where.home).connect_read_only(path.stem)
        try:
            names = connection.execute(
                "SELECT schema_name, table_name FROM duckdb_tables() WHERE schema_name IN ('SILVER', 'GOLD')"
            ).fetchall()
            for schema, table in names:
                rows = connection.execute(f'SELECT * FROM "{path.stem}"."{schema}"."{table}"').fetchall()
                tables[f"{path.stem}.{schema}.{table}"] = sorted(rows, key=repr)
        finally:
            connection.close()
    return tables


def _ledger(where: Where, *, after: timedelta = timedelta(0)) -> list[ledger.LedgerRow]:
    """The table's ledger as read ``after`` past the newest row's start."""
    connection = DuckDBWarehouse(where.home).connect_read_only(DB)
    try:
        session = DuckDBSession(connection)
        newest = max(row.started_at for row in ledger.read_ledger(session, DB, TABLE))
        return ledger.read_ledger(session, DB, TABLE, now=newest + after)
    finally:
        connection.close()


def _assert_ledger_after_kill(read: Callable[[timedelta], list[ledger.LedgerRow]], case: Case) -> None:
    """``read(after)``: the ledger as read ``after`` past the newest row's start."""
    # The load's own row; the extract and stage of run-2 have rows of their own (a killed one stays STARTED too).
    rows = [r for r in read(timedelta(0)) if r.run_id == "run-2" and r.step == ledger.LOAD]
    assert all(r.status != ledger.SUCCEEDED for r in rows)
    assert [r.status for r in rows] == ([ledger.STARTED] if case.started_left else [])
    late = [
        r for r in read(ledger.STARTED_TIMEOUT + timedelta(seconds=1)) if r.run_id == "run-2" and r.step == ledger.LOAD
    ]
    assert [r.status for r in late] == ([ledger.ABANDONED] if case.started_left else [])


@pytest.fixture(scope="module")
def transformed(first_local_run: Where, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Where]:
    """run-1 with the pipeline's other source loaded and its transform done (for the dbt case), done once."""
    where = _copy_of(first_local_run, tmp_path_factory.mktemp("crash-transformed"))
    for step in ("extract", "stage", "load"):
        run_step(where, step, "run-1", source="work_sessions")
    run_step(where, "transform", "run-1")
    yield where


@pytest.mark.slow
@pytest.mark.parametrize("case", [c for c in CASES if c.backend != "snowflake"], ids=lambda c: c.id)
def test_a_killed_step_leaves_nothing_half_done_and_a_rerun_heals(
    case: Case, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    if case.backend == "s3":
        where: Where = request.getfixturevalue("s3_where")
    elif case.task == "transform":
        where = _copy_of(request.getfixturevalue("transformed"), tmp_path)
    else:
        where = _copy_of(request.getfixturevalue("first_local_run"), tmp_path)
    local = where.backend == "local"
    objects = _final_objects(where)
    bronze = _bronze(where) if local else []
    same = _bronze(where, SAME_DATA) if local else []
    layers = _layers(where) if case.task == "transform" else {}

    if case.task != "transform":  # the transform is retried over the same BRONZE
        for step in STEPS[: STEPS.index(case.task)]:
            run_step(where, step, "run-2")
    run_step(where, case.task, "run-2", case.moment)

    _assert_no_partial_object(where, objects)
    assert bool(where.leftovers()) == case.temp_left, where.leftovers()
    if local:
        assert _bronze(where) == bronze  # DuckDB opens, and BRONZE holds exactly the first run's rows
        _assert_ledger_after_kill(lambda after: _ledger(where, after=after), case)
    if case.task == "transform":  # no dbt temp or backup relation left beside the models
        assert set(_layers(where)) == set(layers)

    last = "transform" if case.task == "transform" else ("load" if local else "stage")
    for step in STEPS[STEPS.index(case.task) : STEPS.index(last) + 1]:
        run_step(where, step, "run-2")

    _assert_no_partial_object(where, objects)
    if local:
        assert where.leftovers() == []
        assert _bronze(where, SAME_DATA) == same
        rows = _ledger(where)
        newest = rows[-1]  # the rerun's last step, recorded as it ended
        assert (newest.step, newest.status, newest.run_id) == (last, ledger.SUCCEEDED, "run-2")
        loaded = [r for r in rows if r.step == ledger.LOAD][-1]  # a transform rerun reads run-1's BRONZE
        assert (loaded.status, loaded.run_id) == (ledger.SUCCEEDED, "run-1" if case.task == "transform" else "run-2")
    if case.task == "transform":
        assert _layers(where) == layers


# --- the load on Snowflake (fakesnow's server) -----------------------------------------------------------------

SNOWFLAKE_CASE = next(c for c in CASES if c.backend == "snowflake")
START_FAKESNOW = fakesnow.server  # its own ``import fakesnow.server`` rebinds the name to the module: keep it
STAGE = snowflake_stage(DB)


@dataclass
class Fakesnow:
    """fakesnow's server running in this process: sessions of our own on it, and its session table."""

    kwargs: dict[str, Any]
    stage_url: str

    def connect(self) -> SnowflakeConnection:
        return snowflake.connector.connect(**self.kwargs, database=DB, schema="BRONZE", paramstyle="qmark")

    def bronze(self, columns: str = "*") -> list[tuple[Any, ...]]:
        """BRONZE as a new session sees it (committed rows only)."""
        connection = self.connect()
        try:
            cursor = connection.cursor()
            cursor.execute(f"SELECT {columns} FROM {BRONZE} ORDER BY _XO_FILE_ROW_NUMBER")
            return [tuple(row) for row in cursor.fetchall()]
        finally:
            connection.close()

    def ledger_rows(self, after: timedelta = timedelta(0)) -> list[ledger.LedgerRow]:
        connection = self.connect()
        try:
            session = SnowflakeSession(connection, stage=STAGE, stage_url=self.stage_url, file_format=None)
            newest = max(row.started_at for row in ledger.read_ledger(session, DB, TABLE))
            return ledger.read_ledger(session, DB, TABLE, now=newest + after)
        finally:
            connection.close()

    @staticmethod
    def sessions() -> dict[str, Any]:
        """The server's sessions by token: fakesnow ends none, closed or not, until the server stops."""
        return sys.modules["fakesnow.server"].sessions


def _run_ids_seen(session: Any) -> list[str]:
    """The run ids in BRONZE as one fakesnow session sees them (its DuckDB cursor, a private attribute)."""
    found = session._duck_conn.execute(f"SELECT DISTINCT _XO_RUN_ID FROM {BRONZE} ORDER BY 1").fetchall()
    return [row[0] for row in found]


@pytest.fixture
def sf_where(s3_where: Where, moto_endpoint: str) -> Iterator[tuple[Where, Fakesnow]]:
    """A case on S3 (moto) and fakesnow's server: run-1's extract and stage (``s3_where``) and its load done."""
    try:
        with START_FAKESNOW() as kwargs, pytest.MonkeyPatch.context() as mp:
            mp.setattr(ReadCSV, "read_expression", read_csv_as_text)  # CSV text into VARCHAR, as Snowflake does
            duck = sys.modules["fakesnow.server"].shared_fs.duck_conn  # the server's DuckDB: its stage reads moto
            if not duck.filesystem_is_registered("s3"):
                duck.register_filesystem(
                    MotoS3FileSystem(
                        boto3.client(
                            "s3",
                            endpoint_url=moto_endpoint,
                            region_name=REGION,
                            aws_access_key_id="testing",
                            aws_secret_access_key="x",
                        )
                    )
                )
            sf = Fakesnow(kwargs, f"s3://{s3_where.stage}/")
            setup = sf.connect()
            setup.cursor().execute(f"CREATE OR REPLACE STAGE {STAGE} URL = '{sf.stage_url}'")
            setup.close()
            extra = {"account": "fakesnow", "warehouse": "XO_LOADING_WH_DEV", "role": "XO_LOADER_DEV"}
            extra |= {"host": kwargs["host"], "port": kwargs["port"], "protocol": kwargs["protocol"]}
            conn = {"conn_type": "snowflake", "login": kwargs["user"], "password": kwargs["password"], "extra": extra}
            env = {**s3_where.env, "AIRFLOW_CONN_SNOWFLAKE_DEV": json.dumps({**conn, "schema": "BRONZE"})}
            where = Where(
                "snowflake", s3_where.home, env, s3_where.ingest, s3_where.stage, s3_where.read, s3_where.leftovers
            )
            run_step(where, "load", "run-1")
            yield where, sf
    finally:
        vars(fakesnow)["server"] = START_FAKESNOW


@pytest.mark.slow
def test_a_load_killed_before_commit_on_snowflake_leaves_bronze_as_it_was_and_a_rerun_heals(
    sf_where: tuple[Where, Fakesnow], caplog: pytest.LogCaptureFixture
) -> None:
    where, sf = sf_where
    objects = _final_objects(where)
    bronze, same = sf.bronze(), sf.bronze(SAME_DATA)
    assert bronze and sf.ledger_rows()[-1].status == ledger.SUCCEEDED

    for step in ("extract", "stage"):
        run_step(where, step, "run-2")
    before = set(sf.sessions())
    run_step(where, "load", "run-2", SNOWFLAKE_CASE.moment)

    _assert_no_partial_object(where, objects)
    assert where.leftovers() == []
    assert sf.bronze() == bronze  # another session sees exactly the previous rows
    _assert_ledger_after_kill(sf.ledger_rows, SNOWFLAKE_CASE)

    # The killed client never logged out: fakesnow keeps its session and the open transaction (TRUNCATE, COPY,
    # the ledger's SUCCEEDED). Another session's TRUNCATE of BRONZE then fails at once (DuckDB's "Conflict on tuple
    # deletion!", an HTTP 500), where Snowflake would make it wait on the table's lock. (fakesnow keeps the child's
    # closed sessions too: its login gives no master token, so the connector's logout never reaches it.)
    seen = {t: _run_ids_seen(s) for t, s in sf.sessions().items() if t not in before}
    dead = [t for t, runs in seen.items() if runs == ["run-2"]]  # its own uncommitted rows
    assert len(dead) == 1 and all(runs == ["run-1"] for t, runs in seen.items() if t not in dead), seen
    other = sf.connect()
    try:
        cursor = other.cursor()
        cursor.execute("BEGIN")
        with caplog.at_level(logging.ERROR, logger="fakesnow.server"), pytest.raises(InternalServerError):
            cursor.execute(f"TRUNCATE TABLE {BRONZE}")
        cursor.execute("ROLLBACK")
    finally:
        other.close()
    errors = [str(r.exc_info[1]) for r in caplog.records if r.name == "fakesnow.server" and r.exc_info]
    # The first try conflicts; the connector's retries of the HTTP 500 then meet the aborted transaction.
    assert errors and "Conflict on tuple deletion" in errors[0], errors
    assert sf.bronze() == bronze

    # What Snowflake does to a detached transaction that blocks another (after 5 idle minutes, or at once by
    # SYSTEM$ABORT_TRANSACTION, which fakesnow lacks): roll it back and end the session.
    for token in dead:
        session = sf.sessions().pop(token)
        session.rollback()
        session.close()
    assert sf.bronze() == bronze
    _assert_ledger_after_kill(sf.ledger_rows, SNOWFLAKE_CASE)

    run_step(where, "load", "run-2")  # the Airflow retry of the load, in a new process

    _assert_no_partial_object(where, objects)
    assert sf.bronze(SAME_DATA) == same
    newest = sf.ledger_rows()[-1]
    assert (newest.status, newest.run_id) == (ledger.SUCCEEDED, "run-2")
    assert {t: _run_ids_seen(s) for t, s in sf.sessions().items()} == {t: ["run-2"] for t in sf.sessions()}
