"""The manifest written beside every extracted file: what was asked, what came back, how to check it."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

MANIFEST_SUFFIX = ".manifest.json"


class Manifest(BaseModel):
    """Facts about one extracted file. Never holds a secret: ``request`` is built without credentials."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source_type: str
    source_name: str
    bucket: str
    key: str
    window_start: datetime
    window_end: datetime
    request: dict[str, Any]
    row_count: int
    bytes: int
    sha256: str
    header: list[str]
    extractor_version: str
    extracted_at: datetime

    def to_json_bytes(self) -> bytes:
        return json.dumps(self.model_dump(mode="json"), indent=2, sort_keys=True).encode() + b"\n"

    @classmethod
    def from_json_bytes(cls, data: bytes) -> Manifest:
        return cls.model_validate_json(data)


def manifest_key(data_key: str) -> str:
    """The manifest's key beside a data file's key."""
    return data_key + MANIFEST_SUFFIX
