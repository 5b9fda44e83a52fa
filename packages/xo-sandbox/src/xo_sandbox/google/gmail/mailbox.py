"""The deterministic mailbox of the Gmail simulator: Conde Nast's partner's daily e-mail report, and noise.

Each morning (06:00-07:59 New York time) ``reports@cx-partner.example`` sends "Daily Email Report" with
``email_report_YYYYMMDD.csv`` attached, covering the previous day: one row per Conde Nast agent of the Gladly
simulator (same names and e-mails), or one per agent and hour with ``hourly=True``. The file starts with a
UTF-8 BOM and has CRLF line ends (an Excel export). About one day in twenty has no report; about one in
twenty also has a corrected resend two to three hours later (different numbers; the latest one is right).
Noise: the same partner's "Daily Chat Report" (``chat_report_*.csv``), a vendor invoice CSV, a newsletter PDF.
About one day in four a forged "Daily Email Report" arrives late in the morning, after the real one (see
``xo_sandbox.google.gmail.forgeries``); Gmail's ``from:`` search finds it too.

Two timestamps per mail: ``internal_ms`` (Gmail's ``internalDate``, when Gmail received it) and ``sent_ms`` (the
sender's ``Date`` header), a second to three minutes earlier. About one report day in ten the first report is
sent just before midnight and delivered just after it (``delivered_overnight``): its ``Date`` header lies on
the covered day, its ``internalDate`` on the next one, so a search comparing the one and a trim on the other
disagree about which day it belongs to.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from xo_sandbox.gladly.orgs import get_org, stable_seed
from xo_sandbox.google.gmail.forgeries import authentic_results, forgery, forgery_of_day

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
    """Gmail's ``internalDate``: when Gmail received the mail (epoch ms)."""
    sent_ms: int
    """The sender's ``Date`` header (epoch ms)."""
    sender: str
    subject: str
    snippet: str
    attachments: tuple[Attachment, ...]
    report_day: date | None = None
    """The day the report covers (the partner's real report mails only)."""
    authentication_results: str = ""
    """The ``Authentication-Results`` header Gmail added on receipt."""
    planted_headers: tuple[tuple[str, str], ...] = ()
    """Further headers the sender wrote into the mail (a forger's fake ``Authentication-Results``)."""
    forged: str = ""
    """The kind of forgery (``forgeries.KINDS``), empty for a genuine mail."""


def _hex_id(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:16]


def _attachment_id(*parts: object) -> str:
    return "ANGjdJ" + hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:58]


def _at(day: date, rng: random.Random, hour_lo: int, hour_hi: int) -> int:
    moment = datetime.combine(day, time(rng.randrange(hour_lo, hour_hi), rng.randrange(60), rng.randrange(60)), TZ)
    return int(moment.timestamp() * 1000) + rng.randrange(1000)


def delivered_overnight(day: date) -> bool:
    """Whether the first report received on ``day`` was sent before midnight and delivered after it."""
    return day_kind(day) != "none" and stable_seed("gmail", "overnight", day) % 10 == 0


def _transit_ms(mail_id: str) -> int:
    """How long before Gmail received a mail its sender dated it (own seed: the day's draws stay as they were)."""
    return random.Random(stable_seed("gmail", "transit", mail_id)).randrange(1000, 180_000)


def day_kind(day: date) -> str:
    """``none`` (no report that morning), ``resend`` (a corrected second one) or ``normal``."""
    roll = stable_seed("gmail", "kind", day) % 20
    return "none" if roll == 0 else "resend" if roll == 1 else "normal"


def _mail(
    tag: str,
    day: date,
    when: int,
    sender: str,
    subject: str,
    snippet: str,
    file: tuple[str, str, str],
    *,
    sent: int | None = None,
    report_day: date | None = None,
) -> Mail:
    """One mail received at ``when`` with one attachment ``(filename, mime type, content seed)``."""
    mid = _hex_id(tag, day)
    filename, mime, seed = file
    attachment = Attachment(filename, mime, _attachment_id(mid, filename), seed)
    dated = when - _transit_ms(mid) if sent is None else sent
    return Mail(
        mid, when, dated, sender, subject, snippet, (attachment,), report_day, authentic_results(sender)
    )  # fmt: skip


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
        overnight = _overnight(day) if delivered_overnight(day) else None
        for version, (when, subject) in enumerate(versions):
            file = (f"email_report_{covered:%Y%m%d}.csv", "text/csv", f"report|{covered}|{version}")
            snippet = f"Please find attached the email report for {covered:%m/%d/%Y}."
            received, dated = overnight if overnight and version == 0 else (when, None)
            mail = _mail(
                f"report{version}", day, received, PARTNER, subject, snippet, file, sent=dated, report_day=covered
            )
            mails.append(mail)
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
    forged = _forged(day, covered)
    return sorted(mails + ([forged] if forged else []), key=lambda m: m.internal_ms)


def _forged(day: date, covered: date) -> Mail | None:
    """The day's forged report, received 11:00-13:59 (after the real one and any resend), if the day has one."""
    kind = forgery_of_day(day)
    if kind is None:
        return None
    fake = forgery(kind, PARTNER)
    when = _at(day, random.Random(stable_seed("gmail", "forged-at", day)), 11, 14)
    file = (f"email_report_{covered:%Y%m%d}.csv", "text/csv", f"forged|{covered}|{kind}")
    snippet = f"Please find attached the email report for {covered:%m/%d/%Y}."
    mail = _mail(f"forged-{kind}", day, when, fake.sender, REPORT_SUBJECT, snippet, file)
    return replace(mail, authentication_results=fake.authentication_results, planted_headers=fake.planted, forged=kind)


def _overnight(day: date) -> tuple[int, int]:
    """(received, sent) of a report dated one to ten minutes before ``day``'s midnight, received up to 15 after."""
    rng = random.Random(stable_seed("gmail", "overnight-times", day))
    midnight = int(datetime.combine(day, time(), TZ).timestamp() * 1000)
    return midnight + rng.randrange(30_000, 900_000), midnight - rng.randrange(60_000, 600_000)


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
    if kind in ("report", "forged"):
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
