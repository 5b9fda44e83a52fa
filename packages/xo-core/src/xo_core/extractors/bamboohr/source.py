"""The one registration of this source (found by `xo_core.extractors.registry`)."""

from __future__ import annotations

from xo_core.extractors.bamboohr.config import BambooHRExtractorConfig
from xo_core.extractors.base import Extractor
from xo_core.extractors.registry import ConnectionShape, SourceRegistration


def _extractor() -> Extractor[BambooHRExtractorConfig]:
    # Imported on use, so listing the sources stays cheap.
    from xo_core.extractors.bamboohr.extractor import BambooHRExtractor

    return BambooHRExtractor()


SOURCE = SourceRegistration(
    source_type="bamboohr_api",
    title="BambooHR",
    description="BambooHR employees.",
    config=BambooHRExtractorConfig,
    extractor=_extractor,
    example=BambooHRExtractorConfig(company_domain="xoteam", report="directory"),
    table_prefix="BAMBOOHR",
    simulator="xo_sandbox.bamboohr",
    connection=ConnectionShape(
        "http", "api.bamboohr.com", credential="<API key>", hosts=("api.bamboohr.com", "bamboohr.com")
    ),
)
