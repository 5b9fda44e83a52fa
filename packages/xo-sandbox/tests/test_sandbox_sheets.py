"""The Sheets simulator alone: A1 ranges, trailing cells dropped, dimensions, render options, errors."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest

from xo_sandbox.bamboohr.employees import roster
from xo_sandbox.google.sheets import DEFAULT_TOKENS, ROSTER_COLUMNS, ROSTER_SPREADSHEET_ID, SheetsSandbox
from xo_sandbox.google.sheets.a1 import A1Range, RangeInvalid, parse_a1

AUTH = {"Authorization": f"Bearer {DEFAULT_TOKENS[0]}"}


@pytest.fixture
def sheets_client() -> Iterator[httpx.Client]:
    """A client of a fresh simulator, authenticated with the sandbox token."""
    sandbox = SheetsSandbox(reads_per_minute=4, clock=lambda: 0.0)
    with sandbox, httpx.Client(base_url=f"{sandbox.url}/v4/spreadsheets", headers=AUTH, timeout=10) as client:
        yield client


def _get(client: httpx.Client, a1: str, sid: str = ROSTER_SPREADSHEET_ID, **params: str) -> httpx.Response:
    return client.get(f"/{sid}/values/{quote(a1, safe='')}", params=params)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sheet1!A1:D", A1Range("Sheet1", 0, None, 0, 3)),
        ("'My Tab'!A:Z", A1Range("My Tab", 0, None, 0, 25)),
        ("Roster", A1Range("Roster")),
        ("B2:C9", A1Range(None, 1, 8, 1, 2)),
        ("Roster!2:10", A1Range("Roster", 1, 9, 0, None)),
    ],
)
def test_a1_notation(text: str, expected: A1Range) -> None:
    assert parse_a1(text, ["Roster"]) == expected


def test_a1_nonsense_is_refused() -> None:
    with pytest.raises(RangeInvalid):
        parse_a1("Roster!A1:!!", ["Roster"])


def test_roster_rows_are_ragged_and_map_to_bamboohr_ids(sheets_client: httpx.Client) -> None:
    body = _get(sheets_client, "Roster!A:H").json()
    assert body["range"] == "Roster!A1:H1000" and body["values"][0] == list(ROSTER_COLUMNS)
    assert {len(r) for r in body["values"][1:]} == {6, 7, 8}  # trailing blanks dropped
    ids = {e.work_email: str(e.id) for e in roster()}
    assert all(ids[row[2]] == row[3] for row in body["values"][1:])


def test_columns_and_unformatted_values(sheets_client: httpx.Client) -> None:
    columns = _get(sheets_client, "Roster!F1:G3", majorDimension="COLUMNS").json()["values"]
    assert columns[0][0] == "Start Date" and columns[1][0] == "Active"
    raw = _get(sheets_client, "Roster!F2:G2", valueRenderOption="UNFORMATTED_VALUE").json()["values"][0]
    assert isinstance(raw[0], int) and raw[1] in (True, [])  # serial date; a bool when filled in


def test_errors_and_quota(sheets_client: httpx.Client) -> None:
    assert _get(sheets_client, "Roster", sid="missing").json()["error"]["status"] == "NOT_FOUND"
    assert _get(sheets_client, "Nope!A1").json()["error"]["code"] == 400
    assert "values" not in _get(sheets_client, "Empty").json()
    assert _get(sheets_client, "Roster").status_code == 200
    refused = _get(sheets_client, "Roster")
    assert refused.status_code == 429 and refused.json()["error"]["status"] == "RESOURCE_EXHAUSTED"
