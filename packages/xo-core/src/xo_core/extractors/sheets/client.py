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

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from xo_core.errors import SourceDataError
from xo_core.extractors.google_api import GoogleApiClient

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


class SheetsClient(GoogleApiClient):
    """Reads of spreadsheet values, retrying 429 RESOURCE_EXHAUSTED and 5xx."""

    api_name = "Google Sheets"
    request_prefix = "sheets"

    def values(self, spreadsheet_id: str, a1_range: str) -> ValueRange:
        """The range's rows (empty when Google sent no ``values``: the range holds nothing)."""
        body = self.get_json(values_path(spreadsheet_id, a1_range))
        if not isinstance(body.get("values", []), list):
            raise SourceDataError("Google Sheets answered with JSON that is not a ValueRange")
        rows = [[_cell(c) for c in row] if isinstance(row, list) else [_cell(row)] for row in body.get("values", [])]
        return ValueRange(str(body.get("range", "")), rows)


def _cell(value: object) -> str:
    # FORMATTED_VALUE sends strings; anything else (a number, a bool) is written the way Sheets shows it.
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return "" if value is None else str(value)
