"""The ledger rows of a pipeline's BRONZE tables, read from the environment's warehouse (status, backfill)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from xo_core.environment import Environment
from xo_core.warehouse import ledger
from xo_core.warehouse.base import LedgerRow, Warehouse
from xo_foundry.schemas.pipeline import PipelineConfig
from xo_foundry.time_window import TimeWindow, window_for_date


@dataclass(frozen=True)
class TableLedger:
    """One source's BRONZE table and its ledger rows (every step, oldest first)."""

    source: str
    database: str
    schema: str
    table: str
    rows: list[LedgerRow]

    @property
    def name(self) -> str:
        return f"{self.database}.{self.schema}.{self.table}"

    def loads(self) -> list[LedgerRow]:
        return [row for row in self.rows if row.step == ledger.LOAD]

    def succeeded_window(self, window: TimeWindow) -> bool:
        """True when a load of exactly this window SUCCEEDED and the window's latest attempt (of any step: a
        transform after the load included) did too."""
        rows = [r for r in self.rows if r.window_start == window.start and r.window_end == window.end]
        loaded = any(r.step == ledger.LOAD and r.status == ledger.SUCCEEDED for r in rows)
        return loaded and rows[-1].status == ledger.SUCCEEDED


def warehouse_of(env: Environment, database: str) -> Warehouse:
    """The environment's warehouse for ``database``, its connection resolved outside Airflow."""
    from xo_core.warehouse.factory import warehouse_for
    from xo_foundry.tasks.connections import connection_for

    conn_id = env.warehouse_conn_id
    connection = connection_for(conn_id, {}) if conn_id else None
    return warehouse_for(env, database=database, connection=connection, tag="xo-foundry")


def pipeline_ledger(pipeline: PipelineConfig, env: Environment) -> list[TableLedger]:
    """Every source's BRONZE table with its ledger rows."""
    database = env.database(pipeline.database)
    warehouse = warehouse_of(env, database)
    found = []
    for name, source in pipeline.sources.items():
        table = source.snowflake.target_table
        rows = warehouse.ledger_rows(database, f"{pipeline.schema_name}.{table}")
        found.append(TableLedger(name, database, pipeline.schema_name, table, rows))
    return found


def date_succeeded(pipeline: PipelineConfig, tables: list[TableLedger], day: date) -> bool:
    """True when every source's window of the run for ``day`` was loaded with success, and nothing failed after
    (a transform that failed after the loads leaves the date to be run again)."""
    run_window = window_for_date(pipeline.dag.time_window, day)
    return all(t.succeeded_window(pipeline.sources[t.source].extract_window(run_window)) for t in tables)
