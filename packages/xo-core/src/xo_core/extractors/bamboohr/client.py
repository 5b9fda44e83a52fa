"""BambooHR's directory and custom reports as (header, rows) tables of strings.

The connection (``xo_core.credentials.Connection``):
- ``password``: the API key. BambooHR takes it as the HTTP Basic *username* with any password (``x``); it is
  kept in the connection's password because that is the field Airflow masks and keeps out of ``repr``.
- ``host``: where the API lives, up to ``/api/gateway.php`` (default ``https://api.bamboohr.com``; a bare host
  gets https, ``port`` is honoured): the simulator is ``http://127.0.0.1:<port>``.
- the company domain comes from the extractor config (``company_domain``), not the connection.

Every request sends ``Accept: application/json`` (without it BambooHR answers XML). There is no paging: each
endpoint answers one JSON document, parsed whole (a company's staff is thousands of records at most).
Throttling is a 503 with ``Retry-After`` today, a 429 with ``Retry-After`` as announced from 16 September 2026;
``RetryingHttpClient`` honours both alike. BambooHR puts its error text in the ``X-BambooHR-Error-Message``
header, not the body; it is quoted in every error raised here. 401 → ``CredentialError``; 403 (the key's user
may not see that data) and 404 (unknown company domain, directory disabled) → ``TerminalError``.

Columns always come from the answer's ``fields`` list, never from the names asked for: BambooHR leaves out
fields the key may not read (and unknown ones) and still answers 200, and answers a field asked for by numeric
id under an ``<id>.N`` key (documentation.bamboohr.com/reference/request-custom-report). ``Table.missing``
lists what was asked for and not answered; the extractor decides whether that fails the extract.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx

from xo_core.errors import CredentialError, SourceDataError, TerminalError
from xo_core.extractors.base import PooledClient
from xo_core.extractors.http import (
    ERROR_TEXT_CHARS,
    HttpCredentialError,
    HttpStatusError,
    RetriesExhausted,
    RetryingHttpClient,
    RetryPolicy,
    excerpt,
    scrub,
)

logger = logging.getLogger("xo_core.extractors.bamboohr")

DEFAULT_HOST = "https://api.bamboohr.com"
GATEWAY = "/api/gateway.php"
DIRECTORY_PATH = "/employees/directory"
CUSTOM_REPORT_PATH = "/reports/custom"
CUSTOM_REPORT_PARAMS = {"format": "JSON", "onlyCurrent": "true"}
CUSTOM_REPORT_QUERY = f"{CUSTOM_REPORT_PATH}?{urlencode(CUSTOM_REPORT_PARAMS)}"
ERROR_HEADER = "X-BambooHR-Error-Message"


def base_url_for(host: str, company_domain: str) -> str:
    """``{host}/api/gateway.php/{company_domain}/v1`` for a host given with or without scheme and gateway."""
    host = (host or DEFAULT_HOST).strip().rstrip("/")
    url = host if "://" in host else f"https://{host}"
    return f"{url.removesuffix(GATEWAY)}{GATEWAY}/{company_domain}/v1"


def flatten(value: object) -> str:
    """A JSON value as one CSV cell: null → empty, numbers and booleans as JSON writes them, objects as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass
class Table:
    """Column names and the rows under them, every cell a string; for a custom report, what it left out."""

    header: list[str]
    rows: Iterator[list[str]]
    missing: list[str] = field(default_factory=list)
    """Requested fields the answer does not hold under their own name."""
    indexed: dict[str, str] = field(default_factory=dict)
    """Of ``missing``, those answered under an indexed ``<id>.N`` key instead: requested name → that key."""


class _ApiKeyAuth(httpx.Auth):
    """Basic auth with the API key as username and ``x`` as password; remembers BambooHR's error header.

    The retrying client sees only status and body; BambooHR's reason is in a header, so it is caught here.
    """

    def __init__(self, api_key: str) -> None:
        token = base64.b64encode(f"{api_key}:x".encode()).decode("ascii")
        self.header_value = f"Basic {token}"
        self.last_error: str = ""

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        request.headers["Authorization"] = self.header_value
        response = yield request
        if response.status_code >= 400:
            self.last_error = excerpt(response.headers.get(ERROR_HEADER, ""))


class BambooHRClient(PooledClient[RetryingHttpClient]):
    """One company's BambooHR API (v1), retrying transient failures."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        policy: RetryPolicy | None = None,
        timeout: float = 300.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not api_key:
            raise CredentialError("the BambooHR connection has no API key (put it in the connection's password)")
        self._auth = _ApiKeyAuth(api_key)
        self._secrets = (api_key, self._auth.header_value.removeprefix("Basic "))
        self._http = RetryingHttpClient(
            base_url,
            auth=self._auth,
            headers={"Accept": "application/json"},
            timeout=timeout,
            policy=policy,
            sleep=sleep,
            secrets=self._secrets,
            name="bamboohr",
        )

    def directory(self) -> Table:
        """``GET /employees/directory``: ``id`` then the company's directory fields, as its ``fields`` lists them."""
        document = self._json("GET", DIRECTORY_PATH, None)
        header = ["id", *(f for f in _answered(document) if f != "id")]
        return Table(header, _rows(header, _list(document, "employees")))

    def custom_report(self, title: str, fields: Sequence[str]) -> Table:
        """``POST /reports/custom?format=JSON&onlyCurrent=true``: the requested fields BambooHR answered, in its
        order (a header even with no rows); ``missing`` and ``indexed`` say what it did not answer by name.

        ``onlyCurrent=true`` (BambooHR's default, sent explicitly): the values in effect today. ``false`` would
        add future-dated values (a change shown before its effective date), so it is never sent.
        """
        document = self._json("POST", CUSTOM_REPORT_QUERY, {"title": title, "fields": list(fields)})
        answered = _answered(document)
        # Keep only what was asked for, by name or by number (``17`` answers as ``17.0``).
        header = [f for f in answered if f in fields or f.split(".", 1)[0] in fields]
        missing = [f for f in dict.fromkeys(fields) if f not in header]
        indexed = {f: key for f in missing for key in header if key.split(".", 1)[0] == f}
        return Table(header, _rows(header, _list(document, "employees")), missing, indexed)

    def _json(self, method: str, path: str, body: Any) -> dict[str, Any]:
        self._auth.last_error = ""
        try:
            return self._http.stream(method, path, _read_json, json_body=body)
        except (HttpCredentialError, HttpStatusError) as exc:
            raise self._refused(exc, exc.status) from exc
        except RetriesExhausted as exc:
            raise RetriesExhausted(f"{exc}{self._said()}", attempts=exc.attempts, last_status=exc.last_status) from exc

    def _said(self) -> str:
        return f" (BambooHR: {scrub(self._auth.last_error, self._secrets)})" if self._auth.last_error else ""

    def _refused(self, exc: Exception, status: int) -> TerminalError:
        message = f"{exc}{self._said()}"
        if status == 401:
            return CredentialError(f"{message}; check the API key in the connection's password")
        if status == 403:
            return TerminalError(f"{message}; the API key's user may not read this data")
        if status == 404:
            return TerminalError(f"{message}; check company_domain (or the directory is disabled)")
        return TerminalError(message)


def _read_json(response: httpx.Response) -> dict[str, Any]:
    """The whole body as a JSON object; read inside the retry scope so a cut-off body is asked for again."""
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    data = response.read()
    if content_type != "application/json":
        head = data[:ERROR_TEXT_CHARS].decode("utf-8", errors="replace")
        raise SourceDataError(
            f"BambooHR answered {excerpt(content_type) or 'no Content-Type'} instead of JSON: {excerpt(head)!r}"
        )
    try:
        document = json.loads(data)
    except ValueError as exc:
        raise SourceDataError(f"BambooHR answered JSON that does not parse: {exc}") from exc
    if not isinstance(document, dict):
        raise SourceDataError(f"BambooHR answered a JSON {type(document).__name__}, not an object")
    return document


def _list(document: dict[str, Any], name: str) -> list[Any]:
    value = document.get(name)
    if not isinstance(value, list):
        raise SourceDataError(f"BambooHR's answer has no {name!r} list (keys: {sorted(document)})")
    return value


def _answered(document: dict[str, Any]) -> list[str]:
    """The field ids of the answer's ``fields`` list, in its order."""
    return [str(f.get("id")) for f in _list(document, "fields") if isinstance(f, dict) and f.get("id")]


def _rows(header: list[str], employees: list[Any]) -> Iterator[list[str]]:
    for position, employee in enumerate(employees, start=1):
        if not isinstance(employee, dict):
            raise SourceDataError(f"employee {position} of BambooHR's answer is not an object: {employee!r}"[:200])
        yield [flatten(employee.get(name)) for name in header]
