"""work-session-events over real HTTP: the documented columns, the window, and agreement with contacts."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date

import httpx

from xo_sandbox.gladly import GladlySandbox, truth
from xo_sandbox.gladly.reports import WORK_SESSION_EVENTS_COLUMNS

DAY = date(2025, 1, 14)
# Copied from source-apis.md §1.3, in the documented order.
DOCUMENTED = [
    *("id", "contact_session_id", "contact_session_created_at", "customer_id", "conversation_id", "inbox_id"),
    *("channel", "direction", "agent_accepted_at", "contact_session_routed_at", "agent_id", "sla_fulfilled_at"),
    *("contact_session_ended_at", "status", "within_sla", "work_session_handle_time_sec"),
    *("work_session_after_contact_time_sec", "work_session_unknown_time_sec", "accepted_inbox_id"),
]


def _csv(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.text, newline="")))


def _work_sessions(client: httpx.Client, start: str, end: str) -> httpx.Response:
    return client.post("/api/v1/reports/work-session-events", json={"startAtTime": start, "endAtTime": end})


def test_header_is_the_19_documented_columns(gladly_client: httpx.Client) -> None:
    response = _work_sessions(gladly_client, "2025-01-14T10:00Z", "2025-01-14T20:00Z")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv"
    disposition = "attachment; filename=WorkSessionEventsReport-20250114T1000Z-20250114T2000Z.csv"
    assert response.headers["content-disposition"] == disposition
    header = response.text.split("\r\n", 1)[0].split(",")
    assert header == DOCUMENTED == list(WORK_SESSION_EVENTS_COLUMNS)


def test_end_time_includes_the_minute_after_it_and_offsets_are_honoured(gladly_client: httpx.Client) -> None:
    rows = _csv(_work_sessions(gladly_client, "2025-01-14T09:00-05:00", "2025-01-14T11:00-05:00"))
    created = sorted(r["contact_session_created_at"] for r in rows)
    assert created and created[0] >= "2025-01-14T14:00:00.000Z" and created[-1] < "2025-01-14T16:01:00.000Z"
    assert _work_sessions(gladly_client, "2025-01-14T10:00Z", "2025-01-14T10:00Z").status_code == 400


def test_sessions_are_the_accepted_offers_of_the_same_contacts_and_agents(
    gladly_sandbox: GladlySandbox, gladly_client: httpx.Client
) -> None:
    sessions = _csv(_work_sessions(gladly_client, "2025-01-14T00:00Z", "2025-01-14T23:59Z"))
    # Contacts that started on 2025-01-14 UTC may have events until the next day: read both days.
    body = {"metricSet": "ContactTimestampsReport", "startAt": "2025-01-14", "endAt": "2025-01-15", "timezone": "UTC"}
    events = _csv(gladly_client.post("/api/v1/reports", json=body))
    started = {
        e["Contact ID"] for e in events if e["Event Type"] == "CONTACT/STARTED" and e["Timestamp"] < "2025-01-15"
    }
    accepted = {
        (e["Contact ID"], e["Initiator ID"])
        for e in events
        if e["Event Type"] == "CONTACT/OFFER_ACCEPTED" and e["Contact ID"] in started
    }
    assert {(s["contact_session_id"], s["agent_id"]) for s in sessions} == accepted
    assert len(sessions) > 50
    agents = {a["id"] for a in gladly_client.get("/api/v1/agents").json()}
    assert {s["agent_id"] for s in sessions} <= agents
    by_contact = {e["Contact ID"]: e for e in events}
    assert all(by_contact[s["contact_session_id"]]["Customer ID"] == s["customer_id"] for s in sessions)
    handle = Counter[tuple[str, date]]()
    for s in sessions:
        handle[(s["agent_id"], DAY)] += int(s["work_session_handle_time_sec"])
    expected = truth.handle_time_per_agent_per_day(
        "condenast", DAY, DAY, "UTC", volume_scale=gladly_sandbox.volume_scale
    )
    assert dict(handle) == expected
    assert truth.row_count(
        "condenast", "WorkSessionEventsReport", DAY, DAY, "UTC", volume_scale=gladly_sandbox.volume_scale
    ) == len(sessions)
