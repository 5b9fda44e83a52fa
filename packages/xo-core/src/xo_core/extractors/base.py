"""What every extractor shares: the request it is given, the result it returns, and the base of the connectors'
API clients.

An extractor pulls one window of one source into one object in the ingest bucket, with its manifest beside it.
Which extractor serves which ``source_type`` is the registry's business (``xo_core.extractors.registry``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, Self

from xo_core.credentials import Connection
from xo_core.errors import ConfigError, CredentialError
from xo_core.extractors import ExtractorConfig
from xo_core.manifest import Manifest
from xo_core.storage.base import ObjectStore


@dataclass(frozen=True)
class ExtractRequest[C: ExtractorConfig]:
    """One extraction: source and config, the half-open window ``[window_start, window_end)``, where to."""

    source_name: str
    config: C
    window_start: datetime
    window_end: datetime
    timezone: str
    connection: Connection | None
    """Credentials and host, resolved by the caller (``xo_core.credentials``); None for sources that need none."""
    store: ObjectStore
    bucket: str
    key: str
    run_id: str
    domain: str | None = None
    """The client domain of the pipeline (the platform's tasks always say): whose connections it may use."""

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


class Extractor[C: ExtractorConfig](Protocol):
    """Pulls one window of one source into the object store; ``C`` is the settings model it reads."""

    def extract(self, request: ExtractRequest[C]) -> ExtractResult:
        """Write the data object and its manifest; raise TransientError or TerminalError on failure."""
        ...


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
