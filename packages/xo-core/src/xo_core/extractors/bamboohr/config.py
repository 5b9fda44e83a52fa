"""Settings of the BambooHR extractor (the ``extractor:`` block of a ``bamboohr_api`` source)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from xo_core.extractors import ConnectionId, ExtractorConfig, field_error

MAX_REPORT_FIELDS = 400
"""BambooHR answers 400 to a custom report of more fields
(documentation.bamboohr.com/reference/request-custom-report)."""


class BambooHRExtractorConfig(ExtractorConfig):
    """The employee directory, or a custom report of chosen fields (employees of every status)."""

    company_domain: str = Field(
        min_length=1, pattern=r"^[A-Za-z0-9-]+$", description="Company subdomain in the BambooHR URL"
    )
    report: Literal["directory", "custom"] = Field(
        default="directory",
        description=(
            "directory: GET /employees/directory (today's staff); custom: POST /reports/custom with fields, always "
            "with onlyCurrent=true: every employee (Active and Inactive) with the values in effect on the day of "
            "the pull. A future-dated change (job, department, supervisor, status, termination) appears on its "
            "effective date, never before (onlyCurrent=false would show it early, so it is never sent)"
        ),
    )
    fields: list[str] = Field(
        default=[],
        description=(
            "Field names (aliases) of a custom report, e.g. id, firstName, lastChanged; at most 400. "
            "A field BambooHR leaves out of its answer (the API key may not read it, the name is unknown) or "
            "answers under a numeric <id>.N key fails the extract, unless allow_missing_fields"
        ),
    )
    allow_missing_fields: bool = Field(
        default=False,
        description=(
            "Let a custom report go on when BambooHR leaves requested fields out of its answer: they are left out "
            "of the CSV header and listed in the manifest (request.missing_fields) and the log"
        ),
    )
    connection_id: ConnectionId = Field(default="bamboohr_default", description="Airflow connection with the API key")

    @model_validator(mode="after")
    def _custom_needs_fields(self) -> BambooHRExtractorConfig:
        if self.report == "custom" and not self.fields:
            raise field_error("fields", "a custom report needs at least one field", self.fields)
        if len(self.fields) > MAX_REPORT_FIELDS:
            message = f"{len(self.fields)} fields; BambooHR takes at most {MAX_REPORT_FIELDS} in one custom report"
            raise field_error("fields", message, self.fields)
        return self
