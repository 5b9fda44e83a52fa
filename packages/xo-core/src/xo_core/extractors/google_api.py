"""Google's JSON error shape and the retrying HTTP client that reads it (Gmail and Sheets connectors).

Errors come as ``{"error": {"code", "message", "status", "errors": [{"reason", "domain", "message"}]}}``.
403 with ``rateLimitExceeded``/``userRateLimitExceeded`` is a quota refusal, retried like a 429 (in the one
retry loop of ``RetryingHttpClient``); any other 403 or a 401 is a ``CredentialError``.
"""

from __future__ import annotations

import json
from typing import Any

from xo_core.extractors.http import ERROR_TEXT_CHARS, RetryingHttpClient, Verdict

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
