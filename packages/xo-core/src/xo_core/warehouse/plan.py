"""The backend-independent plan of a full-refresh load and the DDL/DML text both backends share.

Only quoted, validated identifiers are put into SQL text; every value is a bound parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from xo_core.identifiers import qualified_name, quote_identifier
from xo_core.warehouse.base import LoadFile, LoadRequest
from xo_core.warehouse.metadata import METADATA_COLUMNS, SOURCE_COLUMN_TYPE


@dataclass(frozen=True)
class FullRefreshPlan:
    """Everything a backend needs to replace one table's rows; built by ``plan_full_refresh``."""

    database: str
    schema: str
    table: str
    columns: tuple[str, ...]
    files: tuple[LoadFile, ...]
    run_id: str
    window_start: datetime
    window_end: datetime
    load_id: str
    loaded_at: datetime
    dag_id: str | None = None
    logical_date: datetime | None = None
    replay: bool = False

    @property
    def display_name(self) -> str:
        """``DB.SCHEMA.TABLE`` for messages, results and the ledger."""
        return f"{self.database}.{self.schema}.{self.table}"

    @property
    def target(self) -> str:
        """The quoted, fully qualified table name."""
        return qualified_name(self.database, self.schema, self.table)

    @property
    def expected_rows(self) -> int:
        return sum(f.expected_rows for f in self.files)

    def create_schema_sql(self) -> str:
        return f"CREATE SCHEMA IF NOT EXISTS {qualified_name(self.database, self.schema)}"

    def create_table_sql(self) -> str:
        """Source columns as VARCHAR, then the six metadata columns."""
        definitions = [f"{quote_identifier(c)} {SOURCE_COLUMN_TYPE}" for c in self.columns]
        definitions += [f"{quote_identifier(m.name)} {m.sql_type}" for m in METADATA_COLUMNS]
        return f"CREATE TABLE IF NOT EXISTS {self.target} ({', '.join(definitions)})"

    def add_column_sql(self, column: str) -> str:
        return f"ALTER TABLE {self.target} ADD COLUMN {quote_identifier(column)} {SOURCE_COLUMN_TYPE}"

    def truncate_sql(self) -> str:
        return f"TRUNCATE TABLE {self.target}"

    def insert_column_list(self) -> str:
        """The INSERT's column list: source columns in file order, then the metadata columns."""
        return ", ".join(quote_identifier(c) for c in (*self.columns, *(m.name for m in METADATA_COLUMNS)))

    def source_column_list(self) -> str:
        return ", ".join(quote_identifier(c) for c in self.columns)

    def metadata_select(self, row_number_expression: str) -> str:
        """The SELECT list of the metadata columns for one file's rows, in table order.

        ``row_number_expression`` is the backend's 1-based row number within the file, or ``NULL`` when the
        backend numbers the rows after inserting them (DuckDB: ``duckdb/file_rows.py``); the other five are
        ``?`` parameters bound from ``metadata_values``.
        """
        return f"?, {row_number_expression}, ?, ?, ?, ?"

    def metadata_values(self, file: LoadFile) -> list[Any]:
        """Values bound to the five ``?`` of ``metadata_select``, in order."""
        return [file.source_key, self.loaded_at, self.run_id, self.window_start, self.window_end]


def plan_full_refresh(request: LoadRequest, *, load_id: str, loaded_at: datetime) -> FullRefreshPlan:
    """Turn a validated request into a plan; ``loaded_at`` is shared by every row of the load."""
    return FullRefreshPlan(
        database=request.database,
        schema=request.schema,
        table=request.table,
        columns=tuple(request.columns),
        files=tuple(request.files),
        run_id=request.run_id,
        window_start=request.window_start,
        window_end=request.window_end,
        load_id=load_id,
        loaded_at=loaded_at,
        dag_id=request.dag_id,
        logical_date=request.logical_date,
        replay=request.replay,
    )
