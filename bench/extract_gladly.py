"""Benchmark: the Gladly extractor, one day of ContactTimestampsReport at ~10 k and ~1 M rows, into a local store.

The simulator runs in its own process (``multiprocessing``, spawned), so the rows it generates on the fly cost
the extraction nothing in memory. Each extraction runs in a fresh child process whose peak RSS is read with
``os.wait4`` (that child's own ``ru_maxrss``). The target is a flat RSS: the connector streams the response
into the store, so 100x the rows must not need more memory. The rate is bounded by the simulator, which
generates every row on request (about 12-15 k rows/s measured alone on this machine), so rows/s and MB/s here
are a floor of the connector's speed; its ceiling is ``rows_per_connector_cpu_s`` (rows per CPU second of the
extracting process).
"""

from __future__ import annotations

import json
import multiprocessing
import tempfile
import time
from multiprocessing.connection import Connection as Pipe
from pathlib import Path

from bench.measure import QUICK, RESULT_MARKER, print_table, run_child, save_rows

RESULTS = Path(__file__).parent / "results" / "extract_gladly.json"
DAY = "2025-01-14"  # a Tuesday: weekends are quieter
TZ_NAME = "America/New_York"
# Row counts do not grow linearly with the scale (each scale seeds its own days); these were found by trying.
SCALES: dict[str, float] = {"10k": 0.42} if QUICK else {"10k": 0.42, "1M": 40.0}
IDLE_CODE = "import xo_core.extractors.gladly.extractor, xo_core.storage.local; print('{}')"


def _serve(scale: float, pipe: Pipe) -> None:
    """Run the simulator (in the spawned process) until the parent sends anything down ``pipe``."""
    from xo_sandbox.gladly import GladlySandbox, RateLimits

    limits = RateLimits(requests_per_second=10_000, reports_per_minute=10_000, reports_in_flight=20)
    with GladlySandbox(limits=limits, volume_scale=scale) as sandbox:
        pipe.send(sandbox.url)
        pipe.recv()


def _child(url: str, store_root: str) -> None:
    """Extract the day (in the child process) and print rows, bytes and seconds as JSON."""
    from datetime import date, datetime, timedelta
    from datetime import time as clock
    from zoneinfo import ZoneInfo

    from xo_core.credentials import Connection
    from xo_core.extractors.base import ExtractRequest
    from xo_core.extractors.gladly.config import GladlyExtractorConfig
    from xo_core.extractors.gladly.extractor import GladlyExtractor
    from xo_core.storage.local import LocalObjectStore
    from xo_sandbox.gladly import DEFAULT_CREDENTIALS

    login, token = DEFAULT_CREDENTIALS["warbyparker"]
    start = datetime.combine(date.fromisoformat(DAY), clock(), tzinfo=ZoneInfo(TZ_NAME))
    store = LocalObjectStore(Path(store_root))
    request = ExtractRequest(
        source_name="contact_timestamps",
        # The row cap is Gladly's silent truncation guard; off here so 1 M rows come back in one request.
        config=GladlyExtractorConfig(metric_set="ContactTimestampsReport", row_cap=100_000_000),
        window_start=start,
        window_end=start + timedelta(days=1),
        timezone=TZ_NAME,
        connection=Connection("gladly_bench", login=login, password=token, host=url),
        store=store,
        bucket="ingest",
        key="gladly/contact_timestamps/bench.csv",
        run_id="bench",
    )
    began, cpu_began = time.perf_counter(), time.process_time()
    result = GladlyExtractor().extract(request)
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu_began
    info = store.head(result.bucket, result.key)
    size = info.size if info else 0
    print(RESULT_MARKER, json.dumps({"rows": result.row_count, "bytes": size, "seconds": seconds, "cpu": cpu}))


def _extract_at(label: str, scale: float) -> dict[str, object]:
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    server = context.Process(target=_serve, args=(scale, child), daemon=True)
    server.start()
    try:
        url = parent.recv()
        with tempfile.TemporaryDirectory() as root:
            measured, peak_mb = run_child(f"from bench.extract_gladly import _child; _child({url!r}, {root!r})")
    finally:
        parent.send("stop")
        server.join(timeout=30)
    rows, size, seconds = int(measured["rows"]), int(measured["bytes"]), float(measured["seconds"])
    return {
        "benchmark": f"extract_gladly_{label}",
        "volume_scale": scale,
        "rows": rows,
        "mb": round(size / 1e6, 1),
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        "mb_per_s": round(size / 1e6 / seconds, 2),
        "peak_rss_mb": round(peak_mb, 1),
        # The connector's own CPU: rows per CPU second is its ceiling once the source is not the bottleneck.
        "connector_cpu_s": round(float(measured["cpu"]), 2),
        "rows_per_connector_cpu_s": round(rows / float(measured["cpu"])),
    }


def run() -> list[dict[str, object]]:
    """An idle child (imports only) for the RSS floor, then one extraction per scale."""
    _, idle_mb = run_child(IDLE_CODE)
    rows: list[dict[str, object]] = [{"benchmark": "extract_gladly_idle_imports", "peak_rss_mb": round(idle_mb, 1)}]
    rows += [_extract_at(label, scale) for label, scale in SCALES.items()]
    return rows


def main() -> None:
    """Print the rows of ``run`` and write them to bench/results/extract_gladly.json."""
    rows = run()
    print_table(rows)
    save_rows(rows, RESULTS)


if __name__ == "__main__":
    main()
