"""A retrying HTTP client on httpx: exponential backoff with full jitter, ``Retry-After``, streamed bodies.

The caller reads the body inside the retry scope (``consume``), so a body that breaks off part way retries the
whole request, and whatever the caller was writing to is thrown away with the failed attempt.

Retried: 429, 500, 502, 503, 504, timeouts, connection errors and resets, a body cut short. Not retried:
every other 4xx (401/403 → ``CredentialError``, the rest → ``TerminalError``). A vendor whose errors say more
(e.g. Google's 403 quota refusals) overrides ``classify`` and ``error_text``. Messages quote the vendor's
error text with the credentials scrubbed out; the ``Authorization`` header is never logged or quoted.
"""

from __future__ import annotations

import http.client
import json
import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal

import httpx

from xo_core.errors import CredentialError, TerminalError, TransientError

logger = logging.getLogger("xo_core.extractors.http")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
type Verdict = Literal["retry", "credential", "terminal"]
# Errors that say "the network or the server let us down this time": the same request may well succeed.
RETRY_EXCEPTIONS: tuple[type[BaseException], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
    http.client.IncompleteRead,
)
ERROR_TEXT_CHARS = 200
_ERROR_BODY_BYTES = 4096


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait between attempts (delays in seconds)."""

    max_attempts: int = 6
    base_delay: float = 1.0
    max_delay: float = 60.0
    jitter: Literal["full", "equal", "none"] = "full"
    """full: anywhere up to the ceiling; equal: from half the ceiling up (a floor on the total wait); none."""

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """The delay after failed attempt ``attempt`` (1-based): capped exponential, jittered."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        if self.jitter == "full":
            return rng.uniform(0.0, ceiling)
        return rng.uniform(ceiling / 2, ceiling) if self.jitter == "equal" else ceiling

    def least_total_wait(self) -> float:
        """The shortest time all retries can take: how long a limit this policy is sure to outlast."""
        floor = {"full": 0.0, "equal": 0.5, "none": 1.0}[self.jitter]
        return sum(floor * min(self.max_delay, self.base_delay * 2**a) for a in range(self.max_attempts - 1))


class HttpExtractor:
    """What every HTTP connector's extractor holds for its client: retry policy, timeout, sleep between tries."""

    default_timeout: float = 300.0
    """Seconds a request may take, unless the constructor says otherwise."""
    default_policy: RetryPolicy = RetryPolicy()
    """How the connector retries, unless the constructor says otherwise."""

    def __init__(
        self,
        *,
        policy: RetryPolicy | None = None,
        timeout: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy = policy or self.default_policy
        self.timeout = self.default_timeout if timeout is None else timeout
        self._sleep = sleep
        self._clock = clock
        """What ``sleep`` is measured against (seconds), for connectors that pace their requests."""


class RetriesExhausted(TransientError):
    """Every attempt failed transiently; Airflow may retry the task later."""

    def __init__(self, message: str, *, attempts: int, last_status: int | None) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.last_status = last_status


class HttpStatusError(TerminalError):
    """The server refused the request (a 4xx that retrying will not fix)."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


class HttpCredentialError(CredentialError):
    """The server refused the credentials (401) or their permissions (403)."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait per a ``Retry-After`` header (delta-seconds or an HTTP-date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def excerpt(text: object, limit: int = ERROR_TEXT_CHARS) -> str:
    """What a message may quote of a remote answer: printable characters only (newlines, tabs and terminal
    escapes become spaces, so an answer cannot forge log lines), blanks collapsed, at most ``limit`` characters."""
    cleaned = " ".join("".join(ch if ch.isprintable() else " " for ch in str(text)).split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def scrub(text: str, secrets: Sequence[str]) -> str:
    """``text`` with every secret replaced by ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def vendor_error_text(body: bytes) -> str:
    """A short readable error body: ``attr: detail (code)`` items for JSON ``errors``, else the text."""
    text = body.decode("utf-8", errors="replace").strip()
    try:
        parsed: Any = json.loads(text)
    except ValueError:
        return text[:ERROR_TEXT_CHARS]
    if isinstance(parsed, dict) and isinstance(parsed.get("errors"), list):
        items = []
        for err in parsed["errors"]:
            if isinstance(err, dict):
                head = f"{err['attr']}: " if err.get("attr") else ""
                code = f" ({err['code']})" if err.get("code") else ""
                items.append(f"{head}{err.get('detail', '')}{code}")
        if items:
            return "; ".join(items)
    if isinstance(parsed, dict) and isinstance(parsed.get("error"), str):
        return parsed["error"][:ERROR_TEXT_CHARS]
    return text[:ERROR_TEXT_CHARS]


class RetryingHttpClient:
    """An httpx client whose ``stream`` retries transient failures, body included."""

    def __init__(
        self,
        base_url: str,
        *,
        auth: httpx.Auth | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 300.0,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        secrets: Sequence[str] = (),
        name: str = "http",
        rng: random.Random | None = None,
    ) -> None:
        self._client = httpx.Client(
            base_url=base_url, auth=auth, headers=dict(headers or {}), timeout=httpx.Timeout(timeout)
        )
        self.policy = policy or RetryPolicy()
        self._sleep = sleep
        self._secrets = tuple(secrets)
        self._name = name
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography

    def __enter__(self) -> RetryingHttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def stream[T](
        self,
        method: str,
        path: str,
        consume: Callable[[httpx.Response], T],
        *,
        json_body: Any = None,
    ) -> T:
        """Send the request and return ``consume(response)`` for a 2xx answer, retrying the whole exchange."""
        what = f"{self._name} {method} {path}"
        last_status: int | None = None
        reason = "no attempt made"
        for attempt in range(1, self.policy.max_attempts + 1):
            retry_after: float | None = None
            try:
                with self._client.stream(method, path, json=json_body) as response:
                    status = response.status_code
                    if status < 400:
                        return consume(response)
                    body = _read_head(response)
                    verdict = self.classify(status, body)
                    if verdict != "retry":
                        raise self._refusal(what, status, body, verdict)
                    last_status = status
                    reason = f"HTTP {status}"
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
            except RETRY_EXCEPTIONS as exc:
                last_status = None
                reason = f"{type(exc).__name__}: {self._clean(str(exc))}"
            if attempt == self.policy.max_attempts:
                break
            delay = self.policy.backoff(attempt, self._rng) if retry_after is None else retry_after
            delay = min(delay, self.policy.max_delay)
            logger.warning(
                "%s: %s (attempt %d of %d); retrying in %.2f s",
                what,
                reason,
                attempt,
                self.policy.max_attempts,
                delay,
            )
            self._sleep(delay)
        raise RetriesExhausted(
            f"{what}: gave up after {self.policy.max_attempts} attempts; last failure: {reason}",
            attempts=self.policy.max_attempts,
            last_status=last_status,
        )

    def classify(self, status: int, body: bytes) -> Verdict:
        """What an error answer (status >= 400, first KB of its body) calls for: retry, or which refusal."""
        if status in RETRY_STATUSES:
            return "retry"
        return "credential" if status in (401, 403) else "terminal"

    def error_text(self, body: bytes) -> str:
        """The vendor's error text of an error body, as quoted in messages."""
        return vendor_error_text(body)

    def _clean(self, text: str) -> str:
        return excerpt(scrub(text, self._secrets))

    def _refusal(self, what: str, status: int, body: bytes, verdict: Verdict) -> TerminalError:
        detail = self._clean(self.error_text(body)) or "(no error text)"
        message = f"{what}: HTTP {status}: {detail}"
        if verdict == "credential":
            return HttpCredentialError(message, status=status)
        return HttpStatusError(message, status=status)


def _read_head(response: httpx.Response) -> bytes:
    """The first few KB of an error body: enough to quote, never the whole of a huge one."""
    head = b""
    for chunk in response.iter_bytes():
        head += chunk
        if len(head) >= _ERROR_BODY_BYTES:
            break
    return head[:_ERROR_BODY_BYTES]
