"""The deterministic mailbox of the Gmail simulator: Conde Nast's partner's daily e-mail report, and noise.

Each morning (06:00-07:59 New York time) ``reports@cx-partner.example`` sends "Daily Email Report" with
``email_report_YYYYMMDD.csv`` attached, covering the previous day: one row per Conde Nast agent of the Gladly
simulator (same names and e-mails), or one per agent and hour with ``hourly=True``. The file starts with a
UTF-8 BOM and has CRLF line ends (an Excel export). About one day in twenty has no report; about one in
twenty also has a corrected resend two to three hours later (different numbers; the latest one is right).
Noise: the same partner's "Daily Chat Report" (``chat_report_*.csv``), a vendor invoice CSV, a newsletter PDF.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from xo_sandbox.gladly.orgs import get_org, stable_seed

TZ = ZoneInfo("America/New_York")
PARTNER = "CX Partner Reporting <reports@cx-partner.example>"
MAILBOX = "cx-data@xodata.example"
REPORT_SUBJECT = "Daily Email Report"
REPORT_COLUMNS = ("Date", "Queue", "Agent Name", "Agent Email", "Emails Received", "Emails Handled",
                  "Avg First Response (min)")  # fmt: skip
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    mime_type: str
    attachment_id: str
    seed: str
    """What generates the content (see ``content``)."""


@dataclass(frozen=True, slots=True)
class Mail:
    id: str
    internal_ms: int
    sender: str
    subject: str
    snippet: str
    attachments: tuple[Attachment, ...]
    report_day: date | None = None
    """The day the report covers (report mails only)."""


def _hex_id(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:16]


def _attachment_id(*parts: object) -> str:
    return "ANGjdJ" + hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:58]


def _at(day: date, rng: random.Random, hour_lo: int, hour_hi: int) -> int:
    moment = datetime.combine(day, time(rng.randrange(hour_lo, hour_hi), rng.randrange(60), rng.randrange(60)), TZ)
    return int(moment.timestamp() * 1000) + rng.randrange(1000)


def day_kind(day: date) -> str:
    """``none`` (no report that morning), ``resend`` (a corrected second one) or ``normal``."""
    roll = stable_seed("gmail", "kind", day) % 20
    return "none" if roll == 0 else "resend" if roll == 1 else "normal"


def _mail(tag: str, day: date, when: int, sender: str, subject: str, snippet: str, file: tuple[str, str, str]) -> Mail:
    """One mail with one attachment ``(filename, mime type, content seed)``."""
    mid = _hex_id(tag, day)
    filename, mime, seed = file
    return Mail(mid, when, sender, subject, snippet, (Attachment(filename, mime, _attachment_id(mid, filename), seed),))


def mails_of_day(day: date) -> list[Mail]:
    """Every mail received on ``day`` (New York), oldest first."""
    rng = random.Random(stable_seed("gmail", "day", day))
    covered = day - timedelta(days=1)
    kind = day_kind(day)
    mails: list[Mail] = []
    if kind != "none":
        sent = _at(day, rng, 6, 8)
        versions = [(sent, REPORT_SUBJECT)]
        if kind == "resend":
            versions.append((sent + rng.randrange(7200, 10800) * 1000, f"{REPORT_SUBJECT} (corrected)"))
        for version, (when, subject) in enumerate(versions):
            file = (f"email_report_{covered:%Y%m%d}.csv", "text/csv", f"report|{covered}|{version}")
            snippet = f"Please find attached the email report for {covered:%m/%d/%Y}."
            mail = _mail(f"report{version}", day, when, PARTNER, subject, snippet, file)
            mails.append(Mail(mail.id, when, PARTNER, subject, snippet, mail.attachments, covered))
    chat = (f"chat_report_{covered:%Y%m%d}.csv", "text/csv", f"chat|{covered}")
    mails.append(_mail("chat", day, _at(day, rng, 6, 8), PARTNER, "Daily Chat Report", "Chat report attached.", chat))
    if day.day == 1:
        invoice = (f"invoice_{day:%Y%m}.csv", "text/csv", "invoice")
        billing = "Billing <billing@vendor.example>"
        mails.append(_mail("invoice", day, _at(day, rng, 9, 17), billing, "Your invoice", "Invoice attached.", invoice))
    if day.weekday() == 4:
        digest = (f"digest_{day:%Y%m%d}.pdf", "application/pdf", "pdf")
        news = "Conde Nast News <news@condenast.example>"
        mails.append(_mail("digest", day, _at(day, rng, 12, 14), news, "Weekly digest", "This week.", digest))
    return sorted(mails, key=lambda m: m.internal_ms)


def report_rows(seed: str, *, hourly: bool = False) -> list[list[str]]:
    """The rows of an ``email_report`` attachment (``report|<covered day>|<version>``)."""
    _, day_text, version = seed.split("|")
    covered = date.fromisoformat(day_text)
    org = get_org("condenast")
    inbox_of_team = {i.team_id: i.name for i in org.inboxes}
    rng = random.Random(stable_seed("gmail", "report", covered, version))
    rows: list[list[str]] = []
    for agent in org.agents:
        for hour in range(24) if hourly else [None]:
            received = rng.randrange(2, 8) if hourly else rng.randrange(15, 70)
            handled = max(0, received - rng.randrange(0, 4))
            date_text = f"{covered.month}/{covered.day}/{covered.year}" + (
                f" {hour:02d}:00" if hour is not None else ""
            )
            rows.append([date_text, inbox_of_team[agent.team_id], agent.name, agent.email, str(received), str(handled),
                         f"{rng.uniform(3, 45):.1f}"])  # fmt: skip
    return rows


@cache
def content(seed: str, hourly: bool = False) -> bytes:
    """The bytes of an attachment."""
    kind = seed.split("|")[0]
    if kind == "report":
        lines = [",".join(REPORT_COLUMNS)] + [
            ",".join(_csv_cell(c) for c in row) for row in report_rows(seed, hourly=hourly)
        ]
        return BOM + ("\r\n".join(lines) + "\r\n").encode("utf-8")
    if kind == "chat":
        return b"Date,Queue,Chats Received,Chats Handled\r\n1/1/2025,Subscriptions,120,118\r\n"
    if kind == "invoice":
        return b"Invoice,Amount\r\nINV-1,1200.00\r\n"
    return b"%PDF-1.4\n% sandbox digest\n"


def _csv_cell(value: str) -> str:
    return f'"{value}"' if any(ch in value for ch in ',"\r\n') else value


def mails_between(first_day: date, last_day: date) -> list[Mail]:
    """Every mail received from ``first_day`` to ``last_day`` (inclusive), oldest first."""
    mails: list[Mail] = []
    day = first_day
    while day <= last_day:
        mails.extend(mails_of_day(day))
        day += timedelta(days=1)
    return mails
