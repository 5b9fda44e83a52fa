"""Settings of the S3 upload extractor (the ``extractor:`` block of an ``s3_upload`` source)."""

from __future__ import annotations

import codecs

from pydantic import Field, field_validator

from xo_core.extractors.arrival import ArrivingInputConfig

LANDING_PREFIX = "uploads/{domain}/"
"""The part of the environment's landing bucket a domain's uploads live under: a pipeline reads only its own."""


class S3UploadExtractorConfig(ArrivingInputConfig):
    """Files people upload under a prefix of the landing bucket; each run picks up the files matching ``pattern``;
    ``wait`` and ``on_missing`` say what a late or missing upload does (``xo_core.extractors.arrival``)."""

    prefix: str = Field(
        min_length=1,
        pattern=r"^uploads/[a-z0-9_]+/([A-Za-z0-9_.-]+/)*$",
        description="Key prefix of the uploads in the environment's landing bucket, under the pipeline's own "
        "uploads/<domain>/, e.g. uploads/warbyparker/qa_scores/",
    )
    pattern: str = Field(default="*.csv", min_length=1, description="Glob the file name must match")
    encoding: str = Field(default="utf-8", description="Text encoding of the files, e.g. utf-8 or cp1252")

    @field_validator("prefix")
    @classmethod
    def _no_parent_folders(cls, value: str) -> str:
        if any(part in (".", "..") for part in value.split("/")):
            raise ValueError(f"{value!r} may not name . or .. folders")
        return value

    def domain_problems(self, domain: str) -> list[tuple[str, str]]:
        """The prefix is under the domain's own landing prefix: a config cannot read another client's uploads."""
        own = LANDING_PREFIX.format(domain=domain)
        if not self.prefix.startswith(own):
            return [("prefix", f"{self.prefix!r} is not under {own!r}, the landing prefix of domain {domain!r}")]
        return []

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown text encoding {value!r}") from None
        return value
