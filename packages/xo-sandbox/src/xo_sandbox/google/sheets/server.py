"""The Google Sheets simulator: the "Agent Roster" spreadsheet (and any others given), read by A1 range.

    with SheetsSandbox() as sheets:
        headers = {"Authorization": "Bearer sheets-sandbox-token"}
        httpx.get(f"{sheets.url}/v4/spreadsheets/{ROSTER_SPREADSHEET_ID}/values/Roster", headers=headers)

Routes (auth: ``Authorization: Bearer <token>``): ``GET /v4/spreadsheets/{id}/values/{range}``, ``POST /token``.
Control (no auth): ``GET|POST|DELETE /_sandbox/faults``, ``GET|DELETE /_sandbox/requests``,
``POST /_sandbox/cells`` (change a cell, so later runs see history).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping

from xo_sandbox.google.base import GoogleSandbox
from xo_sandbox.google.faults import GoogleFault
from xo_sandbox.google.sheets.a1 import RangeInvalid, parse_a1
from xo_sandbox.google.sheets.handler import SheetsHandler
from xo_sandbox.google.sheets.roster import (
    CND_ROSTER_SPREADSHEET_ID,
    ROSTER_SHEET,
    ROSTER_SPREADSHEET_ID,
    Cell,
    roster_rows,
    team_lead_rows,
)

DEFAULT_TOKENS: tuple[str, ...] = ("sheets-sandbox-token",)
"""Sandbox-only bearer tokens, safe to print."""

type Sheets = dict[str, list[list[Cell]]]


class SheetsSandbox(GoogleSandbox):
    """A Sheets API simulator on ``host:port`` (port 0 picks a free one); start with ``with`` or ``start()``.

    ``spreadsheets`` adds (or replaces) spreadsheets: id → {sheet name → rows of cells}, the first sheet
    first. ``roster_extra_rows`` pads the roster with synthetic rows (volume tests). ``reads_per_minute``:
    the per-user read quota (Google's is 60), None = off; over it → 429 RESOURCE_EXHAUSTED.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        tokens: Iterable[str] = DEFAULT_TOKENS,
        service_accounts: Mapping[str, str] | None = None,
        faults: Iterable[GoogleFault] = (),
        spreadsheets: Mapping[str, Sheets] | None = None,
        roster_extra_rows: int = 0,
        reads_per_minute: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lock = threading.Lock()
        self._spreadsheets: dict[str, Sheets] = {
            ROSTER_SPREADSHEET_ID: {
                ROSTER_SHEET: roster_rows(roster_extra_rows),
                "Team Leads": team_lead_rows(),
                "Empty": [],
            },
            CND_ROSTER_SPREADSHEET_ID: {ROSTER_SHEET: roster_rows(client="condenast")},
        }
        for sid, sheets in (spreadsheets or {}).items():
            self._spreadsheets[sid] = {name: [list(r) for r in rows] for name, rows in sheets.items()}
        super().__init__(
            SheetsHandler,
            host=host,
            port=port,
            tokens=tokens,
            service_accounts=dict(service_accounts or {}),
            faults=faults,
            quota_per_minute=reads_per_minute,
            clock=clock,
        )

    def spreadsheet(self, spreadsheet_id: str) -> Sheets | None:
        """A snapshot of the sheets of ``spreadsheet_id`` (None when unknown)."""
        with self._lock:
            sheets = self._spreadsheets.get(spreadsheet_id)
            return None if sheets is None else {name: [list(r) for r in rows] for name, rows in sheets.items()}

    def set_cell(self, spreadsheet_id: str, cell: str, value: Cell) -> None:
        """Write ``value`` into one cell (``Roster!E5``), growing the sheet as needed; KeyError/ValueError if bad."""
        with self._lock:
            sheets = self._spreadsheets[spreadsheet_id]
            try:
                target = parse_a1(cell, list(sheets))
            except RangeInvalid as exc:
                raise ValueError(str(exc)) from None
            rows = sheets[target.sheet if target.sheet is not None else next(iter(sheets))]
            row, col = target.first_row, target.first_col
            while len(rows) <= row:
                rows.append([])
            rows[row].extend([None] * (col + 1 - len(rows[row])))
            rows[row][col] = value
