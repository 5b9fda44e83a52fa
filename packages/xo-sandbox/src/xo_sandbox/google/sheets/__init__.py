"""The Google Sheets API simulator: a deterministic "Agent Roster" spreadsheet read by A1 range."""

from xo_sandbox.google.sheets.roster import ROSTER_COLUMNS, ROSTER_SHEET, ROSTER_SPREADSHEET_ID
from xo_sandbox.google.sheets.server import DEFAULT_TOKENS, SheetsSandbox

__all__ = ["DEFAULT_TOKENS", "ROSTER_COLUMNS", "ROSTER_SHEET", "ROSTER_SPREADSHEET_ID", "SheetsSandbox"]
