"""The Snowflake warehouse backend (dev and prod): COPY from an external stage, one transaction per load."""

from xo_core.warehouse.snowflake.backend import SnowflakeWarehouse
from xo_core.warehouse.snowflake.session import SnowflakeConnectionLike, SnowflakeSession
from xo_core.warehouse.snowflake.statements import CopyMode, copy_force, copy_into_sql

__all__ = [
    "CopyMode",
    "SnowflakeConnectionLike",
    "SnowflakeSession",
    "SnowflakeWarehouse",
    "copy_force",
    "copy_into_sql",
]
