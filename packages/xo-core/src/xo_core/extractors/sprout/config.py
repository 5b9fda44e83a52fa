"""Settings of the Sprout Social extractor (the ``extractor:`` block of a ``sprout_api`` source)."""

from __future__ import annotations

from pydantic import Field, PositiveInt

from xo_core.extractors import ConnectionId, ExtractorConfig

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
    """Messages of one Sprout customer's group, from the listed profiles of that group."""

    # group_id and profile_ids are required: the Messages filter table (https://api.sproutsocial.com/docs/)
    # leaves group_id.eq and customer_profile_id.eq unmarked, but the endpoint is scoped by them (likely
    # required), so a config without them is refused at validate rather than at the first run.
    customer_id: int = Field(gt=0, description="Sprout customer id (GET /v1/metadata/client)")
    group_id: int = Field(gt=0, description="filter group_id.eq(...) (GET /v1/{customer_id}/metadata/customer/groups)")
    profile_ids: list[PositiveInt] = Field(
        min_length=1,
        description="filter customer_profile_id.eq(...); profiles of the group (GET .../metadata/customer)",
    )
    fields: list[str] = Field(
        default=list(DEFAULT_SPROUT_FIELDS),
        min_length=1,
        description="Message fields to request (without fields Sprout returns only guid)",
    )
    connection_id: ConnectionId = Field(default="sprout_default", description="Airflow connection with the API token")
