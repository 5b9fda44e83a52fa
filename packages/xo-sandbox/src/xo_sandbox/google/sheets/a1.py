"""A1 notation as the Sheets simulator reads it: ``Sheet1!A1:D``, ``'My Tab'!A:Z``, ``Roster``, ``B2:C9``, ``2:10``."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ENDPOINT = re.compile(r"^\$?([A-Za-z]{0,3})\$?(\d*)$")


class RangeInvalid(ValueError):
    """A range the simulator cannot parse (Sheets answers 400 ``Unable to parse range``)."""


@dataclass(frozen=True)
class A1Range:
    """A parsed range: the sheet (None: the first one) and 0-based inclusive bounds (None: unbounded)."""

    sheet: str | None
    first_row: int = 0
    last_row: int | None = None
    first_col: int = 0
    last_col: int | None = None


def column_index(letters: str) -> int:
    """``A`` → 0, ``Z`` → 25, ``AA`` → 26."""
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1


def column_letters(index: int) -> str:
    """0 → ``A``, 26 → ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def quote_sheet(name: str) -> str:
    """A sheet name as A1 writes it (quoted when it is not a plain word)."""
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else "'" + name.replace("'", "''") + "'"


def _endpoint(text: str, whole: str) -> tuple[int | None, int | None]:
    match = _ENDPOINT.match(text)
    if not match or not (match.group(1) or match.group(2)):
        raise RangeInvalid(f"Unable to parse range: {whole}")
    col = column_index(match.group(1)) if match.group(1) else None
    row = int(match.group(2)) - 1 if match.group(2) else None
    if row is not None and row < 0:
        raise RangeInvalid(f"Unable to parse range: {whole}")
    return col, row


def parse_a1(text: str, sheet_names: list[str]) -> A1Range:
    """Parse ``text``; a bare word naming a sheet means that whole sheet. RangeInvalid when unreadable."""
    sheet: str | None = None
    cells = text
    if text.startswith("'"):
        match = re.match(r"^'((?:[^']|'')*)'(?:!(.*))?$", text)
        if match is None:
            raise RangeInvalid(f"Unable to parse range: {text}")
        sheet, cells = match.group(1).replace("''", "'"), match.group(2) or ""
    elif "!" in text:
        sheet, _, cells = text.partition("!")
    elif text in sheet_names:
        sheet, cells = text, ""
    if not cells:
        return A1Range(sheet)
    start, sep, end = cells.partition(":")
    col1, row1 = _endpoint(start, text)
    col2, row2 = _endpoint(end, text) if sep else (col1, row1)
    return A1Range(sheet, first_row=row1 or 0, last_row=row2, first_col=col1 or 0, last_col=col2)
