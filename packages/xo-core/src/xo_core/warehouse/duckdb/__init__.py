"""The DuckDB warehouse backend (development and tests): same names and load semantics as Snowflake."""

from xo_core.warehouse.duckdb.backend import DuckDBSession, DuckDBWarehouse
from xo_core.warehouse.duckdb.locking import DEFAULT_LOCK_TIMEOUT_SECONDS, hold_read_lock, hold_write_lock

__all__ = ["DEFAULT_LOCK_TIMEOUT_SECONDS", "DuckDBSession", "DuckDBWarehouse", "hold_read_lock", "hold_write_lock"]
