"""The Gladly sandbox over real HTTP: auth, report CSVs against the truth, windows, validation, lookups."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from xo_sandbox.gladly import DEFAULT_CREDENTIALS, GladlySandbox, truth
from xo_sandbox.gladly.data import SECOND
from xo_sandbox.gladly.reports import CONTACT_TIMESTAMPS_COLUMNS, CONVERSATION_EXPORT_COLUMNS
from xo_sandbox.gladly.timeline import contact_events, local_day_window

DAY = date(2025, 1, 14)


def _rows(response: httpx.Response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.text, newline="")))


def _report(client: httpx.Client, metric_set: str, start: date, end: date, tz: str, **extra: object) -> httpx.Response:
    body = {"metricSet": metric_set, "startAt": start.isoformat(), "endAt": end.isoformat(), "timezone": tz}
    return client.post("/api/v1/reports", json={**body, **extra})


def test_good_credentials_are_accepted_and_bad_ones_get_401(gladly_sandbox: GladlySandbox) -> None:
    with httpx.Client(base_url=gladly_sandbox.url) as client:
        ok = client.get("/api/v1/agents", auth=DEFAULT_CREDENTIALS["warbyparker"])
        assert ok.status_code == 200
        assert len(ok.json()) == 40
        for auth in (("api@warbyparker.example", "wrong"), ("api@condenast.example", "wbp-sandbox-token")):
            refused = client.get("/api/v1/agents", auth=auth)
            assert refused.status_code == 401
            assert refused.json()["errors"][0]["code"] == "invalid"
        anonymous = client.get("/api/v1/agents")
        assert anonymous.status_code == 401 and "ratelimit-limit-second" in anonymous.headers


def test_other_credentials_can_be_configured() -> None:
    with GladlySandbox(credentials={"condenast": ("me@example.com", "s3cret")}) as sandbox:
        assert httpx.get(f"{sandbox.url}/api/v1/inboxes", auth=("me@example.com", "s3cret")).status_code == 200
        default = httpx.get(f"{sandbox.url}/api/v1/inboxes", auth=DEFAULT_CREDENTIALS["condenast"])
        assert default.status_code == 401


def test_lookups_are_json_arrays_of_each_org(gladly_sandbox: GladlySandbox) -> None:
    with httpx.Client(base_url=gladly_sandbox.url, auth=DEFAULT_CREDENTIALS["condenast"]) as client:
        agents = client.get("/api/v1/agents").json()
        inboxes = client.get("/api/v1/inboxes").json()
        teams = client.get("/api/v1/teams").json()
    assert len(agents) == 15 and all(a["emailAddress"].endswith("@condenast.example") for a in agents)
    assert len({a["id"] for a in agents}) == 15 and all(len(a["id"]) == 22 for a in agents)
    assert [i["name"] for i in inboxes] == ["Subscriptions", "Billing", "Editorial"]
    assert sorted(a for t in teams for a in t["agentIds"]) == sorted(a["id"] for a in agents)


def test_contact_timestamps_for_one_day_is_csv_with_the_exact_header_and_the_true_row_count(
    gladly_sandbox: GladlySandbox, gladly_client: httpx.Client
) -> None:
    response = _report(gladly_client, "ContactTimestampsReport", DAY, DAY, "America/New_York")
    assert response.headers["content-type"] == "text/csv"
    assert response.headers["transfer-encoding"] == "chunked"
    disposition = "attachment; filename=ContactTimestampsReport-20250114-20250114.csv"
    assert response.headers["content-disposition"] == disposition
    rows = _rows(response)
    assert tuple(rows[0]) == CONTACT_TIMESTAMPS_COLUMNS
    assert all(len(r) == len(CONTACT_TIMESTAMPS_COLUMNS) for r in rows)
    expected = truth.row_count(
        "condenast", "ContactTimestampsReport", DAY, DAY, "America/New_York", volume_scale=gladly_sandbox.volume_scale
    )
    assert len(rows) - 1 == expected > 100
    assert {r[1] for r in rows[1:]} >= {"CONTACT/STARTED", "CONTACT/OFFERED", "CONTACT/FULFILLED", "CONTACT/ENDED"}


def test_the_same_request_gives_identical_bytes_even_from_another_server(
    gladly_sandbox: GladlySandbox, gladly_client: httpx.Client
) -> None:
    first = _report(gladly_client, "ContactTimestampsReport", DAY, DAY, "Europe/London")
    second = _report(gladly_client, "ContactTimestampsReport", DAY, DAY, "Europe/London")
    with GladlySandbox(volume_scale=gladly_sandbox.volume_scale) as other:
        third = httpx.post(
            f"{other.url}/api/v1/reports",
            auth=DEFAULT_CREDENTIALS["condenast"],
            json={
                "metricSet": "ContactTimestampsReport",
                "startAt": "2025-01-14",
                "endAt": "2025-01-14",
                "timezone": "Europe/London",
            },
        )
    assert first.content == second.content == third.content
    assert len(first.content) > 10_000


def test_window_is_whole_local_days_with_end_inclusive(
    gladly_sandbox: GladlySandbox, gladly_client: httpx.Client
) -> None:
    tz_name = "America/Los_Angeles"
    tz = ZoneInfo(tz_name)
    scale = gladly_sandbox.volume_scale
    # From the generator: the last event before local midnight and the first one at or after it.
    _, midnight = local_day_window(DAY, DAY, tz)
    before = list(contact_events("condenast", midnight - 6 * 3_600 * SECOND, midnight, scale))[-1]
    after = next(contact_events("condenast", midnight, midnight + 6 * 3_600 * SECOND, scale))
    assert datetime.fromtimestamp(before[0].at_ms / SECOND, tz).date() == DAY
    assert datetime.fromtimestamp(after[0].at_ms / SECOND, tz).date() == DAY + timedelta(days=1)

    day = _rows(_report(gladly_client, "ContactTimestampsReport", DAY, DAY, tz_name))[1:]
    next_day = _rows(
        _report(gladly_client, "ContactTimestampsReport", DAY + timedelta(1), DAY + timedelta(1), tz_name)
    )[1:]
    keys = {(r[2], r[1], r[0]) for r in day}
    next_keys = {(r[2], r[1], r[0]) for r in next_day}

    def key(item: tuple) -> tuple[str, str, str]:
        event, contact = item
        stamp = datetime.fromtimestamp(event.at_ms / SECOND, tz).isoformat(timespec="milliseconds")
        return contact.id, event.type, stamp

    assert key(before) in keys and key(before) not in next_keys
    assert key(after) in next_keys and key(after) not in keys
    # Every timestamp is rendered on the requested day with the zone's offset (PST in January).
    assert all(r[0].startswith("2025-01-14T") and r[0].endswith("-08:00") for r in day)
    assert day == sorted(day, key=lambda r: r[0])
    # endAt is inclusive: a two-day report is exactly the two one-day reports.
    both = _rows(_report(gladly_client, "ContactTimestampsReport", DAY, DAY + timedelta(1), tz_name))[1:]
    assert both == day + next_day


def test_conversation_export_has_the_full_header_and_one_row_per_conversation(
    gladly_sandbox: GladlySandbox, gladly_client: httpx.Client
) -> None:
    rows = _rows(_report(gladly_client, "ConversationExportReport", DAY, DAY + timedelta(1), "America/New_York"))
    header, data = rows[0], rows[1:]
    assert tuple(header) == CONVERSATION_EXPORT_COLUMNS and len(header) == 55
    per_day = truth.conversations_per_day(
        "condenast", DAY, DAY + timedelta(1), "America/New_York", volume_scale=gladly_sandbox.volume_scale
    )
    created = Counter(r[header.index("Created At")][:10] for r in data)
    assert created == Counter({d.isoformat(): n for d, n in per_day.items()})
    assert len({r[header.index("Conversation ID")] for r in data}) == len(data)
    hierarchy = [r[header.index("Topics with Hierarchy")] for r in data]
    assert any("\n" in h for h in hierarchy), "multi-topic rows carry newlines inside a quoted cell"
    assert any("," in r[header.index("Topics")] for r in data), "topic names carry commas"


def test_truth_contacts_per_agent_reconciles_with_the_fulfilled_rows_of_a_day(
    gladly_sandbox: GladlySandbox, gladly_client: httpx.Client
) -> None:
    rows = _rows(_report(gladly_client, "ContactTimestampsReport", DAY, DAY, "America/Chicago"))
    header, data = rows[0], rows[1:]
    from_csv = Counter(
        (r[header.index("Assigned Agent ID")], date.fromisoformat(r[0][:10]))
        for r in data
        if r[header.index("Event Type")] == "CONTACT/FULFILLED"
    )
    expected = truth.contacts_per_agent_per_day(
        "condenast", DAY, DAY, "America/Chicago", volume_scale=gladly_sandbox.volume_scale, anchor="fulfilled"
    )
    assert dict(from_csv) == expected and sum(expected.values()) > 50


@pytest.mark.parametrize(
    ("body", "attr", "code"),
    [
        ({}, "metricSet", "blank"),
        (
            {"metricSet": "ContactTimestampsReportV9", "startAt": "2025-01-14", "endAt": "2025-01-14"},
            "metricSet",
            "invalid",
        ),
        (
            {"metricSet": "WorkSessionEventsReportV4", "startAt": "2025-01-14", "endAt": "2025-01-14"},
            "metricSet",
            "invalid",
        ),
        ({"metricSet": "ContactTimestampsReport", "endAt": "2025-01-14"}, "startAt", "blank"),
        (
            {"metricSet": "ContactTimestampsReport", "startAt": "01/14/2025", "endAt": "2025-01-14"},
            "startAt",
            "invalid",
        ),
        (
            {"metricSet": "ContactTimestampsReport", "startAt": "2025-02-30", "endAt": "2025-03-01"},
            "startAt",
            "invalid",
        ),
        ({"metricSet": "ContactTimestampsReport", "startAt": "2025-01-14", "endAt": "2025-01-13"}, "endAt", "invalid"),
        (
            {
                "metricSet": "ContactTimestampsReport",
                "startAt": "2025-01-14",
                "endAt": "2025-01-14",
                "timezone": "EST5",
            },
            "timezone",
            "invalid",
        ),
        (
            {
                "metricSet": "ConversationExportReport",
                "startAt": "2025-01-14",
                "endAt": "2025-01-14",
                "filters": {"inboxes": ["no-such-inbox"]},
            },
            "filters.inboxes",
            "present",
        ),
        (
            {
                "metricSet": "ContactTimestampsReport",
                "startAt": "2025-01-14",
                "endAt": "2025-01-14",
                "filters": {"inboxes": []},
            },
            "filters.inboxes",
            "invalid",
        ),
        (
            {
                "metricSet": "ContactTimestampsReport",
                "startAt": "2025-01-14",
                "endAt": "2025-01-14",
                "filters": {"channel": "pigeon"},
            },
            "filters.channel",
            "invalid",
        ),
    ],
)
def test_bad_report_requests_get_400_with_an_errors_body(
    gladly_client: httpx.Client, body: dict[str, object], attr: str, code: str
) -> None:
    response = gladly_client.post("/api/v1/reports", json=body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == attr
    assert response.json()["errors"][0]["code"] == code


def test_missing_metric_set_is_the_documented_blank_error(gladly_client: httpx.Client) -> None:
    response = gladly_client.post("/api/v1/reports", json={"startAt": "2025-01-14", "endAt": "2025-01-14"})
    assert response.json() == {
        "errors": [{"attr": "metricSet", "code": "blank", "detail": "metricSet must be specified"}]
    }


def test_a_filter_the_metric_set_does_not_take_is_refused_as_gladly_documents(gladly_client: httpx.Client) -> None:
    response = _report(gladly_client, "ContactTimestampsReport", DAY, DAY, "UTC", filters={"channel": "email"})
    assert response.status_code == 400
    detail = "the channel filter cannot be applied to the ContactTimestampsReport metricSet"
    assert response.json() == {"errors": [{"attr": "filters.channel", "code": "invalid", "detail": detail}]}


def test_filters_keep_only_matching_conversations(gladly_client: httpx.Client) -> None:
    billing = next(i["id"] for i in gladly_client.get("/api/v1/inboxes").json() if i["name"] == "Billing")
    every = _rows(_report(gladly_client, "ConversationExportReport", DAY, DAY, "UTC"))
    in_billing = _rows(
        _report(gladly_client, "ConversationExportReport", DAY, DAY, "UTC", filters={"inboxes": [billing]})
    )
    assert 1 < len(in_billing) < len(every)
    assert {r[1] for r in in_billing[1:]} == {"Billing"}  # the "Inboxes Filter" column names it
