"""The Snowflake warehouse: BRONZE loads by COPY from an external stage over the stage bucket.

A connection is opened per call (``connect``), switched to autocommit (DDL and the ledger's STARTED row
commit on their own), and closed after. The load's transaction is explicit: ``BEGIN`` … ``COMMIT``, and
``ROLLBACK`` on any error, sent as statements by the shared runner (``full_refresh.py``);
``connection.autocommit(False)`` is never relied on.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime

from xo_core.errors import ConfigError
from xo_core.identifiers import qualified_name
from xo_core.warehouse import ledger
from xo_core.warehouse.base import LedgerRow, LoadRequest, LoadResult
from xo_core.warehouse.full_refresh import AfterTruncateHook, run_full_refresh
from xo_core.warehouse.metadata import METADATA_COLUMN_NAMES
from xo_core.warehouse.snowflake.session import SnowflakeConnectionLike, SnowflakeSession
from xo_core.warehouse.snowflake.stage import validate_object_name, validate_stage_url

DATABASE_SCHEMAS = ("BRONZE", "SILVER", "GOLD", ledger.LEDGER_SCHEMA)


class SnowflakeWarehouse:
    """A ``Warehouse`` over Snowflake.

    ``connect`` opens a connection made with ``paramstyle="qmark"`` (the shared SQL binds ``?``);
    ``stage`` is the external stage ``DB.SCHEMA.NAME`` whose URL is ``stage_url`` (``s3://bucket/``);
    a ``LoadFile.uri`` is the staged object's ``s3://bucket/key``. ``file_format`` names a CSV file
    format (``DB.SCHEMA.NAME``) to use instead of the inline options. ``after_truncate`` is test-only.
    """

    def __init__(
        self,
        connect: Callable[[], SnowflakeConnectionLike],
        *,
        stage: str,
        stage_url: str,
        file_format: str | None = None,
        after_truncate: AfterTruncateHook | None = None,
    ) -> None:
        self._connect = connect
        self.stage = validate_object_name(stage, kind="stage")
        self.stage_url = validate_stage_url(stage_url)
        self.file_format = validate_object_name(file_format, kind="file_format") if file_format else None
        self._after_truncate = after_truncate

    @contextmanager
    def session(self) -> Generator[SnowflakeSession]:
        """A session over a new autocommit connection, closed at the end of the block."""
        connection = self._connect()
        try:
            # The connector's own property; fakes without it are taken to bind qmark as they do.
            if getattr(connection, "is_pyformat", False):
                raise ConfigError("the Snowflake connection must be made with paramstyle='qmark'")
            connection.autocommit(True)
            yield SnowflakeSession(connection, stage=self.stage, stage_url=self.stage_url, file_format=self.file_format)
        finally:
            # A connection that dropped mid-load cannot be closed; the load's own error is what matters.
            with suppress(Exception):
                connection.close()

    def ensure_database(self, name: str) -> None:
        """Create the BRONZE, SILVER, GOLD and XO_META schemas; the database itself is infrastructure's."""
        with self.session() as session:
            for schema in DATABASE_SCHEMAS:
                session.execute(f"CREATE SCHEMA IF NOT EXISTS {qualified_name(name, schema)}")

    def load_full_refresh(self, request: LoadRequest) -> LoadResult:
        """Replace the table's rows with the request's files in one transaction (see ``full_refresh``)."""
        with self.session() as session:
            return run_full_refresh(session, request, after_truncate=self._after_truncate)

    def table_columns(self, database: str, schema: str, table: str) -> list[str]:
        """The table's source columns in order; empty when the table does not exist."""
        with self.session() as session:
            columns = session.existing_columns(database, schema, table)
        return [c for c in columns if c not in METADATA_COLUMN_NAMES]

    def record_attempt(self, database: str, attempt: ledger.Attempt) -> None:
        """Insert an attempt's STARTED ledger row (the ledger is created if the migrations have not yet)."""
        with self.session() as session:
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
        with self.session() as session:
            ledger.record_finished(
                session,
                database,
                load_id,
                status=status,
                rows_loaded=rows,
                finished_at=datetime.now(UTC),
                query_ids=session.query_ids(),
                error=error,
                header=header,
            )

    def ledger_rows(self, database: str, table: str | None = None) -> list[LedgerRow]:
        """The database's load ledger, oldest first; empty when nothing was ever loaded."""
        with self.session() as session:
            columns = session.existing_columns(database, ledger.LEDGER_SCHEMA, ledger.LEDGER_TABLE)
            if not columns:
                return []
            return ledger.read_ledger(session, database, table, existing=columns)
