"""Benchmark: a large "Agent Roster" range (100k synthetic rows) into a local store, peak RSS measured."""

from __future__ import annotations

import json
import tempfile

from bench.measure import QUICK, rate_row, run_child

ROWS = 500 if QUICK else 100_000
_CHILD = r"""
import json, sys, time
from datetime import UTC, datetime
from pathlib import Path
from xo_core.credentials import Connection
from xo_core.extractors.base import ExtractRequest
from xo_core.extractors.sheets.config import GoogleSheetsExtractorConfig
from xo_core.extractors.sheets.extractor import GoogleSheetsExtractor
from xo_core.storage.local import LocalObjectStore
from xo_sandbox.google.sheets import ROSTER_SPREADSHEET_ID
url, root = sys.argv[1], sys.argv[2]
config = GoogleSheetsExtractorConfig(spreadsheet_id=ROSTER_SPREADSHEET_ID, range="Roster!A:H")
conn = Connection("sheets", host=url, password="sheets-sandbox-token")
request = ExtractRequest("bench", config, datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 1, 2, tzinfo=UTC),
                         "UTC", conn, LocalObjectStore(Path(root)), "b", "k.csv", "bench")
t0 = time.perf_counter()
result = GoogleSheetsExtractor().extract(request)
seconds = time.perf_counter() - t0
print("BENCH-RESULT", json.dumps({"rows": result.row_count, "seconds": seconds}))
"""


def run() -> list[dict[str, object]]:
    """One row: one values.get of ~100k rows (the API sends a range as one JSON document)."""
    from xo_sandbox.google.sheets import SheetsSandbox

    with SheetsSandbox(roster_extra_rows=ROWS) as sandbox, tempfile.TemporaryDirectory() as root:
        figures, peak_mb = run_child(_CHILD, sandbox.url, root)
    rows, seconds = int(figures["rows"]), float(figures["seconds"])
    return [rate_row("extract_sheets_roster_100k", rows, seconds, peak_mb, seconds_digits=2)]


def main() -> None:
    for row in run():
        print(json.dumps(row))


if __name__ == "__main__":
    main()
