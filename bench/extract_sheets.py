"""Benchmark: a large "Agent Roster" range (100k synthetic rows) into a local store, peak RSS measured."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile

ROWS = 100_000
_CHILD = r"""
import json, resource, sys, time
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
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rows": result.row_count, "seconds": seconds, "peak_rss_mb": peak}))
"""


def run() -> list[dict[str, object]]:
    """One row: one values.get of ~100k rows (the API sends a range as one JSON document)."""
    from xo_sandbox.google.sheets import SheetsSandbox

    with SheetsSandbox(roster_extra_rows=ROWS) as sandbox, tempfile.TemporaryDirectory() as root:
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, sandbox.url, root], check=True, capture_output=True, text=True
        ).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    rows, seconds = int(figures["rows"]), float(figures["seconds"])
    return [{"benchmark": "extract_sheets_roster_100k", "rows": rows, "seconds": round(seconds, 2),
             "rows_per_s": round(rows / seconds), "peak_rss_mb": round(figures["peak_rss_mb"], 1)}]  # fmt: skip


def main() -> None:
    for row in run():
        print(json.dumps(row))


if __name__ == "__main__":
    main()
