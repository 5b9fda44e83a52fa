"""How a source's SILVER model is typed and named (``silver:`` of a source); the model itself comes from the
source's ``load_strategy`` (``xo_foundry.transform.silver_models``).

Config is untrusted and these values reach generated dbt SQL: column and model names are validated identifiers,
types come from a closed list, each spelled by one dbt macro (``apps/dbt/macros/silver_types.sql``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from xo_core.identifiers import OBJECT_NAME_RE
from xo_core.warehouse.metadata import METADATA_COLUMN_NAMES
from xo_foundry.schemas.base import StrictModel
from xo_foundry.schemas.load_strategy import ColumnName

SilverType = Literal["varchar", "bigint", "double", "boolean", "date", "timestamp"]
"""What a BRONZE text column may become in SILVER. ``timestamp``: an ISO-8601 instant (with offset or Z, else
UTC) stored in UTC; ``date``: ISO or US (4/23/2022); ``boolean``: TRUE/YES/Y/1, FALSE/NO/N/0."""

UPDATED_AT_TYPES: tuple[SilverType, ...] = ("timestamp", "date")


class SilverConfig(StrictModel):
    """The generated SILVER model of a source: its name and the types of its columns (any other column is kept
    as text). A cell that does not convert fails the model's dbt test, naming the file and row."""

    model: str | None = Field(
        default=None,
        pattern=OBJECT_NAME_RE.pattern,
        max_length=255,
        description="The SILVER table's name; default: the BRONZE table without its source prefix "
        "(SHEETS_AGENT_ROSTER → AGENT_ROSTER)",
    )
    columns: dict[ColumnName, SilverType] = Field(
        default_factory=dict, description="BRONZE column → SILVER type; columns not listed stay VARCHAR"
    )


def silver_problems(silver: SilverConfig, updated_at: str | None) -> list[str]:
    """What is wrong with ``silver`` beside the load strategy's ``updated_at`` (empty when nothing is)."""
    problems = [
        f"columns.{name}: the _XO_ metadata columns are typed already"
        for name in silver.columns
        if name in METADATA_COLUMN_NAMES
    ]
    if updated_at is not None and silver.columns.get(updated_at, "timestamp") not in UPDATED_AT_TYPES:
        problems.append(f"columns.{updated_at}: load_strategy.updated_at must be a timestamp or date")
    return problems


def silver_table(target_table: str, source_type: str, silver: SilverConfig) -> str:
    """The SILVER table of a source: the configured ``silver.model``, else the BRONZE table without the prefix
    its source type gives tables (``SHEETS_AGENT_ROSTER`` → ``AGENT_ROSTER``)."""
    from xo_core.extractors.registry import source_for

    if silver.model is not None:
        return silver.model
    prefix = source_for(source_type).table_prefix + "_"
    rest = target_table.removeprefix(prefix)
    return rest if rest != target_table and OBJECT_NAME_RE.fullmatch(rest) else target_table
