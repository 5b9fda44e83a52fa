"""Benchmark: a year of hourly Gmail report attachments (pick: all) into a local store, peak RSS measured."""

from __future__ import annotations

import json
import tempfile

from bench.measure import rate_row, run_child

_CHILD = r"""
import json, sys, time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo
from xo_core.credentials import Connection
from xo_core.extractors.base import ExtractRequest
from xo_core.extractors.gmail.config import GmailAttachmentExtractorConfig
from xo_core.extractors.gmail.extractor import GmailAttachmentExtractor
from xo_core.storage.local import LocalObjectStore
url, root = sys.argv[1], sys.argv[2]
tz = ZoneInfo("America/New_York")
config = GmailAttachmentExtractorConfig(from_address="reports@cx-partner.example", subject="Daily Email Report",
                                        filename_pattern="email_report_*.csv", pick="all")
conn = Connection("gmail", host=url, password="gmail-sandbox-token")
request = ExtractRequest("bench", config, datetime(2024, 12, 1, tzinfo=tz), datetime(2025, 12, 1, tzinfo=tz),
                         "America/New_York", conn, LocalObjectStore(Path(root)), "b", "k.csv", "bench")
t0 = time.perf_counter()
result = GmailAttachmentExtractor().extract(request)
seconds = time.perf_counter() - t0
print("BENCH-RESULT", json.dumps({"rows": result.row_count, "seconds": seconds}))
"""


def run() -> list[dict[str, object]]:
    """One row: a year of hourly reports (about 130k rows) through search, get and attachment decoding."""
    from datetime import date

    from xo_sandbox.google.gmail import GmailSandbox

    sandbox = GmailSandbox(first_day=date(2024, 11, 30), last_day=date(2025, 12, 1), hourly=True)
    with sandbox, tempfile.TemporaryDirectory() as root:
        figures, peak_mb = run_child(_CHILD, sandbox.url, root)
    rows, seconds = int(figures["rows"]), float(figures["seconds"])
    return [rate_row("extract_gmail_year_hourly_all", rows, seconds, peak_mb, seconds_digits=2)]


def main() -> None:
    for row in run():
        print(json.dumps(row))


if __name__ == "__main__":
    main()
