"""The Gmail simulator alone: search syntax, paging, nested parts, unpadded base64url, errors, quota."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from xo_sandbox.google.gmail import DEFAULT_TOKENS, PARTNER, REPORT_SUBJECT, GmailSandbox
from xo_sandbox.google.gmail.forgeries import KINDS, forgery_of_day
from xo_sandbox.google.gmail.mailbox import content, delivered_overnight, mails_between, mails_of_day
from xo_sandbox.google.gmail.query import Compared

AUTH = {"Authorization": f"Bearer {DEFAULT_TOKENS[0]}"}
DAY = date(2025, 1, 14)


@pytest.fixture
def gmail_client() -> Iterator[httpx.Client]:
    """A client of a fresh simulator, authenticated with the sandbox token."""
    sandbox = GmailSandbox(units_per_minute=50, clock=lambda: 0.0)
    with sandbox, httpx.Client(base_url=f"{sandbox.url}/gmail/v1/users/me", headers=AUTH, timeout=10) as client:
        yield client


def test_dates_mean_pacific_midnight_and_epoch_edges_are_exclusive(gmail_client: httpx.Client) -> None:
    mails = mails_of_day(DAY)
    first = mails[0]
    seconds = first.sent_ms // 1000  # the default: after:/before: meet the Date header
    ids = lambda q: [m["id"] for m in gmail_client.get("/messages", params={"q": q}).json().get("messages", [])]  # noqa: E731
    assert first.id in ids(f"after:{seconds - 1} before:{seconds + 1}")
    assert first.id not in ids(f"after:{seconds + 1}")
    pacific = int(datetime.combine(DAY, time(), ZoneInfo("America/Los_Angeles")).timestamp())
    assert ids("after:2025/01/14 before:2025/01/15") == ids(f"after:{pacific - 1} before:{pacific + 86400}")


@pytest.mark.parametrize("compared", ["date_header", "internal_date"])
def test_after_and_before_meet_the_date_header_or_internal_date(compared: Compared) -> None:
    day = next(d for d in (DAY + timedelta(days=i) for i in range(60)) if delivered_overnight(d))
    report = next(m for m in mails_of_day(day) if m.report_day is not None)
    midnight = int(datetime.combine(day, time(), ZoneInfo("America/New_York")).timestamp())
    assert report.sent_ms < midnight * 1000 < report.internal_ms  # dated before midnight, received after it
    q = f"from:reports@cx-partner.example after:{midnight - 1} before:{midnight + 86_400}"
    with GmailSandbox(search_compares=compared) as sandbox, httpx.Client(headers=AUTH) as client:
        listed = client.get(f"{sandbox.url}/gmail/v1/users/me/messages", params={"q": q}).json()
        full = client.get(f"{sandbox.url}/gmail/v1/users/me/messages/{report.id}").json()
    found = report.id in [m["id"] for m in listed.get("messages", [])]
    assert found == (compared == "internal_date")
    headers = {h["name"]: h["value"] for h in full["payload"]["headers"]}
    assert parsedate_to_datetime(headers["Date"]).timestamp() == report.sent_ms // 1000
    assert full["internalDate"] == str(report.internal_ms)


def test_search_pages_and_report_parts_decode(gmail_client: httpx.Client) -> None:
    q = (
        'from:reports@cx-partner.example subject:"Daily Email Report" has:attachment filename:csv '
        "after:1735707600 before:1736312400"
    )
    first = gmail_client.get("/messages", params={"q": q, "maxResults": 2}).json()
    assert len(first["messages"]) == 2 and "nextPageToken" in first
    second = gmail_client.get("/messages", params={"q": q, "maxResults": 2, "pageToken": first["nextPageToken"]})
    assert second.status_code == 200
    assert gmail_client.get("/messages", params={"q": q, "pageToken": "bogus"}).status_code == 400
    message = gmail_client.get(f"/messages/{first['messages'][0]['id']}", params={"format": "full"}).json()
    attachment_part = message["payload"]["parts"][1]
    assert message["payload"]["parts"][0]["mimeType"] == "multipart/alternative"
    assert attachment_part["filename"].startswith("email_report_")
    att_id = attachment_part["body"]["attachmentId"]
    data = gmail_client.get(f"/messages/{message['id']}/attachments/{att_id}").json()["data"]
    assert "=" not in data
    decoded = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    assert decoded.startswith(b"\xef\xbb\xbfDate,Queue,") and len(decoded) == attachment_part["body"]["size"]
    mail = next(m for m in mails_between(date(2025, 1, 1), date(2025, 1, 8)) if m.id == message["id"])
    assert decoded == content(mail.attachments[0].seed)


def test_nothing_matching_leaves_messages_out(gmail_client: httpx.Client) -> None:
    body = gmail_client.get("/messages", params={"q": "from:nobody@example.com"}).json()
    assert body == {"resultSizeEstimate": 0}


def test_errors_use_google_shape(gmail_client: httpx.Client) -> None:
    bad = gmail_client.get("/messages", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.json()["error"]["errors"][0]["reason"] == "authError"
    missing = gmail_client.get("/messages/ffffffffffffffff")
    assert missing.status_code == 404 and missing.json()["error"]["status"] == "NOT_FOUND"


def test_quota_of_units_per_minute_answers_429(gmail_client: httpx.Client) -> None:
    statuses = [gmail_client.get("/messages", params={"q": "x"}).status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429  # 5 units each, 50 a minute


def test_injected_403_rate_limit_fault(gmail_client: httpx.Client) -> None:
    base = str(gmail_client.base_url).split("/gmail/")[0]
    httpx.post(f"{base}/_sandbox/faults", json={"kind": "403"}).raise_for_status()
    refused = gmail_client.get("/messages")
    assert refused.status_code == 403
    assert refused.json()["error"]["errors"][0] == {
        "message": refused.json()["error"]["message"], "domain": "usageLimits", "reason": "rateLimitExceeded"
    }  # fmt: skip
    assert gmail_client.get("/messages").status_code == 200


@pytest.mark.parametrize("kind", KINDS)
def test_a_forged_report_arrives_after_the_real_one_and_the_from_search_finds_it(kind: str) -> None:
    day = next(d for d in (DAY + timedelta(days=i) for i in range(90)) if forgery_of_day(d) == kind)
    mails = mails_of_day(day)
    forged = next(m for m in mails if m.forged)
    assert forged.forged == kind and forged.subject == REPORT_SUBJECT
    assert forged.attachments[0].filename.startswith("email_report_")
    assert all(m.internal_ms < forged.internal_ms for m in mails if m.report_day is not None)
    assert content(forged.attachments[0].seed) != content(f"report|{day - timedelta(days=1)}|0")
    q = f'from:reports@cx-partner.example subject:"{REPORT_SUBJECT}" has:attachment filename:csv'
    with GmailSandbox(first_day=day, last_day=day) as sandbox, httpx.Client(headers=AUTH) as client:
        listed = client.get(f"{sandbox.url}/gmail/v1/users/me/messages", params={"q": q}).json()
        full = client.get(f"{sandbox.url}/gmail/v1/users/me/messages/{forged.id}").json()
    assert listed["messages"][0]["id"] == forged.id  # newest first: the forgery is what "latest" would take
    headers = [(h["name"], h["value"]) for h in full["payload"]["headers"]]
    results = [value for name, value in headers if name == "Authentication-Results"]
    assert results[0].startswith("mx.google.com; ")  # Gmail's own header comes first
    if kind == "dmarc_fail":
        assert dict(headers)["From"] == PARTNER and "dmarc=fail" in results[0] and "dmarc=pass" in results[1]
    else:
        assert dict(headers)["From"] != PARTNER and "reports@cx-partner.example" in dict(headers)["From"]


def test_genuine_mails_carry_a_passing_authentication_results() -> None:
    report = next(m for m in mails_of_day(DAY) if m.report_day is not None)
    assert report.authentication_results == (
        "mx.google.com; dkim=pass header.i=@cx-partner.example header.s=s1 header.b=Zm9yZ2Vk; "
        "spf=pass (google.com: domain of reports@cx-partner.example designates 203.0.113.25 as permitted sender) "
        "smtp.mailfrom=reports@cx-partner.example; dmarc=pass (p=REJECT sp=REJECT dis=NONE) "
        "header.from=cx-partner.example"
    )
