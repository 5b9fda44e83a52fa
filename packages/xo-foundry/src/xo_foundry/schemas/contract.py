"""A source's header contract (``contract:``): its expected columns and what a drifted header does.

How the check works is ``xo_core.staging.contract``. Here: the config's shape, and the default ``on_drift`` of
each load strategy. ``fail`` for ``full_refresh``: the load truncates BRONZE, so a file without a column would
leave the whole table without it. ``warn`` for ``incremental`` and ``historical``: SILVER keeps what earlier
loads brought (the latest row per key, or every version), so a drifted file loses nothing already loaded; the
load goes on, BRONZE gains new columns and keeps gone ones, and the drift is logged and shown by ``status``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field, field_validator

from xo_core.staging.contract import Contract, OnDrift
from xo_core.warehouse.metadata import METADATA_COLUMN_NAMES
from xo_foundry.schemas.base import StrictModel
from xo_foundry.schemas.load_strategy import ColumnName

if TYPE_CHECKING:
    from xo_foundry.schemas.sources import SourceBase

DEFAULT_ON_DRIFT: dict[str, OnDrift] = {"full_refresh": "fail", "incremental": "warn", "historical": "warn"}


class ContractConfig(StrictModel):
    """The columns a source's files must have (after standardizing), checked when the file is staged."""

    columns: list[ColumnName] | None = Field(
        default=None,
        min_length=1,
        description="The expected BRONZE columns (standardized names, any order); without them, the columns of "
        "the last good load are expected",
    )
    on_drift: OnDrift | None = Field(
        default=None,
        description="On a column gone, added or renamed: fail (before the load truncates anything), evolve (load; "
        "add new columns, keep gone ones) or warn (evolve, logged as a warning). Default: fail for full_refresh, "
        "warn for incremental and historical.",
    )

    @field_validator("columns")
    @classmethod
    def _distinct_source_columns(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return value
        twice = sorted({c for c in value if value.count(c) > 1})
        if twice:
            raise ValueError(f"columns listed twice: {', '.join(twice)}")
        metadata = sorted(set(value) & set(METADATA_COLUMN_NAMES))
        if metadata:
            raise ValueError(f"{', '.join(metadata)}: the loader's own metadata column(s), not a source column")
        return value


def header_contract(source: SourceBase) -> Contract:
    """The contract the stage step checks for ``source``: its own settings, defaults by load strategy."""
    declared = source.contract or ContractConfig()
    on_drift = declared.on_drift or DEFAULT_ON_DRIFT[source.load_strategy.kind]
    columns = tuple(declared.columns) if declared.columns is not None else None
    return Contract(on_drift=on_drift, columns=columns)
