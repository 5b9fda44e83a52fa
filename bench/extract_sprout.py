"""Benchmark: the Sprout extractor over a large window of the simulator, into a temporary local store.

The simulator runs in this process (a thread); the extraction runs in a child process so its peak RSS is its
own (``os.wait4``, see bench/measure.py). Rate limits are relaxed on both sides: the bench measures the
connector's throughput and memory, not Sprout's 60 requests a minute.
"""

from __future__ import annotations

import json
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.measure import QUICK, RESULT_MARKER, rate_row, run_child

VOLUME_SCALE = 1.0 if QUICK else 20.0  # 20: about 6,000 messages a day
DAYS = 1 if QUICK else 7
TZ_NAME = "America/New_York"


def _child(url: str, store_root: str) -> None:
    """Extract the window (in the child process) and print rows and seconds as JSON."""
    from xo_core.credentials import Connection
    from xo_core.extractors.base import ExtractRequest
    from xo_core.extractors.sprout.config import SproutExtractorConfig
    from xo_core.extractors.sprout.extractor import SproutExtractor
    from xo_core.storage.local import LocalObjectStore
    from xo_sandbox.sprout import CUSTOMER_ID, DEFAULT_TOKEN, PROFILES
    from xo_sandbox.sprout.customer import SOCIAL_CARE_GROUP

    start = datetime(2025, 1, 13, tzinfo=ZoneInfo(TZ_NAME))
    request = ExtractRequest(
        source_name="messages",
        config=SproutExtractorConfig(
            customer_id=CUSTOMER_ID,
            group_id=SOCIAL_CARE_GROUP,
            profile_ids=[p.customer_profile_id for p in PROFILES],
        ),
        window_start=start,
        window_end=start + timedelta(days=DAYS),
        timezone=TZ_NAME,
        connection=Connection("sprout_bench", password=DEFAULT_TOKEN, host=url),
        store=LocalObjectStore(Path(store_root)),
        bucket="ingest",
        key="sprout/messages/bench.csv",
        run_id="bench",
    )
    began = time.perf_counter()
    result = SproutExtractor(requests_per_minute=1_000_000).extract(request)
    print(RESULT_MARKER, json.dumps({"rows": result.row_count, "seconds": time.perf_counter() - began}))


def run() -> list[dict[str, object]]:
    """One row: a week of messages at 20x volume, paged 100 at a time."""
    from xo_sandbox.sprout import SproutLimits, SproutSandbox

    limits = SproutLimits(requests_per_minute=1_000_000)
    with SproutSandbox(volume_scale=VOLUME_SCALE, limits=limits) as sandbox, tempfile.TemporaryDirectory() as root:
        code = f"from bench.extract_sprout import _child; _child({sandbox.url!r}, {root!r})"
        measured, peak_mb = run_child(code)
    rows, seconds = int(measured["rows"]), float(measured["seconds"])
    return [rate_row(f"extract_sprout_{DAYS}d_x{VOLUME_SCALE:g}", rows, seconds, peak_mb, rate_digits=1)]


def main() -> None:
    """Print the rows of ``run`` (what ``python -m bench extract_sprout`` shows)."""
    for row in run():
        print(json.dumps(row))


if __name__ == "__main__":
    main()
