"""Google's JSON error shape, shared by the Gmail and Sheets simulators.

As documented at developers.google.com/gmail/api/guides/handle-errors and developers.google.com/sheets/api/limits.
"""

from __future__ import annotations

STATUS_NAMES: dict[int, str] = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


def google_error(code: int, message: str, *, reason: str = "", domain: str = "global") -> dict[str, object]:
    """``{"error": {"code", "message", "errors": [{"message", "domain", "reason"}], "status"}}``."""
    error: dict[str, object] = {"code": code, "message": message, "status": STATUS_NAMES.get(code, "UNKNOWN")}
    if reason:
        error["errors"] = [{"message": message, "domain": domain, "reason": reason}]
    return {"error": error}


def quota_error(reason: str = "rateLimitExceeded", code: int = 429) -> dict[str, object]:
    """A quota refusal, as 429 (or 403) with ``rateLimitExceeded``/``userRateLimitExceeded``."""
    message = (
        "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user' of service 'googleapis.com'."
    )
    domain = "usageLimits" if code == 403 else "global"
    return google_error(code, message, reason=reason, domain=domain)


UNAUTHENTICATED = google_error(
    401,
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other "
    "valid authentication credential.",
    reason="authError",
)
