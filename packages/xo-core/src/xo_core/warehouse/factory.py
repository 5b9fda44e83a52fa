"""The warehouse backend an environment uses: DuckDB files for ``local``, Snowflake for ``dev`` and ``prod``.

A Snowflake warehouse is built per database, because the stage it COPYs from is the database's own
(``<DB>.BRONZE.XO_STAGE`` on ``s3://<stage bucket>/``, created by apps/snowflake-schema). The CSV options are
sent inline with every COPY rather than naming ``<DB>.BRONZE.XO_CSV``: the inline ones are the ones the
statement tests pin and that read a file exactly as DuckDB does in development.
"""

from __future__ import annotations

from xo_core.credentials import Connection
from xo_core.environment import Environment
from xo_core.errors import ConfigError, CredentialError
from xo_core.warehouse.base import Warehouse

STAGE_SCHEMA = "BRONZE"
STAGE_NAME = "XO_STAGE"


def snowflake_stage(database: str) -> str:
    """The external stage of a database: ``<DB>.BRONZE.XO_STAGE``."""
    return f"{database}.{STAGE_SCHEMA}.{STAGE_NAME}"


def stage_url(env: Environment) -> str:
    """The URL the stage points at: the root of the environment's stage bucket."""
    return f"s3://{env.stage_bucket}/"


def warehouse_for(
    env: Environment, *, database: str | None = None, connection: Connection | None = None, tag: str = ""
) -> Warehouse:
    """A warehouse for the environment (connections are opened per load, not here).

    Snowflake needs the physical ``database`` (its stage) and the resolved ``connection``
    (``env.warehouse_conn_id``, found by the caller's connection sources); ``tag`` becomes the QUERY_TAG.
    """
    if env.warehouse == "duckdb":
        from xo_core.warehouse.duckdb.backend import DuckDBWarehouse

        return DuckDBWarehouse(env.home)
    if env.warehouse == "snowflake":
        from xo_core.warehouse.snowflake.backend import SnowflakeWarehouse
        from xo_core.warehouse.snowflake.connect import connector, settings_from_connection

        if database is None:
            raise ConfigError(f"the Snowflake warehouse of environment {env.name!r} is built per database: name one")
        if connection is None:
            raise CredentialError(
                f"no Snowflake connection given for environment {env.name!r} ({env.warehouse_conn_id})"
            )
        settings = settings_from_connection(connection, database=database, tag=tag)
        return SnowflakeWarehouse(connector(settings), stage=snowflake_stage(database), stage_url=stage_url(env))
    raise ConfigError(f"the {env.warehouse} warehouse of environment {env.name!r} is not wired up")
