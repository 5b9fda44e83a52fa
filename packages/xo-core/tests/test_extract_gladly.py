"""The Gladly extractor against the real Gladly simulator over HTTP on 127.0.0.1: data, quirks and faults."""

from __future__ import annotations

import base64
import csv
import functools
import hashlib
import io
import logging
import subprocess
import sys
import time as time_module
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from xo_core.credentials import Connection
from xo_core.errors import CredentialError, SourceDataError, TerminalError, TransientError
from xo_core.extractors.base import ExtractRequest, ExtractResult
from xo_core.extractors.gladly.config import GladlyExtractorConfig
from xo_core.extractors.gladly.extractor import GladlyExtractor
from xo_core.extractors.http import RetriesExhausted, RetryPolicy
from xo_core.manifest import Manifest, manifest_key
from xo_core.storage.local import LocalObjectStore
from xo_sandbox.gladly import DEFAULT_CREDENTIALS, GladlySandbox, ManualClock, RateLimits, truth
from xo_sandbox.gladly.reports import (
    CONTACT_TIMESTAMPS_COLUMNS,
    CONVERSATION_EXPORT_COLUMNS,
    WORK_SESSION_EVENTS_COLUMNS,
)

TZ_NAME = "America/New_York"
TZ = ZoneInfo(TZ_NAME)
SCALE = 0.1  # a tenth of real volume keeps every request well under a second
DAY = date(2025, 1, 14)
BUCKET = "ingest"
KEY = "gladly/contact_timestamps/2025-01-14.csv"
CT = "ContactTimestampsReport"
CONVERSATIONS = "ConversationExportReport"
WSE = "WorkSessionEventsReport"


@pytest.fixture(scope="module")
def _gladly_sandbox_shared() -> Iterator[GladlySandbox]:
    # Real limits (10 report POSTs a minute) would make the suite wait; the limiter has its own tests.
    limits = RateLimits(requests_per_second=10_000, reports_per_minute=10_000, reports_in_flight=20)
    with GladlySandbox(limits=limits, volume_scale=SCALE) as sandbox:
        yield sandbox


@pytest.fixture
def gladly_sandbox(_gladly_sandbox_shared: GladlySandbox, sandbox_control: Any) -> GladlySandbox:
    """The module's simulator with no faults pending and an empty request log."""
    return sandbox_control.reset(_gladly_sandbox_shared)


# The simulator's side door (faults, request log), over HTTP like any client would use it.
_CONTROL = httpx.Client()


def _fault(sandbox: GladlySandbox, **fault: Any) -> None:
    _CONTROL.post(f"{sandbox.url}/_sandbox/faults", json=fault).raise_for_status()


def _report_requests(sandbox: GladlySandbox) -> list[dict[str, Any]]:
    entries = _CONTROL.get(f"{sandbox.url}/_sandbox/requests").json()
    return [e for e in entries if str(e["path"]).startswith("/api/v1/reports")]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=TZ)


@dataclass
class _Run:
    store: LocalObjectStore
    sleeps: list[float]
    extractor: GladlyExtractor

    def extract(
        self,
        sandbox: GladlySandbox,
        *,
        org: str = "warbyparker",
        start: datetime | None = None,
        end: datetime | None = None,
        token: str | None = None,
        **config: Any,
    ) -> ExtractResult:
        email, real_token = DEFAULT_CREDENTIALS[org]
        config.setdefault("metric_set", CT if config.get("endpoint", "reports") == "reports" else None)
        return self.extractor.extract(
            ExtractRequest(
                source_name="contact_timestamps",
                config=GladlyExtractorConfig(**config),
                window_start=start or _midnight(DAY),
                window_end=end or _midnight(DAY + timedelta(days=1)),
                timezone=TZ_NAME,
                connection=Connection("gladly_test", login=email, password=token or real_token, host=sandbox.url),
                store=self.store,
                bucket=BUCKET,
                key=KEY,
                run_id="run-1",
            )
        )

    def data(self) -> bytes:
        return self.store.get_bytes(BUCKET, KEY)

    def rows(self) -> list[list[str]]:
        return list(csv.reader(io.StringIO(self.data().decode("utf-8"), newline="")))

    def files_left(self, tmp_path: Path) -> list[str]:
        """Every file under the bucket folder, temp files included."""
        return sorted(p.name for p in (tmp_path / BUCKET).rglob("*") if p.is_file())


@pytest.fixture
def gladly_run(tmp_path: Path) -> _Run:
    sleeps: list[float] = []
    extractor = GladlyExtractor(policy=RetryPolicy(max_attempts=4), timeout=5.0, sleep=sleeps.append)
    return _Run(LocalObjectStore(tmp_path), sleeps, extractor)


@functools.cache
def _truth(org: str, metric_set: str, first: date = DAY, last: date = DAY) -> int:
    return truth.row_count(org, metric_set, first, last, TZ_NAME, volume_scale=SCALE)


def test_one_day_of_contact_timestamps(gladly_sandbox: GladlySandbox, gladly_run: _Run) -> None:
    result = gladly_run.extract(gladly_sandbox)
    rows = gladly_run.rows()
    assert rows[0] == list(CONTACT_TIMESTAMPS_COLUMNS)
    assert result.row_count == len(rows) - 1 == _truth("warbyparker", CT)
    data = gladly_run.data()
    stored = Manifest.from_json_bytes(gladly_run.store.get_bytes(BUCKET, manifest_key(KEY)))
    assert stored == result.manifest
    assert stored.sha256 == hashlib.sha256(data).hexdigest() and stored.bytes == len(data)
    assert stored.header == list(CONTACT_TIMESTAMPS_COLUMNS)
    assert (stored.source_type, stored.extractor_version) == ("gladly_api", "gladly/1")
    assert (stored.window_start, stored.window_end) == (_midnight(DAY), _midnight(DAY + timedelta(days=1)))
    body = {"metricSet": CT, "timezone": TZ_NAME, "startAt": "2025-01-14", "endAt": "2025-01-14"}
    assert stored.request["bodies"] == [body]
    assert [e["body"] for e in _report_requests(gladly_sandbox)] == [body]
    assert gladly_run.sleeps == []


def test_conversations_for_condenast_keep_quoted_newlines(gladly_sandbox: GladlySandbox, gladly_run: _Run) -> None:
    result = gladly_run.extract(gladly_sandbox, org="condenast", metric_set=CONVERSATIONS)
    rows = gladly_run.rows()
    assert rows[0] == list(CONVERSATION_EXPORT_COLUMNS)
    assert result.row_count == len(rows) - 1 == _truth("condenast", CONVERSATIONS)
    hierarchy = rows[0].index("Topics with Hierarchy")
    assert any("\n" in row[hierarchy] for row in rows[1:])


def test_work_session_events_for_a_day(gladly_sandbox: GladlySandbox, gladly_run: _Run) -> None:
    result = gladly_run.extract(gladly_sandbox, endpoint="work_session_events")
    assert gladly_run.rows()[0] == list(WORK_SESSION_EVENTS_COLUMNS)
    assert result.row_count == _truth("warbyparker", WSE)
    sent = _report_requests(gladly_sandbox)[0]
    assert sent["path"] == "/api/v1/reports/work-session-events"
    assert sent["body"] == {"startAtTime": "2025-01-14T00:00-05:00", "endAtTime": "2025-01-15T00:00-05:00"}


def test_a_contact_created_before_midnight_and_ended_after_it_is_in_the_later_day(
    gladly_sandbox: GladlySandbox, gladly_run: _Run
) -> None:
    # Gladly places a work session by its contact's end (developer.gladly.com, work-session report): trimming on
    # the creation time would drop such a contact from both days.
    gladly_run.extract(
        gladly_sandbox,
        endpoint="work_session_events",
        start=_midnight(DAY + timedelta(days=1)),
        end=_midnight(DAY + timedelta(days=2)),
    )
    header, *rows = gladly_run.rows()
    created, ended = header.index("contact_session_created_at"), header.index("contact_session_ended_at")
    crossing = [r for r in rows if datetime.fromisoformat(r[created]) < _midnight(DAY + timedelta(days=1))]
    assert crossing and all(
        _midnight(DAY + timedelta(days=1)) <= datetime.fromisoformat(r[ended]) < _midnight(DAY + timedelta(days=2))
        for r in rows
    )
    both_days = truth.row_count(
        "warbyparker", WSE, DAY + timedelta(days=1), DAY + timedelta(days=1), TZ_NAME, volume_scale=SCALE
    )
    assert len(rows) == both_days


def test_contacts_open_at_the_pull_keep_their_creation_anchor_and_empty_end(
    gladly_sandbox: GladlySandbox, gladly_run: _Run
) -> None:
    gladly_sandbox.clock = (_midnight(DAY + timedelta(days=1)) + timedelta(hours=1, minutes=30)).timestamp
    try:
        gladly_run.extract(gladly_sandbox, endpoint="work_session_events")
    finally:
        gladly_sandbox.clock = time_module.time
    header, *rows = gladly_run.rows()
    ended, work_id = header.index("contact_session_ended_at"), header.index("id")
    open_rows = [r for r in rows if not r[ended]]
    assert open_rows and all(r[work_id] == "" for r in open_rows)


def test_work_session_events_edges_are_exact(gladly_sandbox: GladlySandbox, gladly_run: _Run) -> None:
    gladly_run.extract(gladly_sandbox, endpoint="work_session_events")
    header, *day_rows = gladly_run.rows()
    ended = header.index("contact_session_ended_at")
    start = _midnight(DAY) + timedelta(hours=10, seconds=30)
    end = _midnight(DAY) + timedelta(hours=14, minutes=29, seconds=15)
    expected = [r for r in day_rows if start <= datetime.fromisoformat(r[ended]) < end]
    result = gladly_run.extract(gladly_sandbox, endpoint="work_session_events", start=start, end=end)
    assert gladly_run.rows()[1:] == expected and result.row_count == len(expected) > 0
    # The superset asked for is whole minutes around the window; the trim happened on our side.
    assert _report_requests(gladly_sandbox)[-1]["body"] == {
        "startAtTime": "2025-01-14T10:00-05:00",
        "endAtTime": "2025-01-14T14:30-05:00",
    }


@pytest.mark.parametrize("kind", ["429", "500", "502", "503", "reset", "truncate"])
def test_transient_faults_are_retried_and_recovered(gladly_sandbox: GladlySandbox, gladly_run: _Run, kind: str) -> None:
    _fault(gladly_sandbox, kind=kind, times=2)
    result = gladly_run.extract(gladly_sandbox, org="condenast")
    assert result.row_count == _truth("condenast", CT)
    assert gladly_run.rows()[0] == list(CONTACT_TIMESTAMPS_COLUMNS)
    assert len(_report_requests(gladly_sandbox)) == 3
    # No Retry-After from Gladly: the delays are the jittered backoff, at most 1 s then 2 s.
    assert len(gladly_run.sleeps) == 2
    assert 0 <= gladly_run.sleeps[0] <= 1.0 and 0 <= gladly_run.sleeps[1] <= 2.0
    assert gladly_run.files_left(gladly_run.store.root) == sorted([Path(KEY).name, Path(manifest_key(KEY)).name])


def test_slow_answer_times_out_and_is_retried(gladly_sandbox: GladlySandbox, tmp_path: Path) -> None:
    sleeps: list[float] = []
    run = _Run(LocalObjectStore(tmp_path), sleeps, GladlyExtractor(timeout=0.3, sleep=sleeps.append))
    _fault(gladly_sandbox, kind="slow", seconds=1.0)
    result = run.extract(gladly_sandbox, org="condenast")
    assert result.row_count == _truth("condenast", CT)
    assert len(sleeps) == 1


def test_empty_body_gives_an_empty_object(gladly_sandbox: GladlySandbox, gladly_run: _Run) -> None:
    _fault(gladly_sandbox, kind="empty")
    result = gladly_run.extract(gladly_sandbox)
    assert gladly_run.data() == b""
    assert (result.row_count, result.manifest.header, result.manifest.bytes) == (0, [], 0)


@pytest.mark.parametrize("kind", ["bom", "blank_lines"])
def test_bom_and_blank_lines_leave_a_clean_file(gladly_sandbox: GladlySandbox, gladly_run: _Run, kind: str) -> None:
    _fault(gladly_sandbox, kind=kind)
    result = gladly_run.extract(gladly_sandbox, org="condenast")
    assert gladly_run.data().startswith(b"Timestamp,Event Type,")
    assert result.manifest.header == list(CONTACT_TIMESTAMPS_COLUMNS)
    assert result.row_count == _truth("condenast", CT)


def test_error_body_is_source_data_error_and_publishes_nothing(gladly_sandbox: GladlySandbox, gladly_run: _Run) -> None:
    _fault(gladly_sandbox, kind="error_body")
    with pytest.raises(SourceDataError, match="Unexpected error occurred"):
        gladly_run.extract(gladly_sandbox)
    assert gladly_run.files_left(gladly_run.store.root) == []


def test_bad_request_lists_the_vendor_errors(gladly_sandbox: GladlySandbox, gladly_run: _Run) -> None:
    with pytest.raises(TerminalError, match=r"filters\.inboxes: the requested inbox does not exist") as caught:
        gladly_run.extract(gladly_sandbox, metric_set=CONVERSATIONS, inboxes=["no-such-inbox"])
    assert not isinstance(caught.value, TransientError)
    assert gladly_run.sleeps == []


def test_row_cap_on_a_multi_day_window_splits_by_day(gladly_sandbox: GladlySandbox, gladly_run: _Run) -> None:
    days = [DAY + timedelta(days=n) for n in range(3)]
    per_day = [_truth("condenast", CT, d, d) for d in days]
    cap = max(per_day) + 1
    _fault(gladly_sandbox, kind="row_cap", rows=cap, times=None)
    result = gladly_run.extract(
        gladly_sandbox, org="condenast", end=_midnight(days[-1] + timedelta(days=1)), row_cap=cap
    )
    assert result.row_count == sum(per_day) == _truth("condenast", CT, days[0], days[-1])
    rows = gladly_run.rows()
    assert rows[0] == list(CONTACT_TIMESTAMPS_COLUMNS) and rows.count(rows[0]) == 1
    bodies = [e["body"] for e in _report_requests(gladly_sandbox)]
    assert [(b["startAt"], b["endAt"]) for b in bodies] == [
        ("2025-01-14", "2025-01-16"),
        ("2025-01-14", "2025-01-14"),
        ("2025-01-15", "2025-01-15"),
        ("2025-01-16", "2025-01-16"),
    ]
    assert result.manifest.request["split_by_day"] is True


def test_the_day_by_day_fallback_stays_inside_gladlys_real_rate_limit(tmp_path: Path) -> None:
    # Gladly's own limits (10 report POSTs a minute, 2 at once per organization) on a clock that moves only when
    # the connector sleeps: a 14-day window whose whole pull hits the row cap makes 15 requests.
    clock = ManualClock()
    days = 14
    with GladlySandbox(limits=RateLimits(clock=clock), volume_scale=SCALE, row_cap=None) as sandbox:
        cap = max(_truth("condenast", CT, DAY + timedelta(days=n), DAY + timedelta(days=n)) for n in range(days)) + 1
        _fault(sandbox, kind="row_cap", rows=cap, times=1)
        run = _Run(LocalObjectStore(tmp_path), [], GladlyExtractor(sleep=clock.advance, clock=clock))
        result = run.extract(sandbox, org="condenast", end=_midnight(DAY + timedelta(days=days)), row_cap=cap)
        statuses = [e["status"] for e in _report_requests(sandbox)]
    assert result.row_count == _truth("condenast", CT, DAY, DAY + timedelta(days=days - 1))
    assert statuses == [200] * (days + 1)  # paced: not one 429
    assert clock.now - 1_000.0 >= days * 12  # one request every 12 s: its share of the minute with 2 slots


def test_a_429_is_retried_for_longer_than_gladlys_minute() -> None:
    # Gladly sends no Retry-After: the backoff alone must outlast the rolling minute of the report limit.
    assert GladlyExtractor().policy.least_total_wait() > 60


def test_row_cap_on_one_day_fails_loudly(gladly_sandbox: GladlySandbox, gladly_run: _Run) -> None:
    cap = _truth("condenast", CT) - 5
    _fault(gladly_sandbox, kind="row_cap", rows=cap, times=None)
    with pytest.raises(TerminalError, match=f"row cap of {cap} rows"):
        gladly_run.extract(gladly_sandbox, org="condenast", row_cap=cap)
    assert gladly_run.files_left(gladly_run.store.root) == []


def test_wrong_token_is_a_credential_error_without_the_token(gladly_sandbox: GladlySandbox, gladly_run: _Run) -> None:
    with pytest.raises(CredentialError, match="HTTP 401") as caught:
        gladly_run.extract(gladly_sandbox, token="wrong-token-123")
    assert "wrong-token-123" not in str(caught.value)
    assert gladly_run.sleeps == []


@pytest.mark.parametrize("kind", ["503", "truncate"])
def test_exhausted_retries_are_transient_and_leave_nothing(
    gladly_sandbox: GladlySandbox, gladly_run: _Run, kind: str
) -> None:
    _fault(gladly_sandbox, kind=kind, times=None)
    with pytest.raises(RetriesExhausted) as caught:
        gladly_run.extract(gladly_sandbox, org="condenast")
    assert isinstance(caught.value, TransientError)
    assert caught.value.attempts == 4
    assert caught.value.last_status == (503 if kind == "503" else None)
    assert len(_report_requests(gladly_sandbox)) == 4
    assert gladly_run.files_left(gladly_run.store.root) == []


def test_window_of_partial_days_is_refused_for_reports(gladly_sandbox: GladlySandbox, gladly_run: _Run) -> None:
    with pytest.raises(TerminalError, match="whole days"):
        gladly_run.extract(gladly_sandbox, start=_midnight(DAY) + timedelta(hours=6))
    assert _report_requests(gladly_sandbox) == []


def test_the_token_never_reaches_logs_or_manifest(
    gladly_sandbox: GladlySandbox, gladly_run: _Run, caplog: pytest.LogCaptureFixture
) -> None:
    email, token = DEFAULT_CREDENTIALS["condenast"]
    basic = base64.b64encode(f"{email}:{token}".encode()).decode()
    _fault(gladly_sandbox, kind="429")
    _fault(gladly_sandbox, kind="truncate")
    with caplog.at_level(logging.DEBUG):
        result = gladly_run.extract(gladly_sandbox, org="condenast")
        with pytest.raises(CredentialError):
            gladly_run.extract(gladly_sandbox, org="condenast", token=token + "x")
    warnings = [r.getMessage() for r in caplog.records if r.name == "xo_core.extractors.http"]
    assert len(warnings) == 2 and "HTTP 429" in warnings[0] and "RemoteProtocolError" in warnings[1]
    for secret in (token, basic):
        assert secret not in caplog.text
        assert secret not in result.manifest.to_json_bytes().decode()
        assert secret not in gladly_run.store.get_bytes(BUCKET, manifest_key(KEY)).decode()


@pytest.fixture
def gladly_big_sandbox() -> Iterator[str]:
    """A simulator at 11x volume (~200k ContactTimestamps rows a day) in its own process, so that its
    memory does not count in this process's tracemalloc peak."""
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "xo_sandbox.cli", "serve", "--port", "0", "--volume-scale", "11"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert "listening on " in line, line
        yield line.split("listening on ", 1)[1].strip()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.slow
def test_a_large_report_streams_in_flat_memory(gladly_big_sandbox: str, tmp_path: Path) -> None:
    email, token = DEFAULT_CREDENTIALS["warbyparker"]
    request = ExtractRequest(
        source_name="contact_timestamps",
        config=GladlyExtractorConfig(metric_set=CT, row_cap=1_000_000),
        window_start=_midnight(DAY),
        window_end=_midnight(DAY + timedelta(days=1)),
        timezone=TZ_NAME,
        connection=Connection("gladly_test", login=email, password=token, host=gladly_big_sandbox),
        store=LocalObjectStore(tmp_path),
        bucket=BUCKET,
        key=KEY,
        run_id="run-big",
    )
    tracemalloc.start()
    try:
        result = GladlyExtractor(sleep=lambda _: None).extract(request)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.row_count > 150_000
    assert result.manifest.bytes > 30_000_000
    assert peak < 4 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
