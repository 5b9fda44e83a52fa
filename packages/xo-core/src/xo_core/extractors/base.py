"""What every extractor shares: the request it is given, the result it returns, the registry, and the base of the
connectors' API clients.

An extractor pulls one window of one source into one object in the ingest bucket, with its manifest beside it.
Extractors are looked up by the config's ``source_type``; an unknown name is answered with the closest
known one.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, Self

from pydantic import BaseModel

from xo_core.credentials import Connection
from xo_core.errors import ConfigError, CredentialError
from xo_core.manifest import Manifest
from xo_core.storage.base import ObjectStore


@dataclass(frozen=True)
class ExtractRequest:
    """One extraction: source and config, the half-open window ``[window_start, window_end)``, where to."""

    source_name: str
    config: BaseModel
    window_start: datetime
    window_end: datetime
    timezone: str
    connection: Connection | None
    """Credentials and host, resolved by the caller (``xo_core.credentials``); None for sources that need none."""
    store: ObjectStore
    bucket: str
    key: str
    run_id: str

    def require_connection(self) -> Connection:
        """The connection, or a CredentialError when the caller resolved none."""
        if self.connection is None:
            raise CredentialError(f"source {self.source_name!r} needs a connection and none was given")
        return self.connection

    def __post_init__(self) -> None:
        if self.window_start.tzinfo is None or self.window_end.tzinfo is None:
            raise ConfigError("window_start and window_end must be timezone-aware", field="window")
        if self.window_end <= self.window_start:
            raise ConfigError(
                f"window end {self.window_end.isoformat()} is not after its start {self.window_start.isoformat()}",
                field="window",
            )


@dataclass(frozen=True)
class ExtractResult:
    """Where the data landed and its manifest."""

    bucket: str
    key: str
    manifest: Manifest

    @property
    def row_count(self) -> int:
        return self.manifest.row_count


class Extractor(Protocol):
    """Pulls one window of one source into the object store."""

    def extract(self, request: ExtractRequest) -> ExtractResult:
        """Write the data object and its manifest; raise TransientError or TerminalError on failure."""
        ...


ExtractorFactory = Callable[[], Extractor]


class _Closable(Protocol):
    def close(self) -> None: ...


class PooledClient[H: _Closable]:
    """Base of a connector's API client: a context manager that closes its HTTP connection pool, ``_http``."""

    _http: H

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()


# Built-in extractors by source_type, imported only when asked for, so importing this module stays cheap and
# a connector's dependencies load only when that connector runs.
_BUILTIN: dict[str, str] = {
    "gladly_api": "xo_core.extractors.gladly.extractor:GladlyExtractor",
    "sprout_api": "xo_core.extractors.sprout.extractor:SproutExtractor",
    "gmail_attachment": "xo_core.extractors.gmail.extractor:GmailAttachmentExtractor",
    "google_sheets": "xo_core.extractors.sheets.extractor:GoogleSheetsExtractor",
    "s3_upload": "xo_core.extractors.s3_upload.extractor:S3UploadExtractor",
    "bamboohr_api": "xo_core.extractors.bamboohr.extractor:BambooHRExtractor",
}
_REGISTERED: dict[str, ExtractorFactory] = {}


def register_extractor(source_type: str, factory: ExtractorFactory) -> None:
    """Add (or replace) the extractor for ``source_type``."""
    _REGISTERED[source_type] = factory


def source_types() -> list[str]:
    """Every source_type that has an extractor, sorted."""
    return sorted(set(_BUILTIN) | set(_REGISTERED))


def get_extractor(source_type: str) -> Extractor:
    """A new extractor for ``source_type``; ConfigError naming the closest known name when there is none."""
    factory = _REGISTERED.get(source_type)
    if factory is not None:
        return factory()
    target = _BUILTIN.get(source_type)
    if target is None:
        known = source_types()
        close = difflib.get_close_matches(source_type, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else f"; known: {', '.join(known)}"
        raise ConfigError(f"unknown source_type {source_type!r}{hint}", field="source_type")
    module_name, _, attr = target.partition(":")
    factory = getattr(importlib.import_module(module_name), attr)
    return factory()
