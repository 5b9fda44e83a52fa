"""warbyparker/gladly_daily with ``XO_ENV=dev``: S3 (moto's server) and Snowflake (fakesnow), through the same tasks.

What is real here: the Gladly simulator over HTTP; boto3 against moto's S3 server on 127.0.0.1 (extract's
multipart upload, stage's server-side copy and 8 KiB range peek, manifests); ``xo_core.environment`` for dev;
``warehouse_for`` building the production ``SnowflakeWarehouse`` (stage ``WBP_DB_DEV.BRONZE.XO_STAGE`` on
``s3://xo-data-stage-dev/``) from the ``snowflake_dev`` connection through ``connect.py`` and the real
snowflake-connector-python ``connect`` (patched by fakesnow); every DDL, ledger, BEGIN, TRUNCATE, COMMIT statement.

What is stood in for, and why:
- Snowflake is fakesnow (DuckDB). The external stage points at the same S3 URL; fakesnow reads it through
  ``MotoS3FileSystem`` below, an fsspec filesystem over boto3 registered on fakesnow's DuckDB (DuckDB's own
  httpfs cannot be downloaded here). So the COPY reads the object moto holds, not a copy of it.
- fakesnow cannot run the production transformation COPY (``$n``, ``METADATA$FILENAME``, ``ENCODING`` …), so
  the ``fakesnow_copy_connection`` fixture (tests/conftest.py) rewrites each COPY, per file, as for
  test_warehouse_snowflake_fakesnow.py; ``$n`` becomes ``column{n-1}`` zero-padded as DuckDB names the columns
  of a file with 10 or more. The production COPY text is asserted by the statement tests; this proves the
  orchestration and the data. fakesnow's ``read_csv`` also sniffs types
  (a timestamp comes back reformatted); Snowflake copies CSV text into VARCHAR unchanged, so the test adds
  ``all_varchar`` to it (``read_csv_as_text``).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import boto3
import fakesnow
import pytest
import snowflake.connector
from fakesnow.copy_into import ReadCSV
from fsspec.spec import AbstractBufferedFile, AbstractFileSystem
from snowflake.connector import SnowflakeConnection

from xo_core.environment import environment
from xo_core.warehouse.snowflake.session import SnowflakeConnectionLike
from xo_foundry.cli.run import logical_date_for, run_direct
from xo_foundry.schemas.loader import DEFAULT_CONFIG_ROOT, load_pipeline
from xo_foundry.schemas.pipeline import PipelineConfig
from xo_sandbox.sandboxes import Sandboxes, start_all

pytestmark = pytest.mark.slow  # two whole pipeline runs, moto and the simulators: about 12 s

DAY = date(2025, 1, 15)
DB = "WBP_DB_DEV"
TABLES = ("GLADLY_CONTACT_TIMESTAMPS", "GLADLY_WORK_SESSIONS")
REGION = "us-east-1"


# --- fakesnow's CSV reading as Snowflake's (text into VARCHAR) ------------------------------------------


def read_csv_as_text(self: ReadCSV, url: str) -> Any:
    """fakesnow's ``read_csv`` plus ``all_varchar``: Snowflake puts CSV text into VARCHAR unchanged, no sniffing."""
    expression = ORIGINAL_READ_CSV(self, url)
    expression.append("expressions", self.make_eq("all_varchar", True))
    return expression


ORIGINAL_READ_CSV = ReadCSV.read_expression


# --- S3 for fakesnow's DuckDB: an fsspec filesystem over boto3 (moto) -------------------------------------


class MotoS3File(AbstractBufferedFile):
    """Range reads of one object (what DuckDB's CSV reader asks for)."""

    def _fetch_range(self, start: int, end: int) -> bytes:
        fs: MotoS3FileSystem = self.fs
        bucket, key = fs.split(self.path)
        answer = fs.client.get_object(Bucket=bucket, Key=key, Range=f"bytes={start}-{end - 1}")
        return answer["Body"].read()


class MotoS3FileSystem(AbstractFileSystem):
    """Read-only ``s3://`` for DuckDB through boto3; enough for ``read_csv`` of named files."""

    protocol = ("s3",)

    def __init__(self, client: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.client = client

    @staticmethod
    def split(path: str) -> tuple[str, str]:
        bucket, _, key = path.removeprefix("s3://").partition("/")
        return bucket, key

    def info(self, path: str, **kwargs: Any) -> dict[str, Any]:
        bucket, key = self.split(path)
        head = self.client.head_object(Bucket=bucket, Key=key)
        return {"name": f"{bucket}/{key}", "size": int(head["ContentLength"]), "type": "file"}

    def modified(self, path: str) -> Any:
        bucket, key = self.split(path)
        return self.client.head_object(Bucket=bucket, Key=key)["LastModified"]

    def ls(self, path: str, detail: bool = True, **kwargs: Any) -> list[Any]:
        bucket, key = self.split(path)
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=key)
        found = [
            {"name": f"{bucket}/{o['Key']}", "size": int(o["Size"]), "type": "file"}
            for page in pages
            for o in page.get("Contents", [])
        ]
        return found if detail else [f["name"] for f in found]

    def _open(
        self,
        path: str,
        mode: str = "rb",
        block_size: Any = None,
        autocommit: bool = True,
        cache_options: Any = None,
        **kwargs: Any,
    ) -> MotoS3File:
        if mode != "rb":
            raise PermissionError("read-only")
        return MotoS3File(self, path, mode, block_size=block_size or "default", cache_type="readahead")


# --- fixtures ----------------------------------------------------------------------------------------------


def prod_snowflake_conn(password: str) -> str:
    extra = {"account": "xo-test", "warehouse": "XO_LOADING_WH_DEV", "role": "XO_LOADER_DEV"}
    body = {"conn_type": "snowflake", "login": "XO_LOADER", "password": password, "schema": "BRONZE"}
    return json.dumps({**body, "extra": extra})


def s3_client(endpoint: str) -> Any:
    return boto3.client("s3", endpoint_url=endpoint, region_name=REGION)


def dev_env(monkeypatch: pytest.MonkeyPatch, home: Path, endpoint: str, sandboxes: Sandboxes, password: str) -> None:
    """XO_ENV=dev on moto, every connection in the environment, fresh buckets."""
    monkeypatch.setenv("XO_ENV", "dev")
    monkeypatch.setenv("XO_HOME", str(home))
    monkeypatch.setenv("XO_S3_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    for name, value in sandboxes.connection_env().items():
        monkeypatch.setenv(name, value)
    # The Snowflake connection lives in Secrets Manager (moto), found through XO_SECRETS_MANAGER_PREFIX.
    monkeypatch.delenv("AIRFLOW_CONN_SNOWFLAKE_DEV", raising=False)
    monkeypatch.setenv("XO_SECRETS_MANAGER_PREFIX", "xo-test/connections")
    monkeypatch.setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", endpoint)
    secrets = boto3.client("secretsmanager", endpoint_url=endpoint, region_name=REGION)
    secrets.create_secret(Name="xo-test/connections/snowflake_dev", SecretString=prod_snowflake_conn(password))
    env = environment()
    client = s3_client(endpoint)
    for bucket in (env.ingest_bucket, env.stage_bucket):
        if bucket not in {b["Name"] for b in client.list_buckets()["Buckets"]}:
            client.create_bucket(Bucket=bucket)


def run_on_fakesnow(
    pipeline: PipelineConfig, endpoint: str, copy_connection: Callable[[SnowflakeConnection], SnowflakeConnectionLike]
) -> dict[str, list[tuple[Any, ...]]]:
    """Run the pipeline directly with fakesnow patched in; return each BRONZE table and the ledger."""
    env = environment()
    with fakesnow.patch():
        fake_connect = snowflake.connector.connect
        setup: Any = fake_connect(database=DB, schema="BRONZE")  # a fakesnow connection
        duck = setup._duck_conn  # fakesnow's DuckDB (a private attribute): the stage reads S3 through it
        duck.register_filesystem(MotoS3FileSystem(s3_client(endpoint)))
        setup.cursor().execute(f"CREATE STAGE {DB}.BRONZE.XO_STAGE URL = 's3://{env.stage_bucket}/'")
        seen: list[dict[str, Any]] = []

        def connect(**kwargs: Any) -> SnowflakeConnectionLike:
            seen.append(kwargs)
            return copy_connection(fake_connect(**kwargs))

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(snowflake.connector, "connect", connect)
            mp.setattr(ReadCSV, "read_expression", read_csv_as_text)
            run_direct(pipeline, logical_date_for(pipeline, DAY), transform=False)
        assert {k["paramstyle"] for k in seen} == {"qmark"} and {k["database"] for k in seen} == {DB}
        assert all("gladly_daily" in k["session_parameters"]["QUERY_TAG"] for k in seen)
        cursor = setup.cursor()
        tables: dict[str, list[tuple[Any, ...]]] = {}
        for table in TABLES:
            cursor.execute(f'SELECT * FROM "{DB}"."BRONZE"."{table}" ORDER BY "_XO_FILE_ROW_NUMBER"')
            tables[table] = [tuple(r) for r in cursor.fetchall()]
            tables[table + ".columns"] = [tuple(d[0] for d in cursor.description)]
        cursor.execute(f'SELECT * FROM "{DB}"."XO_META"."LOAD_LEDGER" WHERE STEP = \'load\'')
        tables["LEDGER"] = [tuple(r) for r in cursor.fetchall()]
        setup.close()
    return tables


def run_embedded(pipeline: PipelineConfig, monkeypatch: pytest.MonkeyPatch, home: Path) -> dict[str, Any]:
    """The same window on the embedded default (XO_ENV=local, DuckDB)."""
    from xo_core.warehouse.duckdb.backend import DuckDBWarehouse

    monkeypatch.setenv("XO_ENV", "local")
    monkeypatch.setenv("XO_HOME", str(home))
    run_direct(pipeline, logical_date_for(pipeline, DAY), transform=False)
    tables: dict[str, Any] = {}
    with DuckDBWarehouse(home).connect_read_only(DB) as connection:
        for table in TABLES:
            result = connection.execute(f'SELECT * FROM "{DB}"."BRONZE"."{table}" ORDER BY "_XO_FILE_ROW_NUMBER"')
            tables[table + ".columns"] = [tuple(d[0] for d in result.description)]
            tables[table] = result.fetchall()
    return tables


def source_part(tables: dict[str, Any], table: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """A table's source columns and rows (metadata left out), plus source file and row number."""
    columns = list(tables[table + ".columns"][0])
    keep = [i for i, c in enumerate(columns) if not c.startswith("_XO_") or c in ("_XO_SOURCE_FILE",)]
    keep.append(columns.index("_XO_FILE_ROW_NUMBER"))
    return [columns[i] for i in keep], [tuple(row[i] for i in keep) for row in tables[table]]


# --- tests -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def prod_sandboxes() -> Iterator[Sandboxes]:
    """The simulators with a Gladly token unique to this module (so the secret test can grep for it)."""
    with start_all(relaxed_limits=True, gladly_credentials={"warbyparker": ("xo@example.com", TOKEN)}) as running:
        yield running


TOKEN = "gladly-token-5f1c9e27d4a84b0c"
SF_PASSWORD = "sf-pass-9b3e61aa0c2d47f8"


@pytest.fixture(scope="module")
def prod_dev_run(
    moto_endpoint: str,
    prod_sandboxes: Sandboxes,
    tmp_path_factory: pytest.TempPathFactory,
    fakesnow_copy_connection: Callable[[SnowflakeConnection], SnowflakeConnectionLike],
) -> dict[str, Any]:
    """One dev run and one embedded run of the same window, with what each wrote."""
    with pytest.MonkeyPatch.context() as mp:
        home = tmp_path_factory.mktemp("prod-dev-home")
        mp.chdir(home)  # no developer .env is read
        dev_env(mp, home / "xo", moto_endpoint, prod_sandboxes, SF_PASSWORD)
        pipeline = load_pipeline(DEFAULT_CONFIG_ROOT / "warbyparker/gladly_daily.yaml")
        logs = io.StringIO()
        import logging

        handler = logging.StreamHandler(logs)
        logging.getLogger().addHandler(handler)
        previous = logging.getLogger().level
        logging.getLogger().setLevel(logging.INFO)
        try:
            dev = run_on_fakesnow(pipeline, moto_endpoint, fakesnow_copy_connection)
        finally:
            logging.getLogger().removeHandler(handler)
            logging.getLogger().setLevel(previous)
        local = run_embedded(pipeline, mp, home / "local")
        return {"dev": dev, "local": local, "home": home, "logs": logs.getvalue(), "env": environment("dev")}


def test_a_dev_run_on_s3_and_snowflake_gives_the_same_bronze_source_columns_as_the_embedded_default(
    prod_dev_run: dict[str, Any],
) -> None:
    dev, local = prod_dev_run["dev"], prod_dev_run["local"]
    for table in TABLES:
        dev_columns, dev_rows = source_part(dev, table)
        local_columns, local_rows = source_part(local, table)
        assert dev_columns == local_columns
        assert len(dev_rows) > 100
        assert dev_rows == local_rows
    statuses = sorted((row[2], row[6], row[4]) for row in dev["LEDGER"])
    assert [(t, s) for t, s, _ in statuses] == [(f"BRONZE.{t}", "SUCCEEDED") for t in TABLES]
    assert [n for *_, n in statuses] == [len(dev[t]) for t in TABLES]


def test_a_dev_run_writes_its_objects_to_the_dev_buckets_on_s3(
    prod_dev_run: dict[str, Any], moto_endpoint: str
) -> None:
    env = prod_dev_run["env"]
    client = s3_client(moto_endpoint)
    keys = {
        bucket: sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", []))
        for bucket in (env.ingest_bucket, env.stage_bucket)
    }
    prefix = "warbyparker/contact_timestamps/full_refresh/2025-01-14/contact_timestamps.csv"
    assert (env.ingest_bucket, env.stage_bucket) == ("xo-data-ingest-dev", "xo-data-stage-dev")
    assert prefix in keys[env.ingest_bucket] and prefix + ".manifest.json" in keys[env.ingest_bucket]
    assert {prefix, prefix + ".manifest.json", prefix + ".columns.json"} <= set(keys[env.stage_bucket])
    assert not (prod_dev_run["home"] / "xo" / "objects").exists()


def test_no_secret_value_is_in_anything_a_dev_run_writes(prod_dev_run: dict[str, Any], moto_endpoint: str) -> None:
    env = prod_dev_run["env"]
    client = s3_client(moto_endpoint)
    written: list[tuple[str, bytes]] = []
    for bucket in (env.ingest_bucket, env.stage_bucket):
        for item in client.list_objects_v2(Bucket=bucket).get("Contents", []):
            written.append(
                (f"s3://{bucket}/{item['Key']}", client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read())
            )
    for path in prod_dev_run["home"].rglob("*"):
        if path.is_file():
            written.append((str(path), path.read_bytes()))
    for name, rows in prod_dev_run["dev"].items():
        written.append((f"fakesnow {name}", repr(rows).encode()))
    written.append(("captured logs", prod_dev_run["logs"].encode()))
    assert len(written) > 10 and "LEDGER" in {n.split()[-1] for n, _ in written}
    assert "load" in prod_dev_run["logs"].lower()  # the logs were captured, so their check means something
    for secret in (TOKEN, SF_PASSWORD):
        leaks = [name for name, data in written if secret.encode() in data]
        assert leaks == [], f"{secret[:8]}… found in {leaks}"
