"""The Gmail API (v1) calls the attachment extractor needs: search, read a message, stream an attachment.

Connection fields (see ``xo_core.extractors.google_auth`` for the token):
- ``host``: API base URL; empty means ``https://gmail.googleapis.com`` (the simulator's URL in tests);
- ``password``: a bearer access token, or a service account JSON key (``extra.service_account_json`` also works);
- ``extra.subject`` (or ``login``): the mailbox user the service account impersonates (domain-wide delegation);
- ``extra.token_uri``: overrides the key's token endpoint.

Attachments come as JSON ``{"size", "data": "<base64url>"}``; the ``data`` string is decoded as it streams in
(padding optional), so an attachment is never held whole in memory.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from xo_core.errors import SourceDataError
from xo_core.extractors.google_api import GoogleApiClient
from xo_core.extractors.google_auth import GoogleCredentials
from xo_core.extractors.http import RetryPolicy

DEFAULT_BASE_URL = "https://gmail.googleapis.com"
SCOPES = ["https://www.googleapis.com/auth/gmail.readonly"]
MAX_PAGE_SIZE = 500
SEARCH_MARGIN_S = 86_400
"""How far the search reaches past each window edge: a day covers any gap between Date header and internalDate
short of a mail stuck in transit for longer."""
_DATA_KEY = re.compile(rb'"data"\s*:\s*"')
_KEY_SEARCH_BYTES = 1 << 20  # the "data" key sits near the start; give up past 1 MB of anything else


@dataclass(frozen=True)
class AttachmentRef:
    """One attachment part of a message: where to fetch it (or its inline data)."""

    message_id: str
    filename: str
    attachment_id: str
    size: int
    inline_data: str | None = None


@dataclass(frozen=True)
class MessageSummary:
    """What the extractor needs of a message: when it arrived, who sent it, and its attachments."""

    id: str
    internal_date_ms: int
    sender: str
    subject: str
    attachments: tuple[AttachmentRef, ...]
    headers: tuple[tuple[str, str], ...] = ()
    """The top-level headers in message order (``From`` and ``Authentication-Results`` are checked)."""


def search_query(
    *, from_address: str, subject: str | None, filename_hint: str | None, start: datetime, end: datetime
) -> str:
    """Gmail ``q`` for report mails of ``[start, end)``, widened by a day each side (trimmed by the caller).

    Dates as epoch seconds: Gmail reads ``after:2025/01/14`` as midnight Pacific time. Neither whether
    ``after:`` includes its second nor which timestamp it compares (``internalDate`` or the sender's ``Date``
    header, which can be minutes or hours apart) is documented, hence the day of margin and the exact
    ``internalDate`` filter afterwards.
    """
    terms = [f"from:{_quoted(from_address)}"]
    if subject:
        terms.append(f"subject:{_quoted(subject)}")
    terms.append("has:attachment")
    if filename_hint:
        terms.append(f"filename:{_quoted(filename_hint)}")
    after = math.floor(start.timestamp()) - SEARCH_MARGIN_S
    before = math.ceil(end.timestamp()) + SEARCH_MARGIN_S
    terms.extend([f"after:{after}", f"before:{before}"])
    return " ".join(terms)


def _quoted(value: str) -> str:
    return f'"{value}"' if any(ch.isspace() for ch in value) else value


class GmailClient(GoogleApiClient):
    """Calls on one mailbox (``user_id``), retrying transient failures and quota refusals."""

    api_name = "Gmail"
    request_prefix = "gmail"

    def __init__(
        self,
        base_url: str,
        credentials: GoogleCredentials,
        *,
        user_id: str = "me",
        policy: RetryPolicy | None = None,
        timeout: float = 300.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(base_url, credentials, policy=policy, timeout=timeout, sleep=sleep)
        self._prefix = f"/gmail/v1/users/{quote(user_id, safe='@')}"

    def message_ids(self, q: str, *, page_size: int = MAX_PAGE_SIZE) -> Iterator[str]:
        """Ids of the messages matching ``q``, page by page (``nextPageToken``)."""
        token: str | None = None
        while True:
            params = {"q": q, "maxResults": str(min(page_size, MAX_PAGE_SIZE))}
            if token:
                params["pageToken"] = token
            page = self.get_json(f"{self._prefix}/messages?{urlencode(params)}")
            for item in page.get("messages") or []:  # absent when nothing matches
                yield str(item["id"])
            token = page.get("nextPageToken")
            if not token:
                return

    def message(self, message_id: str) -> MessageSummary:
        """``messages.get?format=full``, reduced to date, sender, subject and attachment parts."""
        body = self.get_json(f"{self._prefix}/messages/{quote(message_id, safe='')}?format=full")
        payload = body.get("payload") or {}
        listed = tuple((str(h.get("name", "")), str(h.get("value", ""))) for h in payload.get("headers") or [])
        headers = {name.lower(): value for name, value in listed}
        try:
            internal = int(body["internalDate"])
        except (KeyError, ValueError, TypeError):
            raise SourceDataError(f"Gmail message {message_id} has no readable internalDate") from None
        parts = tuple(_attachments(message_id, payload))
        return MessageSummary(
            message_id, internal, headers.get("from", ""), headers.get("subject", ""), parts, listed
        )  # fmt: skip

    def attachment[T](self, ref: AttachmentRef, consume: Callable[[Iterator[bytes]], T]) -> T:
        """``consume`` the decoded bytes of the attachment (retried whole if the body breaks off)."""
        if ref.inline_data is not None:
            return consume(iter([_b64decode(ref.inline_data)]))
        path = (
            f"{self._prefix}/messages/{quote(ref.message_id, safe='')}/attachments/{quote(ref.attachment_id, safe='')}"
        )
        return self._http.stream("GET", path, lambda response: consume(decoded_data_field(response.iter_bytes())))


def _attachments(message_id: str, part: dict[str, Any]) -> Iterator[AttachmentRef]:
    """Attachment parts (those with a ``filename``), depth first through nested multiparts."""
    filename = str(part.get("filename") or "")
    body = part.get("body") or {}
    if filename:
        data = body.get("data")
        yield AttachmentRef(
            message_id,
            filename,
            str(body.get("attachmentId") or ""),
            int(body.get("size") or 0),
            inline_data=str(data) if data is not None and not body.get("attachmentId") else None,
        )
    for child in part.get("parts") or []:
        yield from _attachments(message_id, child)


def _b64decode(text: str | bytes) -> bytes:
    raw = text.encode("ascii") if isinstance(text, str) else text
    try:
        return base64.urlsafe_b64decode(raw + b"=" * (-len(raw) % 4))
    except (binascii.Error, ValueError) as exc:
        raise SourceDataError(f"attachment data is not base64url: {exc}") from exc


def decoded_data_field(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The decoded bytes of the JSON string ``"data"`` in a streamed MessagePartBody.

    base64url has no character JSON escapes, so the value runs raw up to the next quote: it is decoded in
    4-character groups as it arrives and the last group padded, whether or not Google padded it.
    """
    stream = iter(chunks)
    head = b""
    for chunk in stream:
        head += chunk
        found = _DATA_KEY.search(head)
        if found:
            rest = head[found.end() :]
            break
        if len(head) > _KEY_SEARCH_BYTES:
            break
    else:
        found = None
        rest = b""
    if found is None:
        raise SourceDataError("the attachment answer has no data field")
    pending = b""
    for piece in _until_quote(rest, stream):
        pending += piece
        cut = len(pending) - len(pending) % 4
        if cut:
            yield _b64decode(pending[:cut])
            pending = pending[cut:]
    if pending.rstrip(b"="):
        yield _b64decode(pending)


def _until_quote(first: bytes, stream: Iterator[bytes]) -> Iterator[bytes]:
    chunk = first
    while True:
        end = chunk.find(b'"')
        if end >= 0:
            yield chunk[:end]
            return
        yield chunk
        chunk = next(stream, None)
        if chunk is None:
            raise SourceDataError("the attachment data ends without its closing quote")
