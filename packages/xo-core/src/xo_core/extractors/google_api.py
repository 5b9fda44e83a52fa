"""What the Gmail and Sheets connectors share: Google's JSON error shape, the retrying HTTP client that reads it,
and the base of their API clients (bearer auth, JSON answers, one connection pool).

Errors come as ``{"error": {"code", "message", "status", "errors": [{"reason", "domain", "message"}]}}``.
403 with ``rateLimitExceeded``/``userRateLimitExceeded`` is a quota refusal, retried like a 429 (in the one
retry loop of ``RetryingHttpClient``); any other 403 or a 401 is a ``CredentialError``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, ClassVar

import httpx

from xo_core.credentials import Connection
from xo_core.errors import SourceDataError
from xo_core.extractors.base import PooledClient
from xo_core.extractors.google_auth import BearerAuth, GoogleCredentials, credentials_from_connection
from xo_core.extractors.http import ERROR_TEXT_CHARS, RetryingHttpClient, RetryPolicy, Verdict

QUOTA_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})


def google_error_text(body: bytes) -> tuple[str, set[str]]:
    """The readable text (``message (reason, ...)``) and the reasons of a Google JSON error body."""
    text = body.decode("utf-8", errors="replace").strip()
    try:
        parsed: Any = json.loads(text)
    except ValueError:
        return text[:ERROR_TEXT_CHARS], set()
    error = parsed.get("error") if isinstance(parsed, dict) else None
    if not isinstance(error, dict):
        return text[:ERROR_TEXT_CHARS], set()
    items = error.get("errors") if isinstance(error.get("errors"), list) else []
    reasons = {str(e["reason"]) for e in items if isinstance(e, dict) and e.get("reason")}
    tags = sorted(reasons) or ([str(error["status"])] if error.get("status") else [])
    message = str(error.get("message") or "")[:ERROR_TEXT_CHARS]
    return (f"{message} ({', '.join(tags)})" if tags else message), reasons


class GoogleHttpClient(RetryingHttpClient):
    """``RetryingHttpClient`` that reads Google's error shape and also retries 403 quota refusals."""

    def classify(self, status: int, body: bytes) -> Verdict:
        """A 403 whose reason is a quota (``rateLimitExceeded``...) is retried; the rest as any API."""
        if status == 403 and google_error_text(body)[1] & QUOTA_REASONS:
            return "retry"
        return super().classify(status, body)

    def error_text(self, body: bytes) -> str:
        """``message (reason, ...)`` of a Google error body."""
        return google_error_text(body)[0]


def google_endpoint(
    conn: Connection, scopes: list[str], default_base_url: str, *, sleep: Callable[[float], None] = time.sleep
) -> tuple[str, GoogleCredentials]:
    """The API base URL (the connection's host, else Google's ``default_base_url``) and the credentials."""
    base_url = conn.base_url() if conn.host else default_base_url
    return base_url, credentials_from_connection(conn, scopes, sleep=sleep)


class GoogleApiClient(PooledClient[GoogleHttpClient]):
    """Base of a Google API client: bearer-authenticated JSON calls, retrying transient failures and quota
    refusals, on one connection pool closed with the client."""

    api_name: ClassVar[str]
    """How messages about an answer name the API (``Gmail``, ``Google Sheets``)."""
    request_prefix: ClassVar[str]
    """How retry and refusal messages name a request (``gmail GET /...``)."""

    def __init__(
        self,
        base_url: str,
        credentials: GoogleCredentials,
        *,
        policy: RetryPolicy | None = None,
        timeout: float = 300.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._http = GoogleHttpClient(
            base_url.rstrip("/"),
            auth=BearerAuth(credentials.tokens),
            headers={"Accept": "application/json"},
            timeout=timeout,
            policy=policy,
            sleep=sleep,
            secrets=credentials.secrets,
            name=self.request_prefix,
        )

    def get_json(self, path: str) -> dict[str, Any]:
        """``GET path`` answered with a JSON object; SourceDataError for anything else."""
        where = path.split("?")[0]

        def read(response: httpx.Response) -> dict[str, Any]:
            try:
                parsed = json.loads(response.read())
            except ValueError:
                raise SourceDataError(f"{self.api_name} answered {where} with something that is not JSON") from None
            if not isinstance(parsed, dict):
                raise SourceDataError(f"{self.api_name} answered {where} with JSON that is not an object")
            return parsed

        return self._http.stream("GET", path, read)
