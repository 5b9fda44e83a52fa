"""The six ``_XO_`` metadata columns every BRONZE table carries after its source columns.

The SQL types are spelled so that DuckDB and Snowflake both accept them and mean the same thing
(Snowflake reads ``TIMESTAMP WITH TIME ZONE`` as ``TIMESTAMP_TZ``). Source columns are always ``VARCHAR``.
"""

from __future__ import annotations

from dataclasses import dataclass

SOURCE_COLUMN_TYPE = "VARCHAR"


@dataclass(frozen=True)
class MetadataColumn:
    """One metadata column: its name, its SQL type and what it holds."""

    name: str
    sql_type: str
    meaning: str


SOURCE_FILE = MetadataColumn("_XO_SOURCE_FILE", "VARCHAR", "object key of the staged file the row came from")
FILE_ROW_NUMBER = MetadataColumn(
    "_XO_FILE_ROW_NUMBER", "BIGINT", "1-based data row number within that file (header not counted)"
)
LOADED_AT = MetadataColumn("_XO_LOADED_AT", "TIMESTAMP WITH TIME ZONE", "when the load started (one per load)")
RUN_ID = MetadataColumn("_XO_RUN_ID", "VARCHAR", "the pipeline run that loaded the row")
WINDOW_START = MetadataColumn("_XO_WINDOW_START", "TIMESTAMP WITH TIME ZONE", "start of the extracted window")
WINDOW_END = MetadataColumn("_XO_WINDOW_END", "TIMESTAMP WITH TIME ZONE", "end of the extracted window")

# Table order: the metadata columns follow the source columns in exactly this order.
METADATA_COLUMNS: tuple[MetadataColumn, ...] = (
    SOURCE_FILE,
    FILE_ROW_NUMBER,
    LOADED_AT,
    RUN_ID,
    WINDOW_START,
    WINDOW_END,
)
METADATA_COLUMN_NAMES: frozenset[str] = frozenset(c.name for c in METADATA_COLUMNS)
