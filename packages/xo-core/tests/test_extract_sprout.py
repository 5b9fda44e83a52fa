"""The Sprout extractor against the real Sprout simulator over HTTP on 127.0.0.1: paging, edges, faults."""

from __future__ import annotations

import csv
import hashlib
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from xo_core.credentials import Connection
from xo_core.errors import CredentialError, TerminalError, TransientError
from xo_core.extractors.base import ExtractRequest, ExtractResult
from xo_core.extractors.http import RetriesExhausted, RetryPolicy
from xo_core.extractors.registry import get_extractor
from xo_core.extractors.sprout.config import DEFAULT_SPROUT_FIELDS, SproutExtractorConfig
from xo_core.extractors.sprout.extractor import SproutExtractor, flatten, messages_body
from xo_core.manifest import Manifest, manifest_key
from xo_core.storage.local import LocalObjectStore
from xo_sandbox.gladly.limits import ManualClock
from xo_sandbox.gladly.orgs import get_org
from xo_sandbox.sprout import CUSTOMER_ID, DEFAULT_TOKEN, PROFILES, SproutLimits, SproutSandbox, truth
from xo_sandbox.sprout.customer import SOCIAL_CARE_GROUP as GROUP_ID

TZ_NAME = "America/New_York"
TZ = ZoneInfo(TZ_NAME)
START = datetime(2025, 1, 14, tzinfo=TZ)
DAY = timedelta(days=1)
END = START + DAY
SCOPE = ["group_id.eq(23598)", "customer_profile_id.eq(4920101, 4920102, 4920103)"]
BUCKET = "ingest"
KEY = "sprout/messages/2025-01-14.csv"
_CONTROL = httpx.Client()


@pytest.fixture(scope="module")
def _sprout_sandbox_shared() -> Iterator[SproutSandbox]:
    # The real 60/min limit would make the suite wait; the limiter has its own tests below.
    with SproutSandbox(limits=SproutLimits(requests_per_minute=100_000)) as sandbox:
        yield sandbox


@pytest.fixture
def sprout_sandbox(_sprout_sandbox_shared: SproutSandbox, sandbox_control: Any) -> SproutSandbox:
    """The module's simulator with no faults pending and an empty request log."""
    return sandbox_control.reset(_sprout_sandbox_shared)


def _fault(sandbox: SproutSandbox, **fault: Any) -> None:
    _CONTROL.post(f"{sandbox.url}/_sandbox/faults", json=fault).raise_for_status()


def _sent(sandbox: SproutSandbox) -> list[dict[str, Any]]:
    return [e for e in _CONTROL.get(f"{sandbox.url}/_sandbox/requests").json() if e["path"].endswith("/messages")]


@dataclass
class _Run:
    store: LocalObjectStore
    sleeps: list[float] = field(default_factory=list)
    extractor: SproutExtractor | None = None

    def extract(
        self,
        sandbox: SproutSandbox,
        *,
        start: datetime = START,
        end: datetime = END,
        token: str = DEFAULT_TOKEN,
        **config: Any,
    ) -> ExtractResult:
        extractor = self.extractor or SproutExtractor(
            policy=RetryPolicy(max_attempts=4), timeout=5.0, sleep=self.sleeps.append, requests_per_minute=10_000
        )
        config.setdefault("customer_id", CUSTOMER_ID)
        config.setdefault("group_id", GROUP_ID)
        config.setdefault("profile_ids", [p.customer_profile_id for p in PROFILES])
        return extractor.extract(
            ExtractRequest(
                source_name="messages",
                config=SproutExtractorConfig(**config),
                window_start=start,
                window_end=end,
                timezone=TZ_NAME,
                connection=Connection("sprout_test", password=token, host=sandbox.url),
                store=self.store,
                bucket=BUCKET,
                key=KEY,
                run_id="run-1",
            )
        )

    def rows(self) -> list[list[str]]:
        return list(csv.reader(io.StringIO(self.store.get_bytes(BUCKET, KEY).decode("utf-8"), newline="")))

    def files_left(self) -> list[str]:
        return sorted(p.name for p in (self.store.root / BUCKET).rglob("*") if p.is_file())


@pytest.fixture
def sprout_run(tmp_path: Path) -> _Run:
    return _Run(LocalObjectStore(tmp_path))


def test_one_day_pages_through_every_message(sprout_sandbox: SproutSandbox, sprout_run: _Run) -> None:
    result = sprout_run.extract(sprout_sandbox)
    header, *rows = sprout_run.rows()
    assert header == list(DEFAULT_SPROUT_FIELDS)
    expected = list(truth.messages_in(START, END))
    assert [r[0] for r in rows] == [m.guid for m in expected] and result.row_count == len(expected) > 200
    stored = Manifest.from_json_bytes(sprout_run.store.get_bytes(BUCKET, manifest_key(KEY)))
    data = sprout_run.store.get_bytes(BUCKET, KEY)
    assert stored == result.manifest and stored.sha256 == hashlib.sha256(data).hexdigest()
    assert (stored.source_type, stored.extractor_version, stored.header) == ("sprout_api", "sprout/2", header)
    sent = _sent(sprout_sandbox)
    # The range asked for is the window and a day each side (the simulator reads its end as inclusive).
    asked = truth.message_count(START - DAY, END + DAY + timedelta(seconds=1))
    assert len(sent) == -(-asked // 100)  # 100 a page
    first = sent[0]["body"]
    assert first == {
        "filters": [*SCOPE, "created_time.in(2025-01-13T00:00:00..2025-01-16T00:00:00)"],
        "fields": list(DEFAULT_SPROUT_FIELDS),
        "limit": 100,
        "timezone": TZ_NAME,
        "sort": ["created_time:asc"],
    }
    assert all(e["body"]["page_cursor"] for e in sent[1:]) and stored.request["body"] == first
    assert sprout_run.sleeps == []


@pytest.mark.parametrize("applies", [False, True], ids=["created_time-in-utc", "created_time-in-timezone"])
def test_the_window_is_exact_whichever_zone_sprout_reads_the_range_in(applies: bool, tmp_path: Path) -> None:
    # Sprout's docs leave open whether the body's timezone applies to created_time (source: the simulator's
    # query module); the rows of a New York day must be the day's messages under either reading.
    run = _Run(LocalObjectStore(tmp_path))
    with SproutSandbox(
        timezone_applies_to_created_time=applies, limits=SproutLimits(requests_per_minute=100_000)
    ) as sandbox:
        result = run.extract(sandbox, fields=["guid", "created_time"])
    expected = list(truth.messages_in(START, END))
    assert run.rows()[1:] == [[m.guid, m.created_time] for m in expected]
    assert result.row_count == truth.message_count(START, END) > 200


def test_nested_fields_are_flattened_into_stable_columns(sprout_sandbox: SproutSandbox, sprout_run: _Run) -> None:
    sprout_run.extract(sprout_sandbox)
    header, *rows = sprout_run.rows()
    by_guid = {m.guid: m for m in truth.messages_in(START, END)}
    col = {name: header.index(name) for name in header}
    agents = {a.email for a in get_org("warbyparker").agents}
    multi_tag = 0
    for row in rows:
        message = by_guid[row[col["guid"]]]
        assert row[col["internal.tags.id"]] == "|".join(str(t) for t in sorted(message.tag_ids))
        multi_tag += len(message.tag_ids) > 1
        email = row[col["internal.sent_by.email"]]
        assert email == (message.sent_by.email if message.sent_by else "")
        assert email == "" or email in agents
        assert row[col["from.guid"]] == message.from_guid and row[col["text"]] == message.text
    assert multi_tag > 0 and any("\n" in row[col["text"]] for row in rows)


def test_flatten_rules() -> None:
    message = {"guid": "t:1", "n": 3, "ok": True, "none": None, "from": {"name": "Jo"}, "internal": {"tags": []}}
    message["tags"] = [{"id": 12}, {"id": 7}, {"id": 100}]
    assert [flatten(message, p.split(".")) for p in ("guid", "n", "ok", "none", "from.name", "missing.x")] == [
        "t:1",
        "3",
        "true",
        "",
        "Jo",
        "",
    ]
    assert flatten(message, ["tags", "id"]) == "7|12|100"
    assert flatten(message, ["internal", "tags", "id"]) == ""
    assert flatten(message, ["from"]) == '{"name":"Jo"}'


def test_window_edges_are_exact_whatever_sprout_does_with_the_end(
    sprout_sandbox: SproutSandbox, sprout_run: _Run
) -> None:
    day = list(truth.messages_in(START, END))
    first, last = day[40], day[140]
    start, end = (datetime.fromtimestamp(m.created_s, UTC) for m in (first, last))
    result = sprout_run.extract(sprout_sandbox, start=start, end=end)
    guids = [r[0] for r in sprout_run.rows()[1:]]
    assert guids[0] == first.guid and last.guid not in guids  # the start is in, the end is out
    assert guids == [m.guid for m in truth.messages_in(start, end)]
    assert result.row_count == truth.message_count(start, end)
    # The range reaches a day past each edge, so the messages beyond them came back and were dropped.
    lo, hi = (start - DAY).astimezone(TZ), (end + DAY).astimezone(TZ)
    assert _sent(sprout_sandbox)[0]["body"]["filters"][2] == (
        f"created_time.in({lo:%Y-%m-%dT%H:%M:%S}..{hi:%Y-%m-%dT%H:%M:%S})"
    )


def test_a_dst_ambiguous_window_is_exact(sprout_sandbox: SproutSandbox, sprout_run: _Run) -> None:
    start = datetime(2025, 11, 2, 5, 30, tzinfo=UTC)  # 01:30 EDT, the first 01:30 of the night
    end = datetime(2025, 11, 2, 6, 30, tzinfo=UTC)  # 01:30 EST, the second one
    config = SproutExtractorConfig(customer_id=CUSTOMER_ID, group_id=GROUP_ID, profile_ids=[4920101])
    body = messages_body(config, start, end, TZ)
    assert body["filters"] == [
        "group_id.eq(23598)",
        "customer_profile_id.eq(4920101)",
        "created_time.in(2025-11-01T01:30:00..2025-11-03T01:30:00)",
    ]
    result = sprout_run.extract(sprout_sandbox, start=start, end=end)
    assert result.row_count == truth.message_count(start, end) > 0


def test_an_empty_window_has_the_configured_header(sprout_sandbox: SproutSandbox, sprout_run: _Run) -> None:
    day = list(truth.messages_in(START, END))
    gap_start = datetime.fromtimestamp(day[0].created_s, UTC) + timedelta(milliseconds=1)
    gap_end = datetime.fromtimestamp(day[1].created_s, UTC)
    fields = ["guid", "from.name", "internal.tags.id"]
    result = sprout_run.extract(sprout_sandbox, start=gap_start, end=gap_end, fields=fields)
    assert sprout_run.rows() == [fields] and result.row_count == 0 and result.manifest.header == fields
    # created_time is asked for (to trim by) even when not configured.
    body = _sent(sprout_sandbox)[0]["body"]
    assert body["fields"] == [*fields, "created_time"]
    assert body["filters"][2].endswith(f"..{(gap_end + DAY).astimezone(TZ):%Y-%m-%dT%H:%M:%S})")


def test_group_and_profiles_become_filters(sprout_sandbox: SproutSandbox, sprout_run: _Run) -> None:
    result = sprout_run.extract(
        sprout_sandbox, group_id=23598, profile_ids=[4920101, 4920102], fields=["guid", "customer_profile_id"]
    )
    profiles = {r[1] for r in sprout_run.rows()[1:]}
    assert profiles == {"4920101", "4920102"}
    expected = [m for m in truth.messages_in(START, END) if m.profile.customer_profile_id in (4920101, 4920102)]
    assert result.row_count == len(expected)
    assert _sent(sprout_sandbox)[0]["body"]["filters"][:2] == [
        "group_id.eq(23598)",
        "customer_profile_id.eq(4920101, 4920102)",
    ]


@pytest.mark.parametrize("kind", ["429", "500", "503", "504", "reset", "truncate", "202"])
def test_transient_faults_are_retried_and_recovered(sprout_sandbox: SproutSandbox, sprout_run: _Run, kind: str) -> None:
    _fault(sprout_sandbox, kind=kind, times=2)
    result = sprout_run.extract(sprout_sandbox)
    assert result.row_count == truth.message_count(START, END)
    sent = _sent(sprout_sandbox)
    assert sent[0]["body"] == sent[1]["body"] == sent[2]["body"]  # the very same request, asked again
    assert len(sprout_run.sleeps) == 2 and 0 <= sprout_run.sleeps[0] <= 1.0 and 0 <= sprout_run.sleeps[1] <= 2.0
    assert sprout_run.files_left() == sorted([Path(KEY).name, Path(manifest_key(KEY)).name])


def test_a_202_on_every_first_call_is_waited_out(tmp_path: Path) -> None:
    run = _Run(LocalObjectStore(tmp_path))
    with SproutSandbox(not_ready_first=True, limits=SproutLimits(requests_per_minute=1000)) as sandbox:
        result = run.extract(sandbox)
        statuses = [e["status"] for e in sandbox.requests()]
    assert result.row_count == truth.message_count(START, END)
    assert statuses[:2] == [202, 200] and statuses.count(202) == 1 and len(run.sleeps) == 1


def test_slow_answer_times_out_and_is_retried(sprout_sandbox: SproutSandbox, tmp_path: Path) -> None:
    sleeps: list[float] = []
    run = _Run(LocalObjectStore(tmp_path), sleeps, SproutExtractor(timeout=0.3, sleep=sleeps.append))
    _fault(sprout_sandbox, kind="slow", seconds=1.0)
    assert run.extract(sprout_sandbox).row_count == truth.message_count(START, END)
    assert len(sleeps) == 1


@pytest.mark.parametrize("kind", ["503", "202"])
def test_exhausted_retries_are_transient_and_leave_nothing(
    sprout_sandbox: SproutSandbox, sprout_run: _Run, kind: str
) -> None:
    _fault(sprout_sandbox, kind=kind, times=None)
    with pytest.raises(RetriesExhausted) as caught:
        sprout_run.extract(sprout_sandbox)
    assert isinstance(caught.value, TransientError) and caught.value.last_status == int(kind)
    assert len(_sent(sprout_sandbox)) == 4
    assert sprout_run.files_left() == []


def test_rate_limit_mid_window_fails_cleanly_then_pacing_avoids_it(tmp_path: Path) -> None:
    clock = ManualClock()
    with SproutSandbox(limits=SproutLimits(requests_per_minute=2, clock=clock)) as sandbox:
        # Not paced: the third page meets 429s (no Retry-After) until the attempts run out; nothing is published.
        run = _Run(LocalObjectStore(tmp_path / "a"))
        with pytest.raises(RetriesExhausted, match="HTTP 429"):
            run.extract(sandbox)
        assert run.files_left() == []
        assert [e["status"] for e in sandbox.requests()] == [200, 200, 429, 429, 429, 429]
        # Paced at the limit, the extractor waits out the minute instead (its sleep moves the shared clock).
        clock.advance(60)
        sandbox.log.clear()
        sleeps: list[float] = []

        def sleep(seconds: float) -> None:
            sleeps.append(seconds)
            clock.advance(seconds)

        paced = SproutExtractor(sleep=sleep, clock=clock, requests_per_minute=2)
        result = _Run(LocalObjectStore(tmp_path / "b"), sleeps, paced).extract(sandbox)
    assert result.row_count == truth.message_count(START, END)
    pages = len(sandbox.requests())
    assert [e["status"] for e in sandbox.requests()] == [200] * pages and pages > 3
    assert sleeps == [60.0] * ((pages - 1) // 2)  # two pages a minute


def test_wrong_token_is_a_credential_error_without_the_token(sprout_sandbox: SproutSandbox, sprout_run: _Run) -> None:
    with pytest.raises(CredentialError, match="HTTP 401: The request does not contain a valid access token") as caught:
        sprout_run.extract(sprout_sandbox, token="wrong-token-123")
    assert "wrong-token-123" not in str(caught.value)
    assert sprout_run.sleeps == [] and sprout_run.files_left() == []


def test_bad_request_quotes_sprouts_error(sprout_sandbox: SproutSandbox, sprout_run: _Run) -> None:
    with pytest.raises(TerminalError, match=r"HTTP 400: Unknown field\(s\): no_such_field") as caught:
        sprout_run.extract(sprout_sandbox, fields=["guid", "no_such_field"])
    assert not isinstance(caught.value, TransientError) and sprout_run.files_left() == []


def test_registry_finds_the_extractor() -> None:
    assert isinstance(get_extractor("sprout_api"), SproutExtractor)


def test_the_token_never_reaches_logs_or_manifest(
    sprout_sandbox: SproutSandbox, sprout_run: _Run, caplog: pytest.LogCaptureFixture
) -> None:
    _fault(sprout_sandbox, kind="429")
    _fault(sprout_sandbox, kind="202")
    with caplog.at_level(logging.DEBUG):
        result = sprout_run.extract(sprout_sandbox)
        with pytest.raises(CredentialError):
            sprout_run.extract(sprout_sandbox, token=DEFAULT_TOKEN + "x")
    warnings = [r.getMessage() for r in caplog.records if r.name.startswith("xo_core.extractors")]
    assert any("HTTP 429" in w for w in warnings) and any("HTTP 202" in w for w in warnings)
    for text in (caplog.text, result.manifest.to_json_bytes().decode()):
        assert DEFAULT_TOKEN not in text
