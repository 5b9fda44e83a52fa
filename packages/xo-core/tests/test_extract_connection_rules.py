"""A stored credential reaches only its vendor: the connection's type, domain and host are checked before any
request, and what a message quotes of a remote answer is short and printable. A real listener on 127.0.0.1
counts every connection made to it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from xo_core.credentials import Connection
from xo_core.errors import CredentialError, TerminalError, XoError
from xo_core.extractors.base import ExtractRequest
from xo_core.extractors.gladly.config import GladlyExtractorConfig
from xo_core.extractors.http import ERROR_TEXT_CHARS, excerpt
from xo_core.extractors.registry import source_for
from xo_core.storage.local import LocalObjectStore

TZ = ZoneInfo("America/New_York")
START = datetime(2025, 1, 14, tzinfo=TZ)
SECRET = "sf-secret-4f1d9c"
HOSTILE = ("\x1b[31mERROR\x1b[0m fake log line\n2025-01-14 INFO all good\r\n" * 20_000).encode()


class _Listener:
    """An HTTP server that counts connections and answers every request with 400 and a hostile body."""

    def __init__(self) -> None:
        self.connections = 0
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def setup(self) -> None:
                listener.connections += 1
                super().setup()

            def do_POST(self) -> None:
                self.send_response(400)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(HOSTILE)))
                self.end_headers()
                self.wfile.write(HOSTILE)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def listener() -> Iterator[_Listener]:
    running = _Listener()
    yield running
    running.server.shutdown()
    running.server.server_close()


def _request(tmp_path: Path, connection: Connection, *, domain: str = "warbyparker") -> ExtractRequest[Any]:
    return ExtractRequest(
        source_name="contact_timestamps",
        config=GladlyExtractorConfig(metric_set="ContactTimestampsReport", connection_id=connection.conn_id),
        window_start=START,
        window_end=START + timedelta(days=1),
        timezone="America/New_York",
        connection=connection,
        store=LocalObjectStore(tmp_path),
        bucket="ingest",
        key="gladly/x.csv",
        run_id="run-1",
        domain=domain,
    )


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    monkeypatch.setenv("XO_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XO_ENV", "local")
    return monkeypatch


def test_a_snowflake_connection_never_reaches_a_gladly_host(
    env: pytest.MonkeyPatch, listener: _Listener, tmp_path: Path
) -> None:
    # The finding of issue 11: `connection_id: snowflake_prod` sent the Snowflake login to the config's host.
    stolen = Connection("snowflake_prod", "snowflake", host=listener.url, login="XO_LOADER", password=SECRET)
    with pytest.raises(CredentialError, match="its type is 'snowflake', the source accepts http") as caught:
        source_for("gladly_api").extract(_request(tmp_path, stolen))
    assert listener.connections == 0 and SECRET not in str(caught.value)


@pytest.mark.parametrize(
    ("env_name", "host", "expected"),
    [
        ("dev", "http://127.0.0.1", "not one of the vendor's hosts"),
        ("prod", "https://acme.gladly.com.evil.example", "not one of the vendor's hosts"),
        ("prod", "http://acme.gladly.com", "over https only"),
        ("local", "https://collector.example.com", "not one of the vendor's hosts"),
    ],
)
def test_a_connection_points_only_at_the_vendor_over_https(
    env: pytest.MonkeyPatch, listener: _Listener, tmp_path: Path, env_name: str, host: str, expected: str
) -> None:
    env.setenv("XO_ENV", env_name)
    port = listener.url.rsplit(":", 1)[1]
    connection = Connection(
        "gladly_warbyparker", "http", host=host.replace("127.0.0.1", f"127.0.0.1:{port}"), password=SECRET
    )
    with pytest.raises(CredentialError, match=expected):
        source_for("gladly_api").extract(_request(tmp_path, connection))
    assert listener.connections == 0


@pytest.mark.parametrize(
    ("conn_id", "extra", "expected"),
    [
        ("gladly_warbyparker", {}, "belongs to domain 'warbyparker'"),
        ("gladly_shared", {"domains": ["warbyparker"]}, "does not list domain 'condenast'"),
    ],
)
def test_a_connection_serves_only_its_own_clients(
    env: pytest.MonkeyPatch,
    listener: _Listener,
    tmp_path: Path,
    conn_id: str,
    extra: dict[str, Any],
    expected: str,
) -> None:
    connection = Connection(conn_id, "http", host=listener.url, password=SECRET, extra=extra)
    with pytest.raises(XoError, match=expected):
        source_for("gladly_api").extract(_request(tmp_path, connection, domain="condenast"))
    assert listener.connections == 0


def test_a_remote_answer_is_quoted_short_and_printable(
    env: pytest.MonkeyPatch, listener: _Listener, tmp_path: Path
) -> None:
    # Local environment: the loopback listener stands in for the vendor (as the simulators do).
    connection = Connection("gladly_warbyparker", "http", host=listener.url, login="api@x", password=SECRET)
    request = _request(tmp_path, connection)
    extractor = source_for("gladly_api")
    with pytest.raises(TerminalError) as caught:
        extractor.extract(request)
    message = str(caught.value)
    assert listener.connections == 1
    assert len(message) < ERROR_TEXT_CHARS + 200 and message.isprintable(), message
    assert "\n" not in message and "\x1b" not in message and SECRET not in message


def test_excerpt_bounds_and_flattens() -> None:
    assert excerpt("a\nb\r\n\tc\x1b[0m") == "a b c [0m"
    assert len(excerpt("x" * 10_000)) == ERROR_TEXT_CHARS and excerpt("x" * 10_000).endswith("…")
