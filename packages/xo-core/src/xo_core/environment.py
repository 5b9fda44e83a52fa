"""Which environment the platform runs in, and everything that follows from it, in one place.

``XO_ENV`` chooses: ``local`` (the embedded default: a folder as object store, DuckDB as warehouse, the source
simulators), ``dev`` or ``prod`` (S3 and Snowflake). ``XO_HOME`` holds all local state (default ``.xo/`` at the
repository root, or the current directory outside a checkout).

In ``dev`` and ``prod`` the object store is S3 in ``AWS_REGION`` (default ``us-east-1``); ``XO_S3_ENDPOINT_URL``
points it at another S3 endpoint (moto, localstack, a VPC endpoint). Bucket names are those of
``apps/snowflake-schema/vars/<env>.yml`` (the stage the migrations create reads the stage bucket), unless
``XO_INGEST_BUCKET``, ``XO_STAGE_BUCKET`` or ``XO_LANDING_BUCKET`` name others (bucket names are global in S3).
The warehouse connection is ``snowflake_<env>`` (the loader's, role ``XO_LOADER``); the dashboards read through
``snowflake_reader_<env>``, whose role must be ``XO_READER`` (``XO_READER_DEV`` in dev: GOLD and the load ledger,
read only; see ``apps/snowflake-schema``). S3 and Secrets Manager use boto3's credential chain, which
Airflow's ``aws_default`` connection also describes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args
from urllib.parse import urlencode

from xo_core.errors import ConfigError

EnvName = Literal["local", "dev", "prod"]
ENV_NAMES: tuple[str, ...] = get_args(EnvName)
DEV_SUFFIX = "_DEV"
DEFAULT_REGION = "us-east-1"
AWS_CONN_ID = "aws_default"


def base_database(name: str) -> str:
    """The logical database, the same in every environment: ``WBP_DB_DEV`` and ``WBP_DB`` → ``WBP_DB``."""
    return name.removesuffix(DEV_SUFFIX)


def database_in(env: str, configured: str) -> str:
    """The physical database of ``configured`` in ``env``: ``WBP_DB`` in prod, its ``_DEV`` twin in dev and local.

    The one place that maps environments to databases (configs may name either twin; the environment decides).
    """
    if env not in ENV_NAMES:
        raise ConfigError(f"unknown environment {env!r} (one of {', '.join(ENV_NAMES)})")
    base = base_database(configured)
    return base if env == "prod" else base + DEV_SUFFIX


@dataclass(frozen=True)
class Environment:
    """Names and backends that follow from the environment's name."""

    name: EnvName
    home: Path
    object_store_url: str
    ingest_bucket: str
    stage_bucket: str
    landing_bucket: str
    warehouse: Literal["duckdb", "snowflake"]
    warehouse_conn_id: str | None = None  # the Snowflake connection; None for the embedded DuckDB
    reader_conn_id: str | None = None  # the dashboards' read-only Snowflake connection; None for DuckDB
    reader_role: str | None = None  # the role that connection must have (the migrations' XO_READER)
    aws_conn_id: str | None = None  # the Airflow connection describing AWS credentials (dev/prod)

    def database(self, configured: str) -> str:
        """The physical database for a configured one: ``WBP_DB`` in prod, ``WBP_DB_DEV`` elsewhere."""
        return database_in(self.name, configured)

    @property
    def warehouse_dir(self) -> Path:
        return self.home / "warehouse"

    @property
    def airflow_home(self) -> Path:
        return self.home / "airflow"


def repo_root() -> Path | None:
    """The checkout this code runs from, if any (the folder holding ``apps/airflow/xo-pipelines``)."""
    for parent in Path(__file__).resolve().parents:
        if (parent / "apps" / "airflow" / "xo-pipelines").is_dir():
            return parent
    return None


def default_home() -> Path:
    root = repo_root()
    return (root if root is not None else Path.cwd()) / ".xo"


def s3_store_url(environ: Mapping[str, str]) -> str:
    """``s3://`` with the region and, when ``XO_S3_ENDPOINT_URL`` is set, the endpoint (see storage.factory)."""
    options = {"region": environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION}
    endpoint = environ.get("XO_S3_ENDPOINT_URL")
    if endpoint:
        options = {"endpoint_url": endpoint, **options}
    return "s3://?" + urlencode(options)


def environment(
    name: str | None = None, home: Path | None = None, environ: Mapping[str, str] | None = None
) -> Environment:
    """The environment named (default ``XO_ENV``, else ``local``); settings are read from ``environ``."""
    environ = os.environ if environ is None else environ
    name = name or environ.get("XO_ENV", "local")
    home = home or Path(environ.get("XO_HOME") or default_home())
    if name == "local":
        return Environment(
            name="local",
            home=home,
            object_store_url=(home / "objects").as_uri(),
            ingest_bucket="xo-ingest",
            stage_bucket="xo-stage",
            landing_bucket="xo-landing",
            warehouse="duckdb",
        )
    if name in ("dev", "prod"):
        remote: EnvName = "dev" if name == "dev" else "prod"
        # The names of apps/snowflake-schema/vars/<env>.yml: xo-data-stage-dev in dev, xo-data-stage in prod.
        suffix = "-dev" if remote == "dev" else ""
        return Environment(
            name=remote,
            home=home,
            object_store_url=s3_store_url(environ),
            ingest_bucket=environ.get("XO_INGEST_BUCKET") or f"xo-data-ingest{suffix}",
            stage_bucket=environ.get("XO_STAGE_BUCKET") or f"xo-data-stage{suffix}",
            landing_bucket=environ.get("XO_LANDING_BUCKET") or f"xo-data-landing{suffix}",
            warehouse="snowflake",
            warehouse_conn_id=f"snowflake_{remote}",
            reader_conn_id=f"snowflake_reader_{remote}",
            reader_role="XO_READER" + (DEV_SUFFIX if remote == "dev" else ""),
            aws_conn_id=AWS_CONN_ID,
        )
    raise ConfigError(f"unknown environment {name!r}: XO_ENV must be one of {', '.join(ENV_NAMES)}")
