"""Gmail's ``q`` search syntax, the part the simulator understands.

As documented at support.google.com/mail/answer/7190 and developers.google.com/gmail/api/guides/filtering.

``from:``, ``subject:``, ``has:attachment``, ``filename:`` (an extension like ``csv``, or a whole file name),
``after:``/``before:`` (epoch seconds, or a date ``2025/01/14`` meaning midnight Pacific time, as Gmail reads
it), quoted values, and bare words (matched in the subject and snippet). Edges: ``after:N`` keeps messages
strictly after the instant N, ``before:N`` those strictly before it [U: Gmail does not document either edge].

Which timestamp ``after:``/``before:`` compare is not documented either
(https://developers.google.com/gmail/api/guides/filtering describes the dates and epoch seconds, not whether
they meet ``internalDate`` or the ``Date`` header). ``Compared`` picks one; the simulator's default is the
``Date`` header, the reading that catches a client which searches the exact window and trims on
``internalDate``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Literal
from zoneinfo import ZoneInfo

from xo_sandbox.google.gmail.mailbox import Mail

PACIFIC = ZoneInfo("America/Los_Angeles")
type Compared = Literal["date_header", "internal_date"]
"""What ``after:``/``before:`` are compared with: the sender's ``Date`` header, or Gmail's ``internalDate``."""
_TOKEN = re.compile(r'(?:(\w+):)?(?:"([^"]*)"|(\S+))')


class QueryInvalid(ValueError):
    """A ``q`` the simulator cannot read (Gmail answers 400 invalidArgument)."""


@dataclass
class Query:
    senders: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    filenames: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    has_attachment: bool = False
    after_ms: int | None = None
    before_ms: int | None = None


def _instant_ms(value: str) -> int:
    if value.isdigit():
        return int(value) * 1000
    try:
        day = date.fromisoformat(value.replace("/", "-"))
    except ValueError:
        raise QueryInvalid(f"unreadable date {value!r} (use YYYY/MM/DD or epoch seconds)") from None
    return int(datetime.combine(day, time(), PACIFIC).timestamp() * 1000)


def parse_query(q: str) -> Query:
    """Parse ``q``; QueryInvalid on a date it cannot read or an unknown ``has:``."""
    query = Query()
    for match in _TOKEN.finditer(q):
        operator, quoted, plain = match.group(1), match.group(2), match.group(3)
        value = (quoted if quoted is not None else plain or "").strip()
        op = (operator or "").lower()
        if op == "from":
            query.senders.append(value.lower())
        elif op == "subject":
            query.subjects.append(value.lower())
        elif op == "filename":
            query.filenames.append(value.lower())
        elif op == "has":
            if value.lower() != "attachment":
                raise QueryInvalid(f"has:{value} is not supported by the sandbox")
            query.has_attachment = True
        elif op == "after":
            query.after_ms = _instant_ms(value)
        elif op == "before":
            query.before_ms = _instant_ms(value)
        elif value:
            query.words.append(f"{op}:{value}".lower() if op else value.lower())
    return query


def _filename_matches(wanted: str, name: str) -> bool:
    return name.lower() == wanted if "." in wanted else name.lower().endswith(f".{wanted}")


def matches(query: Query, mail: Mail, *, compared: Compared = "date_header") -> bool:
    """Whether ``mail`` satisfies every term of ``query``, dates compared with ``compared``."""
    moment = mail.sent_ms if compared == "date_header" else mail.internal_ms
    if query.after_ms is not None and moment <= query.after_ms:
        return False
    if query.before_ms is not None and moment >= query.before_ms:
        return False
    if query.has_attachment and not mail.attachments:
        return False
    if not all(s in mail.sender.lower() for s in query.senders):
        return False
    if not all(s in mail.subject.lower() for s in query.subjects):
        return False
    if not all(any(_filename_matches(f, a.filename) for a in mail.attachments) for f in query.filenames):
        return False
    text = f"{mail.subject} {mail.snippet}".lower()
    return all(word in text for word in query.words)
