"""What the Gmail simulator's mailbox truly holds for a window: the report mails and the e-mail counts.

Used by tests to check an extraction without trusting the connector or the HTTP layer.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from xo_sandbox.google.gmail.mailbox import REPORT_COLUMNS, REPORT_SUBJECT, TZ, Mail, mails_between, report_rows


def report_mails(start: datetime, end: datetime) -> list[Mail]:
    """The report mails received in ``[start, end)``, oldest first (a resend included)."""
    first = start.astimezone(TZ).date() - timedelta(days=1)
    last = end.astimezone(TZ).date() + timedelta(days=1)
    lo, hi = start.timestamp() * 1000, end.timestamp() * 1000
    return [
        m
        for m in mails_between(first, last)
        if m.report_day is not None and REPORT_SUBJECT in m.subject and lo <= m.internal_ms < hi
    ]


def forged_mails(start: datetime, end: datetime) -> list[Mail]:
    """The forged report mails received in ``[start, end)``, oldest first: none of them may be taken."""
    first = start.astimezone(TZ).date() - timedelta(days=1)
    last = end.astimezone(TZ).date() + timedelta(days=1)
    lo, hi = start.timestamp() * 1000, end.timestamp() * 1000
    return [m for m in mails_between(first, last) if m.forged and lo <= m.internal_ms < hi]


def picked(start: datetime, end: datetime, pick: str = "latest") -> list[Mail]:
    """The report mails a connector should take: the newest one (``latest``) or every one (``all``)."""
    mails = report_mails(start, end)
    return mails if pick == "all" else mails[-1:]


def rows(start: datetime, end: datetime, pick: str = "latest", *, hourly: bool = False) -> list[list[str]]:
    """The CSV rows (without header) a connector should write for the window."""
    return [row for mail in picked(start, end, pick) for row in report_rows(mail.attachments[0].seed, hourly=hourly)]


def emails_received_by_date(
    start: datetime, end: datetime, pick: str = "latest", *, hourly: bool = False
) -> dict[str, int]:
    """``Emails Received`` summed per report ``Date`` (the day part of it) for the picked reports."""
    position = REPORT_COLUMNS.index("Emails Received")
    totals: dict[str, int] = defaultdict(int)
    for row in rows(start, end, pick, hourly=hourly):
        totals[row[0].split(" ")[0]] += int(row[position])
    return dict(totals)
