"""Sprout Social's Public API v1: the messages endpoint page by page, with Sprout's 202 and rate limit handled.

The connection (``xo_core.credentials.Connection``):
- ``password``: the API token (or an OAuth access token), sent as ``Authorization: Bearer <token>``.
- ``host``: the API base URL (default ``https://api.sproutsocial.com``; a bare host gets https, ``port`` is
  honoured): the simulator is ``http://127.0.0.1:<port>``.
- ``login``, ``schema`` and ``extra`` are not used; the customer id comes from the extractor config.

Every request sends ``Accept: application/json`` and ``Content-Type: application/json`` (else Sprout answers
415). Transient failures (429, 5xx, timeouts, resets, a body cut short) are retried by ``RetryingHttpClient``;
Sprout sends no ``Retry-After`` with its 429, so the backoff applies, and a ``Retry-After`` is honoured when
present. 202 means "processed but not ready": the same request is sent again after a backoff, up to the
policy's attempts (``SproutClient`` does this around the retrying client, which treats 202 as success for
every other source). Requests are also paced to ``requests_per_minute`` (Sprout allows 60 a minute) so a
long window does not run into the limit at all. ``{"error": "..."}`` bodies become the error text.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from xo_core.errors import CredentialError, SourceDataError
from xo_core.extractors.base import PooledClient
from xo_core.extractors.http import ERROR_TEXT_CHARS, RetriesExhausted, RetryingHttpClient, RetryPolicy, excerpt

logger = logging.getLogger("xo_core.extractors.sprout")

DEFAULT_BASE_URL = "https://api.sproutsocial.com"
REQUESTS_PER_MINUTE = 60
JSON_HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}


def messages_path(customer_id: int) -> str:
    """``/v1/{customer_id}/messages``."""
    return f"/v1/{customer_id}/messages"


class RequestPacer:
    """Keeps requests to at most ``per_minute`` in any rolling minute by sleeping before one would exceed it."""

    def __init__(
        self,
        per_minute: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()

    def wait(self) -> None:
        """Return when one more request fits in the rolling minute, and count it."""
        now = self._clock()
        while self._sent and self._sent[0] <= now - 60.0:
            self._sent.popleft()
        if len(self._sent) >= self.per_minute:
            delay = self._sent[0] + 60.0 - now
            logger.info("sprout: %d requests in the last minute; pausing %.1f s", len(self._sent), delay)
            self._sleep(delay)
            self._sent.popleft()
        self._sent.append(self._clock())


class _NotReady:
    """What a 202 answer reads as: Sprout has the request but no data yet."""


_NOT_READY = _NotReady()


class SproutClient(PooledClient[RetryingHttpClient]):
    """Bearer-token access to one Sprout account, retrying transient failures and 202s."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        policy: RetryPolicy | None = None,
        timeout: float = 300.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        requests_per_minute: int = REQUESTS_PER_MINUTE,
    ) -> None:
        if not token:
            raise CredentialError("the Sprout connection has no API token (put it in the connection's password)")
        self.policy = policy or RetryPolicy()
        self._sleep = sleep
        self._rng = random.Random()  # noqa: S311 - jitter, not cryptography
        self._pacer = RequestPacer(requests_per_minute, clock=clock, sleep=sleep)
        self._http = RetryingHttpClient(
            base_url,
            headers={**JSON_HEADERS, "Authorization": f"Bearer {token}"},
            timeout=timeout,
            policy=self.policy,
            sleep=sleep,
            secrets=(token,),
            name="sprout",
        )

    def get(self, path: str) -> dict[str, Any]:
        """A metadata endpoint (``/v1/metadata/client``, ``/v1/{id}/metadata/customer``...) as parsed JSON."""
        return self._ready("GET", path, None)

    def message_pages(self, customer_id: int, body: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
        """The ``data`` of each page of ``POST /v1/{customer_id}/messages``, following ``paging.next_cursor``
        until a page comes without ``paging``."""
        path = messages_path(customer_id)
        cursor: str | None = None
        seen: set[str] = set()
        while True:
            request = body if cursor is None else {**body, "page_cursor": cursor}
            answer = self._ready("POST", path, request)
            data = answer.get("data", [])
            if not isinstance(data, list):
                raise SourceDataError(f"Sprout answered {path} with a non-list data: {excerpt(data)!r}")
            yield data
            paging = answer.get("paging")
            if not isinstance(paging, dict):
                return
            cursor = paging.get("next_cursor")
            if not isinstance(cursor, str) or not cursor or cursor in seen:
                raise SourceDataError(f"Sprout answered {path} with paging but no new next_cursor: {paging!r}")
            seen.add(cursor)

    def _ready(self, method: str, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
        """One exchange, asked again while Sprout answers 202 (processed but not ready)."""
        for attempt in range(1, self.policy.max_attempts + 1):
            self._pacer.wait()
            answer = self._http.stream(method, path, _read_json, json_body=body)
            if not isinstance(answer, _NotReady):
                return answer
            if attempt < self.policy.max_attempts:
                delay = self.policy.backoff(attempt, self._rng)
                logger.warning(
                    "sprout %s %s: HTTP 202 not ready (attempt %d of %d); asking again in %.2f s",
                    method,
                    path,
                    attempt,
                    self.policy.max_attempts,
                    delay,
                )
                self._sleep(delay)
        raise RetriesExhausted(
            f"sprout {method} {path}: still not ready (HTTP 202) after {self.policy.max_attempts} attempts",
            attempts=self.policy.max_attempts,
            last_status=202,
        )


def _read_json(response: httpx.Response) -> dict[str, Any] | _NotReady:
    if response.status_code == 202:
        return _NOT_READY
    raw = response.read()
    try:
        parsed = json.loads(raw)
    except ValueError:
        text = raw[:ERROR_TEXT_CHARS].decode("utf-8", errors="replace")
        raise SourceDataError(
            f"Sprout answered HTTP {response.status_code} with a body that is not JSON: {excerpt(text)!r}"
        ) from None
    if not isinstance(parsed, dict):
        raise SourceDataError(f"Sprout answered a JSON {type(parsed).__name__} instead of an object")
    if isinstance(parsed.get("error"), str):
        raise SourceDataError(f"Sprout answered HTTP {response.status_code} with an error: {excerpt(parsed['error'])}")
    return parsed
