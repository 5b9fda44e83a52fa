"""The DuckDB warehouse: one file per client database, named and laid out exactly as in Snowflake.

``home/warehouse/WBP_DB_DEV.duckdb`` opens as the catalog ``WBP_DB_DEV`` (DuckDB names a file's catalog
after its stem), so SQL says ``"WBP_DB_DEV"."BRONZE"."GLADLY_CONTACT_TIMESTAMPS"`` here as there.
Every write connection is opened only under the file's write lock (``locking.py``) and closed after.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from xo_core.errors import ConfigError
from xo_core.identifiers import qualified_name, validate_identifier
from xo_core.warehouse import ledger
from xo_core.warehouse.base import LedgerRow, LoadFile, LoadRequest, LoadResult
from xo_core.warehouse.duckdb.connecting import connect_with_retry
from xo_core.warehouse.duckdb.csv_files import check_csv_file
from xo_core.warehouse.duckdb.file_rows import insert_numbered_file
from xo_core.warehouse.duckdb.locking import DEFAULT_LOCK_TIMEOUT_SECONDS, hold_write_lock
from xo_core.warehouse.full_refresh import AfterTruncateHook, run_full_refresh
from xo_core.warehouse.metadata import METADATA_COLUMN_NAMES
from xo_core.warehouse.plan import FullRefreshPlan

DATABASE_SCHEMAS = ("BRONZE", "SILVER", "GOLD", ledger.LEDGER_SCHEMA)
DEFAULT_READ_ONLY_TIMEOUT_SECONDS = 10.0


class DuckDBSession:
    """A ``LoadSession`` over one open DuckDB connection."""

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self._connection = connection

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        # DuckDB 2.0 keeps a result open until it is read to its end, so every statement is fetched.
        return self._connection.execute(sql, list(params) if params else None).fetchall()

    def existing_columns(self, database: str, schema: str, table: str) -> list[str]:
        rows = self.execute(
            "SELECT column_name FROM duckdb_columns()"
            " WHERE database_name = ? AND schema_name = ? AND table_name = ? ORDER BY column_index",
            [database, schema, table],
        )
        return [row[0] for row in rows]

    def check_files(self, plan: FullRefreshPlan) -> None:
        for file in plan.files:
            check_csv_file(plan, file)

    def load_file(self, plan: FullRefreshPlan, file: LoadFile) -> int:
        # A parallel INSERT, then the file row numbers from the rows' insertion order (file_rows.py).
        return insert_numbered_file(self, plan, file)

    def query_ids(self) -> list[str]:
        return []  # DuckDB has no query ids; Snowflake's backend returns each statement's sfqid


class DuckDBWarehouse:
    """A ``Warehouse`` over DuckDB files in ``home/warehouse/``.

    ``after_truncate`` is a test-only injection point: called inside the load's transaction right
    after the TRUNCATE, so a test can fail there and see the previous rows survive.
    """

    def __init__(
        self,
        home: Path,
        *,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT_SECONDS,
        read_only_timeout: float = DEFAULT_READ_ONLY_TIMEOUT_SECONDS,
        after_truncate: AfterTruncateHook | None = None,
    ) -> None:
        self.home = Path(home)
        self.lock_timeout = lock_timeout
        self.read_only_timeout = read_only_timeout
        self._after_truncate = after_truncate

    def database_path(self, database: str) -> Path:
        """``home/warehouse/<DATABASE>.duckdb``."""
        return self.home / "warehouse" / f"{validate_identifier(database, kind='database')}.duckdb"

    def lock_path(self, database: str) -> Path:
        """``home/warehouse/<DATABASE>.lock``: the write lock of that database file."""
        return self.home / "warehouse" / f"{validate_identifier(database, kind='database')}.lock"

    @contextmanager
    def connect_for_write(self, database: str, *, purpose: str) -> Generator[duckdb.DuckDBPyConnection]:
        """A read-write connection opened under the database's write lock and closed before it is released."""
        path = self.database_path(database)
        with hold_write_lock(self.lock_path(database), purpose=purpose, timeout=self.lock_timeout):
            # A reader in another process (a dashboard) can still hold the file; wait for it as for a writer.
            connection = connect_with_retry(path, read_only=False, timeout=self.lock_timeout)
            try:
                yield connection
            finally:
                connection.close()

    def connect_read_only(self, database: str) -> duckdb.DuckDBPyConnection:
        """A read-only connection (for dashboards); waits up to ``read_only_timeout`` s for a writer."""
        path = self.database_path(database)
        if not path.is_file():
            raise ConfigError(f"database {database} has no file at {path}: nothing was loaded into it yet")
        return connect_with_retry(path, read_only=True, timeout=self.read_only_timeout)

    def ensure_database(self, name: str) -> None:
        """Create the database file and its BRONZE, SILVER, GOLD and XO_META schemas if missing."""
        with self.connect_for_write(name, purpose=f"ensure_database {name}") as connection:
            _create_schemas(DuckDBSession(connection), name)

    def load_full_refresh(self, request: LoadRequest) -> LoadResult:
        """Replace the table's rows with the request's files in one transaction (see ``full_refresh``)."""
        purpose = f"load {request.database}.{request.schema}.{request.table} (run {request.run_id})"
        with self.connect_for_write(request.database, purpose=purpose) as connection:
            session = DuckDBSession(connection)
            _create_schemas(session, request.database)
            return run_full_refresh(session, request, after_truncate=self._after_truncate)

    def table_columns(self, database: str, schema: str, table: str) -> list[str]:
        """The table's source columns in order; empty when the table (or the database file) does not exist."""
        if not self.database_path(database).is_file():
            return []
        connection = self.connect_read_only(database)
        try:
            columns = DuckDBSession(connection).existing_columns(database, schema, table)
        finally:
            connection.close()
        return [c for c in columns if c not in METADATA_COLUMN_NAMES]

    def record_attempt(self, database: str, attempt: ledger.Attempt) -> None:
        """Insert an attempt's STARTED ledger row, creating the database's schemas and ledger if missing."""
        purpose = f"ledger {attempt.step} {database}.{attempt.table_name} (run {attempt.run_id})"
        with self.connect_for_write(database, purpose=purpose) as connection:
            session = DuckDBSession(connection)
            _create_schemas(session, database)
            ledger.ensure_ledger(session, database)
            ledger.record_attempt(session, database, attempt)

    def finish_attempt(
        self,
        database: str,
        load_id: str,
        *,
        status: str,
        rows: int | None,
        error: str | None = None,
        header: ledger.Header | None = None,
    ) -> None:
        """Set the final status of an attempt's ledger row (and, for a stage attempt, the header it read)."""
        with self.connect_for_write(database, purpose=f"ledger {status} {database} {load_id}") as connection:
            ledger.record_finished(
                DuckDBSession(connection),
                database,
                load_id,
                status=status,
                rows_loaded=rows,
                finished_at=datetime.now(UTC),
                error=error,
                header=header,
            )

    def ledger_rows(self, database: str, table: str | None = None) -> list[LedgerRow]:
        """The database's load ledger, oldest first; empty when nothing was ever loaded."""
        if not self.database_path(database).is_file():
            return []
        connection = self.connect_read_only(database)
        try:
            session = DuckDBSession(connection)
            columns = session.existing_columns(database, ledger.LEDGER_SCHEMA, ledger.LEDGER_TABLE)
            if not columns:
                return []
            return ledger.read_ledger(session, database, table, existing=columns)
        finally:
            connection.close()


def _create_schemas(session: DuckDBSession, database: str) -> None:
    for schema in DATABASE_SCHEMAS:
        session.execute(f"CREATE SCHEMA IF NOT EXISTS {qualified_name(database, schema)}")
