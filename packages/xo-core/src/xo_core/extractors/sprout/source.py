"""The one registration of this source (found by `xo_core.extractors.registry`)."""

from __future__ import annotations

from xo_core.extractors.base import Extractor
from xo_core.extractors.registry import ConnectionShape, SourceRegistration
from xo_core.extractors.sprout.config import SproutExtractorConfig


def _extractor() -> Extractor[SproutExtractorConfig]:
    # Imported on use, so listing the sources stays cheap.
    from xo_core.extractors.sprout.extractor import SproutExtractor

    return SproutExtractor()


SOURCE = SourceRegistration(
    source_type="sprout_api",
    title="Sprout Social",
    description="Sprout Social messages.",
    config=SproutExtractorConfig,
    extractor=_extractor,
    example=SproutExtractorConfig(customer_id=1, group_id=1, profile_ids=[1]),
    table_prefix="SPROUT",
    simulator="xo_sandbox.sprout",
    connection=ConnectionShape(
        "http", "api.sproutsocial.com", credential="<API token>", hosts=("api.sproutsocial.com",)
    ),
)
