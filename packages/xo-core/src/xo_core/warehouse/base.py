"""What every warehouse backend offers, and the values that go in and come out of a load.

A load goes: ``LoadRequest`` (validated here, before any SQL exists) → ``FullRefreshPlan`` (``plan.py``,
backend-independent) → statements, rendered partly by the shared runner (``full_refresh.py``: BEGIN,
TRUNCATE, COMMIT, ROLLBACK, ledger) and partly by the backend's ``LoadSession`` (reading one file, or
all of them at once for a session that is also ``LoadsFilesTogether``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from xo_core.errors import ConfigError
from xo_core.identifiers import COLUMN_NAME_RE, validate_identifier
from xo_core.suggest import did_you_mean
from xo_core.warehouse.metadata import METADATA_COLUMN_NAMES

if TYPE_CHECKING:
    from xo_core.warehouse.ledger import Attempt, Header
    from xo_core.warehouse.plan import FullRefreshPlan

LOAD_STRATEGIES = ("full_refresh", "incremental", "historical")


@dataclass(frozen=True)
class LoadFile:
    """One staged file: ``uri`` is what the backend reads, ``source_key`` goes into ``_XO_SOURCE_FILE``."""

    uri: str
    expected_rows: int
    source_key: str

    def __post_init__(self) -> None:
        if not self.uri or not self.source_key:
            raise ConfigError("a load file needs a uri and a source_key")
        if self.expected_rows < 0:
            raise ConfigError(f"expected_rows of {self.source_key!r} is negative: {self.expected_rows}")


@dataclass(frozen=True)
class LoadRequest:
    """One table load. Every identifier is validated here, so a bad name never reaches SQL."""

    database: str
    schema: str
    table: str
    columns: list[str]
    files: list[LoadFile]
    run_id: str
    window_start: datetime
    window_end: datetime
    load_strategy: str = "full_refresh"
    # For the ledger: the run's DAG and logical date, and whether the files are a replay of landed objects.
    dag_id: str | None = None
    logical_date: datetime | None = None
    replay: bool = False

    def __post_init__(self) -> None:
        validate_identifier(self.database, kind="database")
        validate_identifier(self.schema, kind="schema")
        validate_identifier(self.table, kind="table")
        if not self.columns:
            raise ConfigError(f"{self.table}: a load needs at least one column")
        for column in self.columns:
            validate_identifier(column, kind="column", pattern=COLUMN_NAME_RE)
            if column in METADATA_COLUMN_NAMES:
                raise ConfigError(f"{self.table}: source column {column} collides with a metadata column")
        duplicates = sorted({c for c in self.columns if self.columns.count(c) > 1})
        if duplicates:
            raise ConfigError(f"{self.table}: columns appear twice after standardizing: {duplicates}")
        # No files would make a full refresh commit an empty table: a day without data still has a
        # header-only file with expected_rows=0.
        if not self.files:
            raise ConfigError(f"{self.table}: a load needs at least one file")
        if not self.run_id:
            raise ConfigError(f"{self.table}: run_id is empty")
        for name, value in (("window_start", self.window_start), ("window_end", self.window_end)):
            if value.tzinfo is None or value.utcoffset() is None:
                raise ConfigError(f"{self.table}: {name} must be timezone-aware, got {value.isoformat()}")
        if self.window_end < self.window_start:
            raise ConfigError(f"{self.table}: window_end {self.window_end} is before window_start")
        if self.load_strategy not in LOAD_STRATEGIES:
            hint = did_you_mean(self.load_strategy, LOAD_STRATEGIES, list_when_none=True)
            raise ConfigError(f"unknown load_strategy {self.load_strategy!r}{hint}")

    @property
    def expected_rows(self) -> int:
        """Rows the extractor wrote, summed over the files."""
        return sum(f.expected_rows for f in self.files)


@dataclass(frozen=True)
class LoadResult:
    """What a committed load did. A load that did not commit raises instead of returning."""

    table: str
    rows_loaded: int
    files: list[str]
    status: str
    started_at: datetime
    finished_at: datetime
    query_ids: list[str]
    load_id: str


@dataclass(frozen=True)
class LedgerRow:
    """One row of ``"<DB>"."XO_META"."LOAD_LEDGER"``: one attempt of one step (``extract``, ``stage``, ``load``)."""

    load_id: str
    run_id: str
    table_name: str
    files: list[str]
    rows_loaded: int | None
    expected_rows: int | None
    status: str
    error: str | None
    started_at: datetime
    finished_at: datetime | None
    query_ids: list[str]
    step: str = "load"
    dag_id: str | None = None
    logical_date: datetime | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    replay: bool = False
    columns: list[str] | None = None  # a stage row's standardized header
    drift: str | None = None  # a stage row's drift from the source's column contract (JSON)

    @property
    def seconds(self) -> float | None:
        """How long the attempt took; None while it has not finished."""
        return (self.finished_at - self.started_at).total_seconds() if self.finished_at else None


class ExecutesSql(Protocol):
    """Something that runs one statement with ``?`` (qmark) parameters bound, in every backend."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one statement with bound parameters and return its rows."""
        ...


class DescribesTables(ExecutesSql, Protocol):
    """Runs statements and lists a table's columns."""

    def existing_columns(self, database: str, schema: str, table: str) -> list[str]:
        """The table's columns in order, or an empty list when it does not exist."""
        ...


class LoadSession(DescribesTables, Protocol):
    """The few things a backend must do itself; the shared runner sends everything else as SQL."""

    def check_files(self, plan: FullRefreshPlan) -> None:
        """Raise ``LoadError`` for a file that is missing or unreadable, before anything is truncated."""
        ...

    def load_file(self, plan: FullRefreshPlan, file: LoadFile) -> int:
        """Insert one file's rows (source columns + metadata) and return how many rows went in."""
        ...

    def query_ids(self) -> list[str]:
        """Ids of the queries sent so far (empty where the backend has none, like DuckDB)."""
        ...


@runtime_checkable
class LoadsFilesTogether(Protocol):
    """A ``LoadSession`` that loads all of a plan's files itself (Snowflake: one COPY naming every file).

    The shared runner calls ``load_files`` instead of ``load_file`` once per file when a session has it.
    """

    def load_files(self, plan: FullRefreshPlan) -> int:
        """Load every file of the plan (source columns + metadata) and return how many rows went in."""
        ...


class Warehouse(Protocol):
    """A warehouse backend: DuckDB for development, Snowflake in production, same names in both."""

    def ensure_database(self, name: str) -> None:
        """Create the database (where the backend can) and its BRONZE, SILVER, GOLD and XO_META schemas."""
        ...

    def load_full_refresh(self, request: LoadRequest) -> LoadResult:
        """Replace the table's rows with the request's files in one transaction."""
        ...

    def ledger_rows(self, database: str, table: str | None = None) -> list[LedgerRow]:
        """The load ledger of a database, oldest first; ``table`` is ``NAME`` or ``SCHEMA.NAME``."""
        ...

    def table_columns(self, database: str, schema: str, table: str) -> list[str]:
        """The table's source columns in order (no ``_XO_`` metadata); empty when the table does not exist."""
        ...

    def record_attempt(self, database: str, attempt: Attempt) -> None:
        """Insert the STARTED ledger row of an extract or stage attempt (creating the ledger if needed)."""
        ...

    def finish_attempt(
        self,
        database: str,
        load_id: str,
        *,
        status: str,
        rows: int | None,
        error: str | None = None,
        header: Header | None = None,
    ) -> None:
        """Set the final status of an attempt's ledger row (and, for a stage attempt, the header it read)."""
        ...
