"""HTTP routes of the Sheets simulator: ``GET /v4/spreadsheets/{id}/values/{range}`` (spreadsheets.values.get)."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, parse_qs, unquote

from xo_sandbox.google.base import GoogleHandler
from xo_sandbox.google.errors import google_error
from xo_sandbox.google.sheets.a1 import RangeInvalid, column_letters, parse_a1, quote_sheet
from xo_sandbox.google.sheets.roster import Cell

if TYPE_CHECKING:
    from xo_sandbox.google.sheets.server import SheetsSandbox

_ROUTE = re.compile(r"^/v4/spreadsheets/([^/]+)/values/([^/]+)$")
_EPOCH = date(1899, 12, 30)  # day 0 of Sheets' serial dates
_RENDER = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
_GRID_ROWS, _GRID_COLS = 1000, 26  # a new Google sheet's grid


def render(cell: Cell, option: str) -> object:
    """A cell as ``valueRenderOption`` shows it: formatted text, or the raw number/bool/serial date."""
    if option == "FORMATTED_VALUE":
        if isinstance(cell, bool):
            return "TRUE" if cell else "FALSE"
        if isinstance(cell, date):
            return f"{cell.month}/{cell.day}/{cell.year}"
        return "" if cell is None else str(cell)
    if isinstance(cell, date):
        return (cell - _EPOCH).days
    return "" if cell is None else cell


def _blank(value: object) -> bool:
    return value is None or value == ""


def _trim(rows: list[list[object]]) -> list[list[object]]:
    """Trailing empty cells of each row, then trailing empty rows, dropped (as the API does)."""
    trimmed = []
    for row in rows:
        end = len(row)
        while end and _blank(row[end - 1]):
            end -= 1
        trimmed.append(row[:end])
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return trimmed


class SheetsHandler(GoogleHandler):
    """One connection to the Sheets simulator."""

    sandbox: SheetsSandbox

    def api(self, url: SplitResult, body: bytes) -> None:
        route = _ROUTE.match(url.path)
        if self.command != "GET" or route is None:
            self.send_json(404, google_error(404, "Not Found"))
            return
        spreadsheet_id, a1 = unquote(route.group(1)), unquote(route.group(2))
        sheets = self.sandbox.spreadsheet(spreadsheet_id)
        if sheets is None:
            self.send_json(404, google_error(404, "Requested entity was not found."))
            return
        params = {k: v[-1] for k, v in parse_qs(url.query).items()}
        major = params.get("majorDimension", "ROWS")
        option = params.get("valueRenderOption", "FORMATTED_VALUE")
        if major not in ("ROWS", "COLUMNS") or option not in _RENDER:
            self.send_json(400, google_error(400, "Invalid value at 'major_dimension' or 'value_render_option'"))
            return
        try:
            parsed = parse_a1(a1, list(sheets))
        except RangeInvalid as exc:
            self.send_json(400, google_error(400, str(exc)))
            return
        name = parsed.sheet if parsed.sheet is not None else next(iter(sheets))
        if name not in sheets:
            self.send_json(400, google_error(400, f"Unable to parse range: {a1}"))
            return
        grid = sheets[name]
        grid_rows = max(_GRID_ROWS, len(grid))
        grid_cols = max(_GRID_COLS, max((len(r) for r in grid), default=0))
        last_row = min(parsed.last_row if parsed.last_row is not None else grid_rows - 1, grid_rows - 1)
        last_col = min(parsed.last_col if parsed.last_col is not None else grid_cols - 1, grid_cols - 1)
        rows = [
            [render(row[c] if c < len(row) else None, option) for c in range(parsed.first_col, last_col + 1)]
            for row in grid[parsed.first_row : last_row + 1]
        ]
        values = _trim(rows)
        if major == "COLUMNS":
            width = max((len(r) for r in values), default=0)
            values = _trim([[r[c] if c < len(r) else "" for r in values] for c in range(width)])
        resolved = (
            f"{quote_sheet(name)}!{column_letters(parsed.first_col)}{parsed.first_row + 1}"
            f":{column_letters(last_col)}{last_row + 1}"
        )
        answer: dict[str, object] = {"range": resolved, "majorDimension": major}
        if values:  # an empty range comes back without "values" [U]
            answer["values"] = values
        self.send_json(200, answer)

    def control(self, path: str, body: bytes) -> bool:
        """``POST /_sandbox/cells`` ``{"spreadsheet_id", "range": "Roster!E5", "value"}``: change one cell."""
        if path != "/_sandbox/cells" or self.command != "POST":
            return False
        try:
            change = json.loads(body)
            self.sandbox.set_cell(str(change["spreadsheet_id"]), str(change["range"]), change.get("value"))
        except (ValueError, KeyError, TypeError) as exc:
            self.send_json(400, google_error(400, f"bad cell change: {exc}"))
            return True
        self.send_json(200, {"updatedRange": change["range"]})
        return True
