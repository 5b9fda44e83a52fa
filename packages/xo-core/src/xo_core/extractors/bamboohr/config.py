"""Settings of the BambooHR extractor (the ``extractor:`` block of a ``bamboohr_api`` source)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from xo_core.extractors import ExtractorConfig, field_error


class BambooHRExtractorConfig(ExtractorConfig):
    """The employee directory, or a custom report of chosen fields (employees of every status)."""

    company_domain: str = Field(
        min_length=1, pattern=r"^[A-Za-z0-9-]+$", description="Company subdomain in the BambooHR URL"
    )
    report: Literal["directory", "custom"] = Field(
        default="directory",
        description="directory: GET /employees/directory; custom: POST /reports/custom with fields",
    )
    fields: list[str] = Field(default=[], description="Field names of a custom report, e.g. id, firstName, lastChanged")
    connection_id: str = Field(default="bamboohr_default", description="Airflow connection with the API key")

    @model_validator(mode="after")
    def _custom_needs_fields(self) -> BambooHRExtractorConfig:
        if self.report == "custom" and not self.fields:
            raise field_error("fields", "a custom report needs at least one field", self.fields)
        return self
