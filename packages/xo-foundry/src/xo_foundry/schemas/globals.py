"""Settings shared by every source of a pipeline (``globals``)."""

from __future__ import annotations

from pydantic import Field

from xo_foundry.schemas.base import StrictModel
from xo_foundry.schemas.sources import OBJECT_NAME_PATTERN


class SnowflakeGlobals(StrictModel):
    """Where the pipeline's tables live; the database must be one of the domain's (prod or dev)."""

    database: str = Field(pattern=OBJECT_NAME_PATTERN, description="e.g. WBP_DB (prod) or WBP_DB_DEV (dev)")
    schema_name: str = Field(
        default="BRONZE", alias="schema", pattern=OBJECT_NAME_PATTERN, description="Schema of the raw tables"
    )


class GlobalsConfig(StrictModel):
    """Settings shared by every source of the pipeline."""

    snowflake: SnowflakeGlobals
