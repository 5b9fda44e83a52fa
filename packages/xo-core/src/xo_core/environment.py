"""Which environment the platform runs in, and everything that follows from it, in one place.

``XO_ENV`` chooses: ``local`` (the embedded default: a folder as object store, DuckDB as warehouse, the source
simulators), ``dev`` or ``prod`` (S3 and Snowflake). ``XO_HOME`` holds all local state (default ``.xo/`` at the
repository root, or the current directory outside a checkout).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from xo_core.errors import ConfigError

EnvName = Literal["local", "dev", "prod"]
ENV_NAMES: tuple[str, ...] = get_args(EnvName)
DEV_SUFFIX = "_DEV"


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

    def database(self, configured: str) -> str:
        """The physical database for a configured one: ``WBP_DB`` in prod, ``WBP_DB_DEV`` elsewhere."""
        base = configured.removesuffix(DEV_SUFFIX)
        return base if self.name == "prod" else base + DEV_SUFFIX

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


def environment(name: str | None = None, home: Path | None = None) -> Environment:
    """The environment named (default ``XO_ENV``, else ``local``)."""
    name = name or os.environ.get("XO_ENV", "local")
    home = home or Path(os.environ.get("XO_HOME") or default_home())
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
        return Environment(
            name=remote,
            home=home,
            object_store_url=os.environ.get("XO_S3_URL", "s3://"),
            ingest_bucket=f"xo-data-{name}-ingest",
            stage_bucket=f"xo-data-{name}-stage",
            landing_bucket=f"xo-data-{name}-landing",
            warehouse="snowflake",
        )
    raise ConfigError(f"unknown environment {name!r}: XO_ENV must be one of {', '.join(ENV_NAMES)}")
