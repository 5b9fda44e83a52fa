"""Benchmark: an uploaded CSV of 1,000,000 rows (~70 MB) taken by copy + one streamed check, and rewritten.

Each extract runs in its own child process, measured alone (``os.wait4``, see bench/measure.py).
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from bench.measure import QUICK, rate_row, run_measured
from xo_core.storage.local import LocalObjectStore

ROWS = 2_000 if QUICK else 1_000_000

_CHILD = """
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo
from xo_core.extractors.base import ExtractRequest
from xo_core.extractors.s3_upload.config import S3UploadExtractorConfig
from xo_core.extractors.s3_upload.extractor import S3UploadExtractor
from xo_core.storage.local import LocalObjectStore
root, encoding = sys.argv[1], sys.argv[2]
tz = ZoneInfo("America/New_York")
config = S3UploadExtractorConfig(prefix="uploads/bench/", pattern="scores_{yyyymmdd}.csv", encoding=encoding)
result = S3UploadExtractor(landing_bucket="landing").extract(ExtractRequest(
    source_name="scores", config=config, window_start=datetime(2025, 1, 14, tzinfo=tz),
    window_end=datetime(2025, 1, 15, tzinfo=tz), timezone="America/New_York", connection=None,
    store=LocalObjectStore(Path(root)), bucket="ingest", key=f"bench/{encoding}.csv", run_id="bench"))
print(result.row_count)
"""


def _upload(root: Path) -> None:
    store = LocalObjectStore(root)
    with store.open_write("landing", "uploads/bench/scores_20250114.csv") as out:
        out.write('\ufeffAgent Name,"Score, %",Commentaire\r\n'.encode())
        for n in range(ROWS):
            out.write(f'Agent {n % 97},{n % 100}.5,"très bien, line {n}"\r\n'.encode())


def run() -> list[dict[str, object]]:
    """Two rows: the copy path (utf-8) and the rewrite path (encoding utf-8-sig configured: a streamed rewrite)."""
    results: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _upload(root)
        for mode, encoding in (("copy", "utf-8"), ("rewrite", "utf-8-sig")):
            started = time.perf_counter()
            out, peak = run_measured(_CHILD, str(root), encoding)
            seconds = time.perf_counter() - started
            rows = int(out.strip())
            results.append(rate_row(f"extract_s3_upload_{mode}", rows, seconds, peak))
    return results


def main() -> None:
    """Print the rows (``python -m bench extract_s3_upload``)."""
    for row in run():
        print(json.dumps(row))


if __name__ == "__main__":
    main()
