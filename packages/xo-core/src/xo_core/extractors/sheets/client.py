"""Google Sheets API v4 ``spreadsheets.values.get``: one A1 range of one spreadsheet as rows of strings.

Connection fields (see ``xo_core.extractors.google_auth`` for the token):
- ``host``: API base URL; empty means ``https://sheets.googleapis.com`` (the simulator's URL in tests);
- ``password``: a bearer access token, or a service account JSON key (``extra.service_account_json`` also works)
  for a service account the sheet is shared with;
- ``extra.subject`` (or ``login``): a user to impersonate, only with domain-wide delegation;
- ``extra.token_uri``: overrides the key's token endpoint.

The API answers a range as one JSON document (no paging; Google recommends ≤ 2 MB), so that one answer is
parsed whole and its rows handed on one by one.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from xo_core.errors import SourceDataError
from xo_core.extractors.base import PooledClient
from xo_core.extractors.google_api import GoogleHttpClient
from xo_core.extractors.google_auth import BearerAuth, GoogleCredentials
from xo_core.extractors.http import RetryPolicy

DEFAULT_BASE_URL = "https://sheets.googleapis.com"
SCOPES = ["https://www.googleapis.com/auth/spreadsheets.readonly"]


@dataclass(frozen=True)
class ValueRange:
    """The answer: the range Google resolved (``Roster!A1:H41``) and its rows, ragged as sent."""

    range: str
    rows: list[list[str]]


def values_path(spreadsheet_id: str, a1_range: str) -> str:
    """``/v4/spreadsheets/{id}/values/{range}?…`` with the range URL-encoded, formatted values, by rows."""
    params = urlencode({"valueRenderOption": "FORMATTED_VALUE", "majorDimension": "ROWS"})
    return f"/v4/spreadsheets/{quote(spreadsheet_id, safe='')}/values/{quote(a1_range, safe='')}?{params}"


class SheetsClient(PooledClient[GoogleHttpClient]):
    """Bearer-authenticated reads of spreadsheet values, retrying 429 RESOURCE_EXHAUSTED and 5xx."""

    def __init__(
        self,
        base_url: str,
        credentials: GoogleCredentials,
        *,
        policy: RetryPolicy | None = None,
        timeout: float = 120.0,
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
            name="sheets",
        )

    def values(self, spreadsheet_id: str, a1_range: str) -> ValueRange:
        """The range's rows (empty when Google sent no ``values``: the range holds nothing)."""
        return self._http.stream("GET", values_path(spreadsheet_id, a1_range), _value_range)


def _value_range(response: httpx.Response) -> ValueRange:
    try:
        body: Any = json.loads(response.read())
    except ValueError:
        raise SourceDataError("Google Sheets answered with something that is not JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("values", []), list):
        raise SourceDataError("Google Sheets answered with JSON that is not a ValueRange")
    rows = [[_cell(cell) for cell in row] if isinstance(row, list) else [_cell(row)] for row in body.get("values", [])]
    return ValueRange(str(body.get("range", "")), rows)


def _cell(value: object) -> str:
    # FORMATTED_VALUE sends strings; anything else (a number, a bool) is written the way Sheets shows it.
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return "" if value is None else str(value)
