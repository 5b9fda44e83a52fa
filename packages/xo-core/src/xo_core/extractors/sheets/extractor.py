"""The Google Sheets extractor: one A1 range, first row as the header, into one CSV object + manifest.

No time window applies: every run pulls the whole range (the pipeline's load strategy decides what changed).
The API drops trailing empty cells and rows, so rows shorter than the header are padded with empty strings;
a row longer than the header → ``SourceDataError`` naming its sheet row. A row with no value at all (a blank
separator row) is left out. No ``values`` at all → ``SourceDataError`` (the range has no header row); a
header and no rows is a valid empty table. A blank header cell → ``SourceDataError``: a column needs a name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from xo_core.errors import SourceDataError
from xo_core.extractors.base import ExtractRequest, ExtractResult
from xo_core.extractors.csv_sink import write_extract_csv
from xo_core.extractors.google_api import google_endpoint
from xo_core.extractors.http import HttpExtractor
from xo_core.extractors.sheets.client import DEFAULT_BASE_URL, SCOPES, SheetsClient, values_path
from xo_core.extractors.sheets.config import GoogleSheetsExtractorConfig

SOURCE_TYPE = "google_sheets"
EXTRACTOR_VERSION = "google_sheets/1"
_FIRST_ROW = re.compile(r"!?\$?[A-Za-z]*\$?(\d+)")


class GoogleSheetsExtractor(HttpExtractor):
    """Extracts one spreadsheet range; registered as source_type ``google_sheets``."""

    source_type = SOURCE_TYPE
    default_timeout = 120.0

    def extract(self, request: ExtractRequest[GoogleSheetsExtractorConfig]) -> ExtractResult:
        """Write the range as CSV with its own header, and the manifest."""
        config = request.config
        base_url, credentials = google_endpoint(
            request.require_connection(), SCOPES, DEFAULT_BASE_URL, sleep=self._sleep
        )
        client = SheetsClient(base_url, credentials, policy=self.policy, timeout=self.timeout, sleep=self._sleep)
        with client:
            answer = client.values(config.spreadsheet_id, config.range)
        if not answer.rows:
            raise SourceDataError(f"spreadsheet {config.spreadsheet_id} range {config.range!r} is empty: no header row")
        header = answer.rows[0]
        blank = [str(i + 1) for i, name in enumerate(header) if not name.strip()]
        if blank:
            raise SourceDataError(
                f"spreadsheet {config.spreadsheet_id} range {answer.range or config.range!r}: header cell(s) "
                f"{', '.join(blank)} are blank; every column needs a name"
            )
        first_row = _first_row(answer.range)
        rows = _padded(answer.rows, len(header), first_row, answer.range or config.range)
        info: dict[str, Any] = {
            "base_url": base_url,
            "path": values_path(config.spreadsheet_id, config.range),
            "spreadsheet_id": config.spreadsheet_id,
            "range": config.range,
            "resolved_range": answer.range,
            "connection_id": config.connection_id,
            "run_id": request.run_id,
        }
        manifest = write_extract_csv(
            request, header, rows, source_type=SOURCE_TYPE, asked=info, extractor_version=EXTRACTOR_VERSION
        )
        return ExtractResult(bucket=request.bucket, key=request.key, manifest=manifest)


def _first_row(resolved: str) -> int:
    """The sheet row number of the range's first row (``Roster!A1:H41`` → 1); 1 when Google did not say."""
    cells = resolved.rpartition("!")[2]
    match = _FIRST_ROW.match(cells)
    return int(match.group(1)) if match else 1


def _padded(rows: list[list[str]], width: int, first_row: int, where: str) -> Iterator[list[str]]:
    for offset, row in enumerate(rows[1:], start=1):
        if len(row) > width:
            raise SourceDataError(
                f"{where}: sheet row {first_row + offset} has {len(row)} cells but the header has {width}: "
                f"{row[width:][:3]!r} lie beyond the last named column"
            )
        if not any(cell.strip() for cell in row):
            continue
        yield row + [""] * (width - len(row))
