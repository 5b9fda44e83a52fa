"""Settings of the Sprout Social extractor (the ``extractor:`` block of a ``sprout_api`` source)."""

from __future__ import annotations

from pydantic import Field

from xo_core.extractors import ExtractorConfig

DEFAULT_SPROUT_FIELDS: tuple[str, ...] = (
    "guid",
    "created_time",
    "network",
    "post_type",
    "post_category",
    "text",
    "perma_link",
    "from.guid",
    "from.name",
    "from.screen_name",
    "profile_guid",
    "internal.tags.id",
    "internal.sent_by.id",
    "internal.sent_by.email",
)


class SproutExtractorConfig(ExtractorConfig):
    """Messages of one Sprout customer, optionally narrowed to a group and its profiles."""

    customer_id: int = Field(gt=0, description="Sprout customer id (GET /v1/metadata/client)")
    group_id: int | None = Field(default=None, gt=0, description="filter group_id.eq(...); at most one")
    profile_ids: list[int] = Field(
        default=[], description="filter customer_profile_id.eq(...); the profiles must belong to the group"
    )
    fields: list[str] = Field(
        default=list(DEFAULT_SPROUT_FIELDS),
        min_length=1,
        description="Message fields to request (without fields Sprout returns only guid)",
    )
    connection_id: str = Field(default="sprout_default", description="Airflow connection with the API token")
