"""The warehouse backend an environment uses: DuckDB files for ``local``, Snowflake for ``dev`` and ``prod``."""

from __future__ import annotations

from xo_core.environment import Environment
from xo_core.errors import ConfigError
from xo_core.warehouse.base import Warehouse


def warehouse_for(env: Environment) -> Warehouse:
    """A warehouse for the environment (connections are opened per load, not here)."""
    if env.warehouse == "duckdb":
        from xo_core.warehouse.duckdb.backend import DuckDBWarehouse

        return DuckDBWarehouse(env.home)
    raise ConfigError(f"the {env.warehouse} warehouse of environment {env.name!r} is not wired up yet")
