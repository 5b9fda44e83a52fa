"""Settings of the S3 upload extractor (the ``extractor:`` block of an ``s3_upload`` source)."""

from __future__ import annotations

import codecs

from pydantic import Field, field_validator

from xo_core.extractors import ExtractorConfig


class S3UploadExtractorConfig(ExtractorConfig):
    """Files people upload under a prefix; each run picks up the files that match ``pattern``."""

    bucket: str | None = Field(
        default=None, description="Bucket to read; default: the landing bucket of the environment"
    )
    prefix: str = Field(min_length=1, description="Key prefix of the uploads, e.g. uploads/qa_scores/")
    pattern: str = Field(default="*.csv", min_length=1, description="Glob the file name must match")
    encoding: str = Field(default="utf-8", description="Text encoding of the files, e.g. utf-8 or cp1252")

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown text encoding {value!r}") from None
        return value
