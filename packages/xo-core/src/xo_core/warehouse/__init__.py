"""Warehouse backends behind one interface; the DuckDB backend lives in ``xo_core.warehouse.duckdb``."""

from xo_core.warehouse.base import (
    LOAD_STRATEGIES,
    ExecutesSql,
    LedgerRow,
    LoadFile,
    LoadRequest,
    LoadResult,
    LoadSession,
    Warehouse,
)
from xo_core.warehouse.full_refresh import run_full_refresh
from xo_core.warehouse.metadata import METADATA_COLUMN_NAMES, METADATA_COLUMNS, MetadataColumn
from xo_core.warehouse.plan import FullRefreshPlan, plan_full_refresh

__all__ = [
    "LOAD_STRATEGIES",
    "METADATA_COLUMNS",
    "METADATA_COLUMN_NAMES",
    "ExecutesSql",
    "FullRefreshPlan",
    "LedgerRow",
    "LoadFile",
    "LoadRequest",
    "LoadResult",
    "LoadSession",
    "MetadataColumn",
    "Warehouse",
    "plan_full_refresh",
    "run_full_refresh",
]
