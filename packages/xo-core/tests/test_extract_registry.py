"""The source registry (one registration per connector folder), the request types and the credentials' repr."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

import xo_core.extractors
from xo_core.credentials import Connection
from xo_core.errors import ConfigError
from xo_core.extractors import ExtractorConfig
from xo_core.extractors.base import ExtractRequest
from xo_core.extractors.registry import ConnectionShape, SourceRegistration, get_extractor, source_for, sources
from xo_core.storage.local import LocalObjectStore


def test_unknown_source_type_suggests_the_closest() -> None:
    with pytest.raises(ConfigError, match=r"unknown source_type 'gladly_apii' \(did you mean 'gladly_api'\?\)"):
        get_extractor("gladly_apii")


def test_unknown_source_type_far_from_any_lists_them() -> None:
    with pytest.raises(ConfigError, match=r"\(known: bamboohr_api, gladly_api, .*sprout_api\)"):
        source_for("zzz")


def test_every_connector_folder_declares_one_registration() -> None:
    folders = sorted(m.name for m in pkgutil.iter_modules(xo_core.extractors.__path__) if m.ispkg)
    registered = sorted(importlib.import_module(s.config.__module__).__name__.split(".")[2] for s in sources())
    assert folders == registered == ["bamboohr", "gladly", "gmail", "s3_upload", "sheets", "sprout"]


@pytest.mark.parametrize("registration", sources(), ids=lambda s: s.source_type)
def test_registration_builds_its_own_extractor(registration: SourceRegistration[ExtractorConfig]) -> None:
    extractor = registration.extractor()
    # The extractor module's own constant (kept in its folder) agrees with the registration.
    assert registration.source_type == importlib.import_module(type(extractor).__module__).SOURCE_TYPE
    assert type(extractor).__module__.rsplit(".", 1)[0] == registration.config.__module__.rsplit(".", 1)[0]


def test_default_connections_come_from_the_config_models() -> None:
    ids = {s.source_type: s.connection_id for s in sources()}
    assert ids["gladly_api"] == "gladly_default" and ids["google_sheets"] == "google_sheets_default"
    assert ids["s3_upload"] is None  # reads the landing bucket with the environment's AWS credentials


def test_a_registration_is_checked_when_declared() -> None:
    from xo_core.extractors.s3_upload.source import SOURCE

    with pytest.raises(ConfigError, match="table_prefix"):
        replace(SOURCE, table_prefix="s3")
    with pytest.raises(ConfigError, match="connection shape goes with a connection_id"):
        replace(SOURCE, connection=ConnectionShape("http", "example.com"))
    assert SOURCE.example.model_dump() == {
        "prefix": "uploads/${domain}/${name}/",
        "pattern": "${name}_*.csv",
        "encoding": "utf-8",
        "on_missing": "fail",
        "wait": None,
    }


def test_connection_shape_is_airflow_connection_json() -> None:
    shape = ConnectionShape("http", "api.example.com", credential="<API key>", extra={"subject": "<user>"})
    assert shape.as_json() == {
        "conn_type": "http",
        "host": "api.example.com",
        "login": "",
        "password": "<API key>",
        "extra": {"subject": "<user>"},
    }


def _request(
    tmp_path: Path, config: ExtractorConfig, start: datetime, end: datetime
) -> ExtractRequest[ExtractorConfig]:
    return ExtractRequest(
        source_name="s",
        config=config,
        window_start=start,
        window_end=end,
        timezone="UTC",
        connection=Connection("gladly_test", login="u", password="p", host="http://127.0.0.1:9"),
        store=LocalObjectStore(tmp_path),
        bucket="b",
        key="k.csv",
        run_id="r",
    )


def test_a_source_refuses_another_sources_settings(tmp_path: Path) -> None:
    from xo_core.extractors.sheets.config import GoogleSheetsExtractorConfig

    day = datetime(2025, 1, 14, tzinfo=UTC)
    sheets = GoogleSheetsExtractorConfig(spreadsheet_id="x", range="A:B")
    with pytest.raises(ConfigError, match=r"extractor: .*GladlyExtractorConfig"):
        source_for("gladly_api").extract(_request(tmp_path, sheets, day, day.replace(day=15)))


def test_connection_repr_hides_the_password() -> None:
    conn = Connection("gladly_test", login="agent@example.com", password="tok-123", extra={"key": "tok-456"})
    assert "tok-123" not in repr(conn) and "tok-123" not in str(conn) and "tok-456" not in repr(conn)
    assert "agent@example.com" in repr(conn)


def test_request_rejects_naive_and_empty_windows(tmp_path: Path) -> None:
    config = ExtractorConfig()
    aware = datetime(2025, 1, 14, tzinfo=UTC)
    with pytest.raises(ConfigError, match="timezone-aware"):
        _request(tmp_path, config, aware.replace(tzinfo=None), aware)
    with pytest.raises(ConfigError, match="not after its start"):
        _request(tmp_path, config, aware, aware)
