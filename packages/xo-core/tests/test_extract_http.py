"""The retrying HTTP client against a real scripted server on 127.0.0.1: Retry-After, backoff, refusals."""

from __future__ import annotations

import functools
import logging
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from xo_core.errors import CredentialError, TerminalError, TransientError
from xo_core.extractors.http import (
    RetriesExhausted,
    RetryingHttpClient,
    RetryPolicy,
    parse_retry_after,
    vendor_error_text,
)
from xo_sandbox.http import SandboxHandler, SandboxServer

SECRET = "s3cr3t-token-value"


type _Script = list[tuple[int, dict[str, str], bytes]]


class _ScriptedHandler(SandboxHandler):
    """Answers each request with the next (status, headers, body) of the server's script."""

    def __init__(self, *args: Any, script: _Script, **kwargs: Any) -> None:
        self.script = script
        super().__init__(*args, **kwargs)

    def do_POST(self) -> None:
        self.read_body()
        status, headers, body = self.script.pop(0) if self.script else (200, {}, b"ok")
        self.send_bytes(status, body, headers.pop("Content-Type", "text/plain"), headers)


@pytest.fixture(scope="module")
def _extract_http_shared() -> Iterator[tuple[SandboxServer, _Script]]:
    script: _Script = []
    with SandboxServer(functools.partial(_ScriptedHandler, script=script)) as server:
        yield server, script


@pytest.fixture
def extract_http_server(_extract_http_shared: tuple[SandboxServer, _Script]) -> tuple[SandboxServer, _Script]:
    """One server for the module (stopping one takes half a second); each test starts with an empty script."""
    _extract_http_shared[1].clear()
    return _extract_http_shared


def _client(url: str, sleeps: list[float], **policy: Any) -> RetryingHttpClient:
    return RetryingHttpClient(
        url,
        auth=httpx.BasicAuth("agent@example.com", SECRET),
        policy=RetryPolicy(**policy),
        sleep=sleeps.append,
        secrets=(SECRET,),
        name="test",
        rng=random.Random(7),
    )


def test_backoff_is_capped_and_fully_jittered() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=8.0)
    rng = random.Random(1)
    delays = [policy.backoff(attempt, rng) for attempt in range(1, 10) for _ in range(50)]
    assert min(delays) >= 0.0 and max(delays) <= 8.0
    assert RetryPolicy(jitter="none", max_delay=8.0).backoff(10, rng) == 8.0
    assert RetryPolicy(jitter="none").backoff(3, rng) == 4.0


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2025, 1, 14, 12, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now=now) == 30.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_retry_after_is_honoured_and_capped(
    extract_http_server: tuple[SandboxServer, _Script],
    caplog: pytest.LogCaptureFixture,
) -> None:
    server, script = extract_http_server
    script += [(503, {"Retry-After": "3"}, b"busy"), (429, {"Retry-After": "120"}, b""), (200, {}, b"done")]
    sleeps: list[float] = []
    with (
        caplog.at_level(logging.WARNING, logger="xo_core.extractors.http"),
        _client(server.url, sleeps) as http,
    ):
        assert http.stream("POST", "/x", lambda r: r.read()) == b"done"
    assert sleeps == [3.0, 60.0]
    messages = [r.getMessage() for r in caplog.records]
    assert "HTTP 503" in messages[0] and "3.00 s" in messages[0]
    assert "HTTP 429" in messages[1] and "60.00 s" in messages[1]


def test_giving_up_carries_attempts_and_last_status(
    extract_http_server: tuple[SandboxServer, _Script],
) -> None:
    server, script = extract_http_server
    script += [(502, {}, b"bad gateway")] * 3
    sleeps: list[float] = []
    with _client(server.url, sleeps, max_attempts=3) as http, pytest.raises(RetriesExhausted) as caught:
        http.stream("POST", "/x", lambda r: r.read())
    assert isinstance(caught.value, TransientError)
    assert (caught.value.attempts, caught.value.last_status) == (3, 502)
    assert len(sleeps) == 2 and all(0.0 <= s <= 2.0 for s in sleeps)


@pytest.mark.parametrize(
    ("status", "error"),
    [(400, TerminalError), (404, TerminalError), (401, CredentialError), (403, CredentialError)],
)
def test_refusals_are_terminal_and_never_quote_the_secret(
    extract_http_server: tuple[SandboxServer, _Script],
    status: int,
    error: type[Exception],
) -> None:
    server, script = extract_http_server
    body = b'{"errors":[{"attr":"metricSet","code":"blank","detail":"token s3cr3t-token-value is wrong"}]}'
    script.append((status, {"Content-Type": "application/json"}, body))
    sleeps: list[float] = []
    with _client(server.url, sleeps) as http, pytest.raises(error) as caught:
        http.stream("POST", "/x", lambda r: r.read())
    assert sleeps == []
    assert f"HTTP {status}: metricSet: token *** is wrong (blank)" in str(caught.value)
    assert SECRET not in str(caught.value)
    assert not isinstance(caught.value, TransientError)


def test_vendor_error_text_falls_back_to_text() -> None:
    assert vendor_error_text(b"Unexpected error occurred\n") == "Unexpected error occurred"
    assert vendor_error_text(b'{"error":"no access"}') == "no access"
    assert vendor_error_text(b"x" * 500) == "x" * 200
