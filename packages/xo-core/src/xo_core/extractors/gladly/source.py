"""The one registration of this source (found by `xo_core.extractors.registry`)."""

from __future__ import annotations

from xo_core.extractors.base import Extractor
from xo_core.extractors.gladly.config import GLADLY_HOSTS, GladlyExtractorConfig
from xo_core.extractors.registry import ConnectionShape, SourceRegistration


def _extractor() -> Extractor[GladlyExtractorConfig]:
    # Imported on use, so listing the sources stays cheap.
    from xo_core.extractors.gladly.extractor import GladlyExtractor

    return GladlyExtractor()


SOURCE = SourceRegistration(
    source_type="gladly_api",
    title="Gladly",
    description="A Gladly report or the work-session events.",
    config=GladlyExtractorConfig,
    extractor=_extractor,
    example=GladlyExtractorConfig(metric_set="ContactTimestampsReport"),
    table_prefix="GLADLY",
    simulator="xo_sandbox.gladly",
    connection=ConnectionShape(
        "http",
        "<org>.gladly.com",
        login="<API user e-mail>",
        credential="<API token>",
        hosts=GLADLY_HOSTS,
    ),
)
