"""The Gmail simulator: one mailbox (``cx-data@xodata.example``, also ``me``) of deterministic report mails.

    with GmailSandbox() as gmail:
        headers = {"Authorization": "Bearer gmail-sandbox-token"}
        q = "from:reports@cx-partner.example has:attachment after:1736830800 before:1736917200"
        httpx.get(f"{gmail.url}/gmail/v1/users/me/messages", params={"q": q}, headers=headers)

Routes (auth: ``Authorization: Bearer <token>``, a static token or one from ``POST /token``):
``GET /gmail/v1/users/{userId}/messages``, ``.../messages/{id}``, ``.../messages/{id}/attachments/{id}``.
Control (no auth): ``GET|POST|DELETE /_sandbox/faults``, ``GET|DELETE /_sandbox/requests``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from datetime import date

from xo_sandbox.google.base import GoogleSandbox
from xo_sandbox.google.faults import GoogleFault
from xo_sandbox.google.gmail.handler import GmailHandler
from xo_sandbox.google.gmail.mailbox import Mail, mails_between
from xo_sandbox.google.gmail.query import Compared

DEFAULT_TOKENS: tuple[str, ...] = ("gmail-sandbox-token",)
"""Sandbox-only bearer tokens, safe to print."""
FIRST_DAY = date(2024, 12, 1)
LAST_DAY = date(2025, 3, 31)


class GmailSandbox(GoogleSandbox):
    """A Gmail API simulator on ``host:port`` (port 0 picks a free one); start with ``with`` or ``start()``.

    ``tokens``: accepted static bearer tokens. ``service_accounts``: client e-mail → RSA public key (PEM) of
    service accounts allowed to use ``POST /token``. The mailbox holds the mails received from ``first_day``
    to ``last_day`` (New York days). ``hourly`` makes each report one row per agent and hour (24x the rows).
    ``units_per_minute``: per-user quota (each call costs 5 units; Gmail's real one is 15,000), None = off.
    ``search_compares``: what ``after:``/``before:`` meet, the ``Date`` header (default) or ``internalDate``;
    Gmail does not document it (see ``xo_sandbox.google.gmail.query``).
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        tokens: Iterable[str] = DEFAULT_TOKENS,
        service_accounts: Mapping[str, str] | None = None,
        faults: Iterable[GoogleFault] = (),
        first_day: date = FIRST_DAY,
        last_day: date = LAST_DAY,
        hourly: bool = False,
        units_per_minute: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        search_compares: Compared = "date_header",
    ) -> None:
        if last_day < first_day:
            raise ValueError("last_day is before first_day")
        self.hourly = hourly
        self.search_compares: Compared = search_compares
        mails = mails_between(first_day, last_day)
        self._newest_first = sorted(mails, key=lambda m: m.internal_ms, reverse=True)
        self._by_id = {m.id: m for m in mails}
        super().__init__(
            GmailHandler,
            host=host,
            port=port,
            tokens=tokens,
            service_accounts=dict(service_accounts or {}),
            faults=faults,
            quota_per_minute=units_per_minute,
            clock=clock,
        )

    def mail(self, message_id: str) -> Mail | None:
        """The mail with this id, if the mailbox holds it."""
        return self._by_id.get(message_id)

    def newest_first(self) -> list[Mail]:
        """Every mail, newest first (the order ``messages.list`` answers in)."""
        return self._newest_first
