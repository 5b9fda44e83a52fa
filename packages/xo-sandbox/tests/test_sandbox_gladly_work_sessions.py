"""work-session-events over real HTTP: the documented columns, the window, and agreement with contacts."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, datetime, timedelta

import httpx

from xo_sandbox.gladly import GladlySandbox, truth
from xo_sandbox.gladly.reports import WORK_SESSION_EVENTS_COLUMNS

DAY = date(2025, 1, 14)
# Gladly's Reports API (developer.gladly.com/rest/#tag/Reports, work-session report), in the documented order.
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


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _anchor(row: dict[str, str]) -> str:
    return row["contact_session_ended_at"] or row["contact_session_created_at"]


def test_end_time_includes_the_minute_after_it_and_offsets_are_honoured(gladly_client: httpx.Client) -> None:
    rows = _csv(_work_sessions(gladly_client, "2025-01-14T09:00-05:00", "2025-01-14T11:00-05:00"))
    anchors = sorted(_anchor(r) for r in rows)
    assert anchors and anchors[0] >= "2025-01-14T14:00:00.000Z" and anchors[-1] < "2025-01-14T16:01:00.000Z"
    assert _work_sessions(gladly_client, "2025-01-14T10:00Z", "2025-01-14T10:00Z").status_code == 400


def test_an_ended_contact_is_placed_by_its_end_as_in_gladlys_worked_example(gladly_client: httpx.Client) -> None:
    # developer.gladly.com, "Generate a Work Session Report": a contact created on 03-21 and ended on 03-22 is
    # not in the 03-21 -> 03-22 window; it is in the window that holds its end.
    day = _csv(_work_sessions(gladly_client, "2025-01-14T00:00Z", "2025-01-14T23:59Z"))
    next_day = _csv(_work_sessions(gladly_client, "2025-01-15T00:00Z", "2025-01-15T23:59Z"))
    assert all(r["contact_session_ended_at"] for r in day + next_day)  # long ago: every contact has ended
    assert all("2025-01-14" <= r["contact_session_ended_at"] < "2025-01-15" for r in day)
    crossing = [r for r in next_day if r["contact_session_created_at"] < "2025-01-15"]
    assert crossing, "no contact created on the 14th ended on the 15th"
    assert not {r["contact_session_id"] for r in crossing} & {r["contact_session_id"] for r in day}


def test_contacts_no_agent_handled_have_a_row_with_an_empty_agent(gladly_client: httpx.Client) -> None:
    rows = _csv(_work_sessions(gladly_client, "2025-01-14T00:00Z", "2025-01-14T23:59Z"))
    unhandled = [r for r in rows if not r["agent_id"]]
    assert unhandled and all(r["id"] and r["agent_accepted_at"] == "" for r in unhandled)
    assert len({(r["contact_session_id"], r["agent_id"]) for r in rows}) == len(rows)  # the documented key


def test_open_contacts_and_growing_after_contact_time_at_the_moment_of_the_pull(
    gladly_sandbox: GladlySandbox, gladly_client: httpx.Client
) -> None:
    window = ("2025-01-14T00:00Z", "2025-01-14T23:59Z")
    pulled_at = _at("2025-01-15T00:20Z")  # 20 minutes after the window: the report shows 23:20 (an hour late)
    gladly_sandbox.clock = pulled_at.timestamp
    early = _csv(_work_sessions(gladly_client, *window))
    gladly_sandbox.clock = _at("2025-01-16T12:00Z").timestamp
    settled = _csv(_work_sessions(gladly_client, *window))

    shown_until = (pulled_at - timedelta(hours=1)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    assert all(_anchor(r) <= shown_until for r in early)  # an hour of report latency
    open_rows = [r for r in early if not r["contact_session_ended_at"]]
    assert open_rows and all(r["id"] == "" and r["work_session_handle_time_sec"] == "" for r in open_rows)
    # The contacts still open then are placed by their end now, some on the next day (in neither pull here).
    settled_ids = {r["contact_session_id"] for r in settled}
    assert {r["contact_session_id"] for r in open_rows} - settled_ids

    def after_contact(rows: list[dict[str, str]]) -> dict[tuple[str, str], int]:
        return {
            (r["contact_session_id"], r["agent_id"]): int(r["work_session_after_contact_time_sec"])
            for r in rows
            if r["contact_session_ended_at"]
        }

    before, after = after_contact(early), after_contact(settled)
    grew = [key for key, seconds in before.items() if after[key] > seconds]
    assert grew and all(after[key] >= seconds for key, seconds in before.items())


def test_sessions_are_the_accepted_offers_of_the_same_contacts_and_agents(
    gladly_sandbox: GladlySandbox, gladly_client: httpx.Client
) -> None:
    sessions = _csv(_work_sessions(gladly_client, "2025-01-14T00:00Z", "2025-01-14T23:59Z"))
    # Contacts that ended on 2025-01-14 UTC may have started the day before: read both days of events.
    body = {"metricSet": "ContactTimestampsReport", "startAt": "2025-01-13", "endAt": "2025-01-14", "timezone": "UTC"}
    events = _csv(gladly_client.post("/api/v1/reports", json=body))
    ended = {e["Contact ID"] for e in events if e["Event Type"] == "CONTACT/ENDED" and e["Timestamp"] >= "2025-01-14"}
    accepted = {
        (e["Contact ID"], e["Initiator ID"])
        for e in events
        if e["Event Type"] == "CONTACT/OFFER_ACCEPTED" and e["Contact ID"] in ended
    }
    handled = [s for s in sessions if s["agent_id"]]
    assert {(s["contact_session_id"], s["agent_id"]) for s in handled} == accepted
    assert len(handled) > 50
    agents = {a["id"] for a in gladly_client.get("/api/v1/agents").json()}
    assert {s["agent_id"] for s in handled} <= agents
    by_contact = {e["Contact ID"]: e for e in events}
    assert all(by_contact[s["contact_session_id"]]["Customer ID"] == s["customer_id"] for s in sessions)
    work = Counter[tuple[str, date]]()
    after = Counter[tuple[str, date]]()
    for s in handled:
        work[(s["agent_id"], DAY)] += int(s["work_session_handle_time_sec"])
        after[(s["agent_id"], DAY)] += int(s["work_session_after_contact_time_sec"])
    expected = truth.work_time_per_agent_per_day("condenast", DAY, DAY, "UTC", volume_scale=gladly_sandbox.volume_scale)
    assert dict(work) == {k: h for k, (h, _) in expected.items()}
    assert dict(after) == {k: a for k, (_, a) in expected.items()}
    assert truth.row_count(
        "condenast", "WorkSessionEventsReport", DAY, DAY, "UTC", volume_scale=gladly_sandbox.volume_scale
    ) == len(sessions)
