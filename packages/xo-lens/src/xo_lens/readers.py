"""Where the dashboards read from: the embedded DuckDB files, or Snowflake, behind one small interface.

Dashboards only read, and they show what sources sent: they never hold write rights. DuckDB files are opened
read-only; Snowflake is read through the environment's reader connection (``snowflake_reader_<env>``), whose
role must be the migrations' ``XO_READER`` (refused before connecting otherwise), never the loader's connection.

A reader opens a connection for one query and closes it at once. On DuckDB that matters: a file open for
reading blocks a pipeline's write connection (and the other way round), so a dashboard must hold it for the
length of a query only; ``DuckDBWarehouse.connect_read_only`` waits while a writer holds the file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from xo_core.credentials import Connection, local_sources, resolve_connection
from xo_core.environment import Environment, environment
from xo_core.errors import CredentialError
from xo_core.warehouse.duckdb.backend import DEFAULT_READ_ONLY_TIMEOUT_SECONDS, DuckDBWarehouse
from xo_core.warehouse.snowflake.connect import SnowflakeSettings, connector, query_tag, settings_from_connection
from xo_core.warehouse.snowflake.session import SnowflakeConnectionLike

Row = dict[str, Any]


class NoDataError(Exception):
    """The warehouse has no such database or table yet: nothing was loaded (``make demo`` fills it)."""


class Reader(Protocol):
    """Runs one read-only query against one database."""

    @property
    def key(self) -> str:
        """What identifies this reader in a cache key (never a secret)."""
        ...

    def has_table(self, database: str, schema: str, table: str) -> bool:
        """Whether the table (or view) exists; an absent database has no tables."""
        ...

    def has_column(self, database: str, schema: str, table: str, column: str) -> bool:
        """Whether the table (or view) has the column (a ledger from before a migration may not)."""
        ...

    def fetch(self, database: str, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """The query's rows as dicts keyed by UPPERCASE column name."""
        ...


# One query for both backends: INFORMATION_SCHEMA lists views as well as tables. The catalog is named in
# the FROM on Snowflake (each database has its own) and filtered on in DuckDB (one view over all files).
_HAS_TABLE_DUCKDB = (
    "SELECT count(*) FROM information_schema.tables"
    " WHERE table_catalog = ? AND upper(table_schema) = ? AND upper(table_name) = ?"
)
_HAS_COLUMN_DUCKDB = (
    "SELECT count(*) FROM information_schema.columns"
    " WHERE table_catalog = ? AND upper(table_schema) = ? AND upper(table_name) = ? AND upper(column_name) = ?"
)


@dataclass(frozen=True)
class DuckDBReader:
    """Reads ``home/warehouse/<DB>.duckdb`` read-only, waiting up to ``timeout`` s while a pipeline writes."""

    home: Path
    timeout: float = DEFAULT_READ_ONLY_TIMEOUT_SECONDS

    @property
    def key(self) -> str:
        return f"duckdb:{self.home}"

    def _warehouse(self) -> DuckDBWarehouse:
        return DuckDBWarehouse(self.home, read_only_timeout=self.timeout)

    def has_table(self, database: str, schema: str, table: str) -> bool:
        if not self._warehouse().database_path(database).is_file():
            return False
        rows = self.fetch(database, _HAS_TABLE_DUCKDB, [database, schema.upper(), table.upper()])
        return bool(rows and next(iter(rows[0].values())))

    def has_column(self, database: str, schema: str, table: str, column: str) -> bool:
        if not self._warehouse().database_path(database).is_file():
            return False
        rows = self.fetch(database, _HAS_COLUMN_DUCKDB, [database, schema.upper(), table.upper(), column.upper()])
        return bool(rows and next(iter(rows[0].values())))

    def fetch(self, database: str, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        warehouse = self._warehouse()
        if not warehouse.database_path(database).is_file():
            raise NoDataError(f"database {database} has no file under {warehouse.home / 'warehouse'} yet")
        connection = warehouse.connect_read_only(database)
        try:
            cursor = connection.execute(sql, list(params) if params else None)
            names = [d[0].upper() for d in cursor.description or []]
            return [_row(names, values) for values in cursor.fetchall()]
        finally:
            connection.close()


@dataclass(frozen=True)
class SnowflakeReader:
    """Reads Snowflake through the reader connection; one connection per query (dashboards are idle).

    ``role``: the role the connection must have (``XO_READER``); empty skips the check (tests with their own
    ``connect``)."""

    connection: Connection = field(repr=False)
    connect: Callable[[Connection, str], SnowflakeConnectionLike] | None = field(default=None, repr=False)
    role: str = ""

    @property
    def key(self) -> str:
        return f"snowflake:{self.connection.conn_id}"

    def settings(self, database: str) -> SnowflakeSettings:
        """The connector settings for ``database``; CredentialError when the role is not the reader's."""
        settings = settings_from_connection(self.connection, database=database, tag=query_tag(job="xo-lens"))
        if self.role and settings.role.upper() != self.role.upper():
            raise CredentialError(
                f"Snowflake connection {self.connection.conn_id!r} has role {settings.role}; the dashboards read "
                f"only with the read-only role {self.role}"
            )
        return settings

    def _open(self, database: str) -> SnowflakeConnectionLike:
        if self.connect is not None:
            return self.connect(self.connection, database)
        return connector(self.settings(database))()

    def has_table(self, database: str, schema: str, table: str) -> bool:
        sql = (
            f'SELECT count(*) FROM "{database}".INFORMATION_SCHEMA.TABLES'
            " WHERE TABLE_SCHEMA = ? AND UPPER(TABLE_NAME) = ?"
        )
        rows = self.fetch(database, sql, [schema.upper(), table.upper()])
        return bool(rows and next(iter(rows[0].values())))

    def has_column(self, database: str, schema: str, table: str, column: str) -> bool:
        sql = (
            f'SELECT count(*) FROM "{database}".INFORMATION_SCHEMA.COLUMNS'
            " WHERE TABLE_SCHEMA = ? AND UPPER(TABLE_NAME) = ? AND UPPER(COLUMN_NAME) = ?"
        )
        rows = self.fetch(database, sql, [schema.upper(), table.upper(), column.upper()])
        return bool(rows and next(iter(rows[0].values())))

    def fetch(self, database: str, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        connection = self._open(database)
        try:
            cursor = connection.cursor()
            cursor.execute(sql, list(params) if params else None)
            names = [d[0].upper() for d in cursor.description or []]
            return [_row(names, values) for values in cursor.fetchall()]
        finally:
            connection.close()


def _row(names: list[str], values: Sequence[Any]) -> Row:
    # Snowflake's NUMBER arrives as Decimal; charts and arithmetic want floats.
    return {n: float(v) if isinstance(v, Decimal) else v for n, v in zip(names, values, strict=True)}


def reader_for(env: Environment | None = None) -> Reader:
    """The reader of the environment: DuckDB files for ``local``, Snowflake's reader connection for ``dev`` and
    ``prod``."""
    env = env or environment()
    if env.warehouse == "snowflake" and env.reader_conn_id:
        return SnowflakeReader(resolve_connection(env.reader_conn_id, local_sources()), role=env.reader_role or "")
    return DuckDBReader(env.home)
