"""The extractor registry, the request types and the credentials' repr."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import BaseModel

from xo_core.credentials import Connection
from xo_core.errors import ConfigError
from xo_core.extractors.base import (
    ExtractRequest,
    ExtractResult,
    get_extractor,
    register_extractor,
    source_types,
)
from xo_core.storage.local import LocalObjectStore


def test_unknown_source_type_suggests_the_closest() -> None:
    with pytest.raises(ConfigError, match=r"unknown source_type 'gladly_apii' \(did you mean 'gladly_api'\?\)"):
        get_extractor("gladly_apii")


def test_unknown_source_type_far_from_any_lists_them() -> None:
    with pytest.raises(ConfigError, match=r"known: .*gladly_api"):
        get_extractor("zzz")


def test_gladly_is_registered() -> None:
    assert "gladly_api" in source_types()
    assert type(get_extractor("gladly_api")).__name__ == "GladlyExtractor"


def test_registered_factories_win(monkeypatch: pytest.MonkeyPatch) -> None:
    # Registered on a copy of the registry, so no other test (the docs' list of source types) sees it.
    monkeypatch.setattr("xo_core.extractors.base._REGISTERED", {})

    class _Nothing:
        def extract(self, request: ExtractRequest) -> ExtractResult:
            raise NotImplementedError

    register_extractor("nothing_test", _Nothing)
    assert isinstance(get_extractor("nothing_test"), _Nothing)


def test_connection_repr_hides_the_password() -> None:
    conn = Connection("gladly_test", login="agent@example.com", password="tok-123", extra={"key": "tok-456"})
    assert "tok-123" not in repr(conn) and "tok-123" not in str(conn) and "tok-456" not in repr(conn)
    assert "agent@example.com" in repr(conn)


class _AnyConfig(BaseModel):
    pass


def test_request_rejects_naive_and_empty_windows(tmp_path: Path) -> None:
    def request(start: datetime, end: datetime) -> ExtractRequest:
        return ExtractRequest(
            source_name="s",
            config=_AnyConfig(),
            window_start=start,
            window_end=end,
            timezone="UTC",
            connection=Connection("gladly_test", login="u", password="p", host="http://127.0.0.1:9"),
            store=LocalObjectStore(tmp_path),
            bucket="b",
            key="k.csv",
            run_id="r",
        )

    aware = datetime(2025, 1, 14, tzinfo=UTC)
    with pytest.raises(ConfigError, match="timezone-aware"):
        request(aware.replace(tzinfo=None), aware)
    with pytest.raises(ConfigError, match="not after its start"):
        request(aware, aware)
