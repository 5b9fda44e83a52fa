"""The Sprout simulator alone, over HTTP: auth, media types, metadata, messages and paging, limits, faults."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from xo_sandbox.gladly.limits import ManualClock
from xo_sandbox.gladly.orgs import get_org
from xo_sandbox.sprout import CUSTOMER_ID, DEFAULT_TOKEN, Fault, SproutLimits, SproutSandbox, truth

TZ = ZoneInfo("America/New_York")
START = datetime(2025, 1, 14, tzinfo=TZ)
END = START + timedelta(days=1)
MESSAGES = f"/v1/{CUSTOMER_ID}/messages"
# With an offset, so both readings of the timezone give the same instants (New York midnight to midnight).
RANGE = "created_time.in(2025-01-14T05:00:00Z..2025-01-15T05:00:00Z)"
SCOPE = ["group_id.eq(23598)", "customer_profile_id.eq(4920101, 4920102, 4920103)"]
AUTH = {"Authorization": f"Bearer {DEFAULT_TOKEN}", "Accept": "application/json"}


@pytest.fixture(scope="module")
def _sprout_shared() -> Iterator[SproutSandbox]:
    with SproutSandbox(limits=SproutLimits(requests_per_minute=100_000)) as sandbox:
        yield sandbox


@pytest.fixture
def sprout_client(_sprout_shared: SproutSandbox) -> Iterator[httpx.Client]:
    """A client with the sandbox token, against a simulator with no faults pending."""
    with httpx.Client(base_url=_sprout_shared.url, headers=AUTH, timeout=5.0) as client:
        client.delete("/_sandbox/faults").raise_for_status()
        yield client


def _body(**extra: Any) -> dict[str, Any]:
    return {"filters": [*SCOPE, RANGE], "timezone": "America/New_York", **extra}


def _all_pages(client: httpx.Client, body: dict[str, Any]) -> tuple[list[dict[str, Any]], list[int]]:
    data: list[dict[str, Any]] = []
    sizes: list[int] = []
    cursor = None
    while True:
        answer = client.post(MESSAGES, json=body if cursor is None else {**body, "page_cursor": cursor})
        assert answer.status_code == 200, answer.text
        page = answer.json()
        data += page["data"]
        sizes.append(len(page["data"]))
        if "paging" not in page:
            return data, sizes
        cursor = page["paging"]["next_cursor"]


def test_auth_media_types_and_headers(sprout_client: httpx.Client) -> None:
    anon = httpx.post(f"{sprout_client.base_url}{MESSAGES}", json=_body())
    assert anon.status_code == 401 and "valid access token" in anon.json()["error"]
    wrong = sprout_client.post(MESSAGES, json=_body(), headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert sprout_client.post(MESSAGES, json=_body(), headers={"Accept": "text/csv"}).status_code == 415
    as_text = sprout_client.post(MESSAGES, content=b"{}", headers={"Content-Type": "text/plain"})
    assert as_text.status_code == 415 and "error" in as_text.json()
    ok = sprout_client.post(MESSAGES, json=_body())
    for response in (anon, as_text, ok):
        assert response.headers["X-Sprout-API-Version"] == "1.1"
        assert response.headers["X-Sprout-Server-Version"] and len(response.headers["X-Sprout-Request-ID"]) == 36


def test_metadata_endpoints(sprout_client: httpx.Client) -> None:
    client = sprout_client.get("/v1/metadata/client").json()
    assert client == {"data": [{"customer_id": CUSTOMER_ID, "name": "Warby Parker"}]}
    profiles = sprout_client.get(f"/v1/{CUSTOMER_ID}/metadata/customer").json()["data"]
    assert {p["network_type"] for p in profiles} == {"twitter", "instagram", "facebook"}
    users = sprout_client.get(f"/v1/{CUSTOMER_ID}/metadata/customer/users").json()["data"]
    gladly = {(a.name, a.email) for a in get_org("warbyparker").agents}
    assert users and {(u["name"], u["email"]) for u in users} <= gladly
    assert sprout_client.get("/v1/999/metadata/customer").status_code == 403
    assert sprout_client.post("/v1/metadata/client", json={}).status_code == 405


def test_default_fields_limit_and_paging(sprout_client: httpx.Client) -> None:
    first = sprout_client.post(MESSAGES, json=_body()).json()
    assert len(first["data"]) == 50 and set(first["data"][0]) == {"guid"}
    assert "paging" in first
    data, sizes = _all_pages(sprout_client, _body(fields=["guid", "created_time"], sort=["created_time:asc"]))
    expected = list(truth.messages_in(START, END))
    assert [m["guid"] for m in data] == [m.guid for m in expected]
    assert sizes[:-1] == [50] * (len(sizes) - 1) and 0 < sizes[-1] <= 50
    times = [m["created_time"] for m in data]
    assert times == sorted(times)


def test_descending_sort_and_both_range_separators(sprout_client: httpx.Client) -> None:
    asc, _ = _all_pages(sprout_client, _body(limit=100, sort=["created_time:asc"]))
    desc, _ = _all_pages(sprout_client, _body(limit=100))
    dots3, _ = _all_pages(
        sprout_client,
        {
            "filters": [*SCOPE, RANGE.replace("..", "...")],
            "timezone": "America/New_York",
            "limit": 100,
            "sort": ["created_time:asc"],
        },
    )
    assert desc == asc[::-1] and dots3 == asc


def test_range_end_is_inclusive(sprout_client: httpx.Client) -> None:
    day = list(truth.messages_in(START, END))
    at = datetime.fromtimestamp(day[10].created_s, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = _body(filters=[*SCOPE, f"created_time.in({at}..{at})"], fields=["guid"])
    guids = [m["guid"] for m in sprout_client.post(MESSAGES, json=body).json()["data"]]
    assert day[10].guid in guids


@pytest.mark.parametrize("applies", [False, True])
def test_naive_bounds_are_utc_unless_the_timezone_applies(applies: bool) -> None:
    # Sprout's docs leave open whether `timezone` applies to created_time: both readings can be served.
    local_day = _body(filters=[*SCOPE, "created_time.in(2025-01-14T00:00:00..2025-01-14T23:59:59)"], limit=100)
    with (
        SproutSandbox(timezone_applies_to_created_time=applies) as sandbox,
        httpx.Client(base_url=sandbox.url, headers=AUTH) as client,
    ):
        data, _ = _all_pages(client, {**local_day, "fields": ["guid"], "sort": ["created_time:asc"]})
    zone = TZ if applies else UTC
    start = datetime(2025, 1, 14, tzinfo=zone)
    expected = truth.messages_in(start, start + timedelta(days=1))
    assert [m["guid"] for m in data] == [m.guid for m in expected]


def test_bad_requests_and_cursors(sprout_client: httpx.Client) -> None:
    bad = [
        {"fields": ["guid"]},
        _body(limit=101),
        _body(fields=["nope"]),
        _body(sort=["guid:asc"]),
        _body(timezone="Mars/Olympus"),
        {"filters": ["created_time.in(2025-01-14)"]},
        _body(page_cursor="made-up"),
        {"filters": [RANGE, "group_id.eq(65245)", "customer_profile_id.eq(4920101)"]},
        {"filters": [RANGE, "customer_profile_id.eq(4920101)"]},
        {"filters": [RANGE, "group_id.eq(23598)"]},
        {"filters": SCOPE},
    ]
    for body in bad:
        response = sprout_client.post(MESSAGES, json=body)
        assert response.status_code == 400 and response.json()["error"], body
    cursor = sprout_client.post(MESSAGES, json=_body()).json()["paging"]["next_cursor"]
    other = sprout_client.post(MESSAGES, json=_body(limit=10, page_cursor=cursor))
    assert other.status_code == 400 and "different query" in other.json()["error"]


def test_filters_narrow_the_messages(sprout_client: httpx.Client) -> None:
    retail = _body(limit=100, filters=["group_id.eq(65245)", "customer_profile_id.eq(4920103)", RANGE])
    facebook, _ = _all_pages(sprout_client, {**retail, "fields": ["network"]})
    assert facebook and {m["network"] for m in facebook} == {"FACEBOOK"}
    praise = _body(limit=100, filters=[*SCOPE, RANGE, "tag_id.eq(1006)"], fields=["internal"])
    tagged, _ = _all_pages(sprout_client, praise)
    assert tagged and all({"id": 1006} in m["internal"]["tags"] for m in tagged)


def test_agents_reply_and_truth_counts_them(sprout_client: httpx.Client) -> None:
    fields = ["guid", "created_time", "internal.sent_by.email", "internal.sent_by.first_name", "from.guid"]
    data, _ = _all_pages(sprout_client, _body(limit=100, fields=fields))
    replies: dict[str, int] = {}
    for m in data:
        sent_by = m.get("internal", {}).get("sent_by")
        if sent_by:
            replies[sent_by["email"]] = replies.get(sent_by["email"], 0) + 1
    assert replies == truth.replies_per_agent(START, END) and len(replies) > 3
    assert sum(truth.messages_per_day(START, END + timedelta(days=2), "America/New_York").values()) == (
        truth.message_count(START, END + timedelta(days=2))
    )
    assert truth.messages_per_day(START, END, "America/New_York") == {START.date(): len(data)}


def test_rate_limit_is_60_a_minute_without_retry_after() -> None:
    clock = ManualClock()
    with SproutSandbox(limits=SproutLimits(clock=clock)) as sandbox, httpx.Client(headers=AUTH) as client:
        statuses = [client.get(f"{sandbox.url}/v1/metadata/client").status_code for _ in range(61)]
        assert statuses == [200] * 60 + [429]
        refused = client.get(f"{sandbox.url}/v1/metadata/client")
        assert refused.status_code == 429 and "retry-after" not in refused.headers and refused.json()["error"]
        clock.advance(60)
        assert client.get(f"{sandbox.url}/v1/metadata/client").status_code == 200


def test_not_ready_first_answers_202_once_per_query() -> None:
    with SproutSandbox(not_ready_first=True) as sandbox, httpx.Client(headers=AUTH) as client:
        url = f"{sandbox.url}{MESSAGES}"
        first = client.post(url, json=_body())
        assert (first.status_code, first.json()) == (202, {"data": []})
        assert client.post(url, json=_body()).status_code == 200
        assert client.post(url, json=_body(limit=7)).status_code == 202


@pytest.mark.parametrize("status", [429, 500, 503, 504, 202])
def test_status_faults(sprout_client: httpx.Client, status: int) -> None:
    sprout_client.post("/_sandbox/faults", json={"kind": str(status)}).raise_for_status()
    assert sprout_client.post(MESSAGES, json=_body()).status_code == status
    assert sprout_client.post(MESSAGES, json=_body()).status_code == 200


def test_reset_truncate_and_slow_faults(sprout_client: httpx.Client) -> None:
    sprout_client.post("/_sandbox/faults", json=[{"kind": "reset"}, {"kind": "truncate"}]).raise_for_status()
    with pytest.raises(httpx.TransportError):
        sprout_client.post(MESSAGES, json=_body())
    with pytest.raises(httpx.RemoteProtocolError):
        sprout_client.post(MESSAGES, json=_body())
    sprout_client.post("/_sandbox/faults", json={"kind": "slow", "seconds": 0.3}).raise_for_status()
    started = time.monotonic()
    assert sprout_client.post(MESSAGES, json=_body()).status_code == 200
    assert time.monotonic() - started >= 0.3


def test_fault_parsing() -> None:
    assert Fault.parse("503,times=always") == Fault("503", times=None)
    assert Fault.parse("slow,seconds=2.5").seconds == 2.5
    with pytest.raises(ValueError, match="unknown fault kind"):
        Fault.parse("418")


def test_generation_is_deterministic() -> None:
    one = [m.to_json() for m in truth.messages_in(START, END)]
    assert one == [m.to_json() for m in truth.messages_in(START, END)]
    assert 150 <= len(one) <= 400
    inbound = [m for m in truth.messages_in(START, END) if m.sent_by is None]
    assert 0.3 < len(inbound) / len(one) < 0.8
    assert all(m.from_name != "Warby Parker" for m in inbound)
