"""Benchmark: a BambooHR custom report of 20,000 employees from the simulator into a local store.

The extract runs in a child process so its peak RSS is its own (``os.wait4``, see bench/measure.py).
"""

from __future__ import annotations

import json
import tempfile
import time

from bench.measure import QUICK, rate_row, run_measured
from xo_sandbox.bamboohr import BambooHRSandbox, Throttle

EMPLOYEES = 200 if QUICK else 20_000
FIELDS = ["id", "employeeNumber", "firstName", "lastName", "displayName", "jobTitle", "department", "division",
          "location", "workEmail", "hireDate", "status", "lastChanged", "supervisorEmail"]  # fmt: skip

_CHILD = """
import json, sys
from datetime import UTC, datetime
from pathlib import Path
from xo_core.credentials import Connection
from xo_core.extractors.bamboohr.config import BambooHRExtractorConfig
from xo_core.extractors.bamboohr.extractor import BambooHRExtractor
from xo_core.extractors.base import ExtractRequest
from xo_core.storage.local import LocalObjectStore
url, root, fields = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
result = BambooHRExtractor().extract(ExtractRequest(
    source_name="employees", config=BambooHRExtractorConfig(company_domain="xodata", report="custom", fields=fields),
    window_start=datetime(2025, 1, 14, tzinfo=UTC), window_end=datetime(2025, 1, 15, tzinfo=UTC),
    timezone="UTC", connection=Connection("bench", password="xodata-sandbox-key", host=url),
    store=LocalObjectStore(Path(root)), bucket="ingest", key="bench/employees.csv", run_id="bench"))
print(result.row_count)
"""


def run() -> list[dict[str, object]]:
    """One row: the custom report's rows, wall time, rows per second and the child's peak RSS."""
    with (
        BambooHRSandbox(extra_employees=EMPLOYEES, throttle=Throttle(budget=1000)) as sandbox,
        tempfile.TemporaryDirectory() as root,
    ):
        started = time.perf_counter()
        out, peak_mb = run_measured(_CHILD, sandbox.url, root, json.dumps(FIELDS))
        seconds = time.perf_counter() - started
    rows = int(out.strip())
    return [rate_row("extract_bamboohr_custom_report", rows, seconds, peak_mb)]


def main() -> None:
    """Print the rows (``python -m bench extract_bamboohr``)."""
    for row in run():
        print(json.dumps(row))


if __name__ == "__main__":
    main()
