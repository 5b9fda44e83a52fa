"""HTTP routes of the Gmail simulator: ``messages.list``, ``messages.get`` and ``messages.attachments.get``."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, parse_qs, unquote

from xo_sandbox.google.base import GoogleHandler
from xo_sandbox.google.errors import google_error
from xo_sandbox.google.gmail.mailbox import MAILBOX, Mail, content
from xo_sandbox.google.gmail.query import QueryInvalid, matches, parse_query

if TYPE_CHECKING:
    from xo_sandbox.google.gmail.server import GmailSandbox

MAX_RESULTS = 500
DEFAULT_RESULTS = 100
_ROUTE = re.compile(r"^/gmail/v1/users/([^/]+)/messages(?:/([^/]+)(?:/attachments/([^/]+))?)?$")
_CHUNK = 48 * 1024  # a multiple of 3: base64 of consecutive chunks concatenates without inner padding


def _b64url(data: bytes) -> str:
    """base64url without padding, as Gmail sends it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def page_token(q: str, offset: int) -> str:
    """An opaque token for the page starting at ``offset`` of the results of ``q``."""
    digest = hashlib.sha256(q.encode()).hexdigest()[:8]
    return _b64url(f"{offset}:{digest}".encode())


def _offset(token: str, q: str) -> int | None:
    try:
        offset, _, digest = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode().partition(":")
        return int(offset) if page_token(q, int(offset)) == token and digest else None
    except (ValueError, UnicodeDecodeError):
        return None


class GmailHandler(GoogleHandler):
    """One connection to the Gmail simulator."""

    # list, get and attachments.get each cost 5 quota units (developers.google.com/gmail/api/reference/quota)
    units_per_request = 5
    sandbox: GmailSandbox

    def api(self, url: SplitResult, body: bytes) -> None:
        route = _ROUTE.match(url.path)
        if self.command != "GET" or route is None:
            self.send_json(404, google_error(404, "Not Found", reason="notFound"))
            return
        user, message_id, attachment_id = (unquote(g) if g else None for g in route.groups())
        if user not in ("me", MAILBOX):
            self.send_json(400, google_error(400, "Precondition check failed.", reason="failedPrecondition"))
            return
        params = {k: v[-1] for k, v in parse_qs(url.query).items()}
        if message_id is None:
            self._list(params)
            return
        mail = self.sandbox.mail(message_id)
        if mail is None:
            self.send_json(404, google_error(404, "Requested entity was not found.", reason="notFound"))
        elif attachment_id is None:
            self.send_json(200, self._message(mail, params.get("format", "full")))
        else:
            self._attachment(mail, attachment_id)

    def _list(self, params: dict[str, str]) -> None:
        q = params.get("q", "")
        try:
            query = parse_query(q)
            size = min(int(params.get("maxResults", DEFAULT_RESULTS)), MAX_RESULTS)
        except (QueryInvalid, ValueError) as exc:
            self.send_json(400, google_error(400, f"Invalid query: {exc}", reason="invalidArgument"))
            return
        offset = 0
        if params.get("pageToken"):
            found = _offset(params["pageToken"], q)
            if found is None:
                self.send_json(400, google_error(400, "Invalid pageToken", reason="invalidArgument"))
                return
            offset = found
        hits = [m for m in self.sandbox.newest_first() if matches(query, m, compared=self.sandbox.search_compares)]
        page = hits[offset : offset + max(1, size)]
        body: dict[str, object] = {"resultSizeEstimate": len(hits)}
        if page:  # Gmail leaves "messages" out when nothing matches [U]
            body["messages"] = [{"id": m.id, "threadId": m.id} for m in page]
        if offset + len(page) < len(hits):
            body["nextPageToken"] = page_token(q, offset + len(page))
        self.send_json(200, body)

    def _message(self, mail: Mail, fmt: str) -> dict[str, object]:
        sent = datetime.fromtimestamp(mail.sent_ms / 1000, UTC)
        body: dict[str, object] = {
            "id": mail.id,
            "threadId": mail.id,
            "labelIds": ["INBOX", "CATEGORY_UPDATES"],
            "snippet": mail.snippet,
            "historyId": str(100000 + mail.internal_ms // 60000 % 900000),
            "internalDate": str(mail.internal_ms),
            "sizeEstimate": 2048 + sum(len(content(a.seed, self.sandbox.hourly)) * 4 // 3 for a in mail.attachments),
        }
        if fmt == "minimal":
            return body
        # In the order of the raw message: what Gmail prepended on receipt first, then the sender's own headers.
        headers = [
            {"name": "Delivered-To", "value": MAILBOX},
            {"name": "Authentication-Results", "value": mail.authentication_results},
            {"name": "From", "value": mail.sender},
            {"name": "To", "value": MAILBOX},
            {"name": "Subject", "value": mail.subject},
            {"name": "Date", "value": format_datetime(sent)},
            *({"name": name, "value": value} for name, value in mail.planted_headers),
            {"name": "Content-Type", "value": 'multipart/mixed; boundary="sandbox"'},
        ]
        text = mail.snippet.encode()
        html = f"<p>{mail.snippet}</p>".encode()
        alternative = {
            "partId": "0",
            "mimeType": "multipart/alternative",
            "filename": "",
            "headers": [{"name": "Content-Type", "value": 'multipart/alternative; boundary="alt"'}],
            "body": {"size": 0},
            "parts": [
                {"partId": "0.0", "mimeType": "text/plain", "filename": "", "headers": [],
                 "body": {"size": len(text), "data": _b64url(text)}},
                {"partId": "0.1", "mimeType": "text/html", "filename": "", "headers": [],
                 "body": {"size": len(html), "data": _b64url(html)}},
            ],
        }  # fmt: skip
        parts: list[dict[str, object]] = [alternative]
        for index, att in enumerate(mail.attachments, start=1):
            parts.append({
                "partId": str(index),
                "mimeType": att.mime_type,
                "filename": att.filename,
                "headers": [
                    {"name": "Content-Type", "value": f'{att.mime_type}; name="{att.filename}"'},
                    {"name": "Content-Disposition", "value": f'attachment; filename="{att.filename}"'},
                ],
                "body": {"attachmentId": att.attachment_id, "size": len(content(att.seed, self.sandbox.hourly))},
            })  # fmt: skip
        body["payload"] = {"partId": "", "mimeType": "multipart/mixed", "filename": "", "headers": headers,
                           "body": {"size": 0}, "parts": parts}  # fmt: skip
        return body

    def _attachment(self, mail: Mail, attachment_id: str) -> None:
        att = next((a for a in mail.attachments if a.attachment_id == attachment_id), None)
        if att is None:
            self.send_json(400, google_error(400, "Invalid attachment token", reason="invalidArgument"))
            return
        data = content(att.seed, self.sandbox.hourly)
        head = f'{{"size": {len(data)}, "data": "'.encode()

        def chunks() -> Iterator[bytes]:
            yield head
            for start in range(0, len(data), _CHUNK):
                yield _b64url(data[start : start + _CHUNK]).encode("ascii")
            yield f'", "attachmentId": "{att.attachment_id}"}}'.encode()

        self.stream_chunked(200, "application/json; charset=UTF-8", chunks())
