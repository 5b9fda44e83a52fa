"""A dashboard and a pipeline on one DuckDB file at the same moment: neither fails, each waits for the other."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from conftest import D1, D3, WBP, LensWarehouse

from xo_core.loaders.bronze import load_bronze
from xo_core.warehouse.base import LoadFile, LoadRequest
from xo_lens import query
from xo_lens.readers import DuckDBReader

HOLD_SECONDS = 2.0


def test_a_dashboard_query_waits_for_a_pipeline_writing_and_then_succeeds(lens_warehouse: LensWarehouse):
    holding = threading.Event()

    def pipeline() -> None:
        with lens_warehouse.warehouse.connect_for_write(WBP, purpose="a pipeline load"):
            holding.set()
            time.sleep(HOLD_SECONDS)

    writer = threading.Thread(target=pipeline)
    writer.start()
    assert holding.wait(10)
    started = time.monotonic()
    frame = query.agent_daily(DuckDBReader(lens_warehouse.home, timeout=30), WBP, D1, D3)
    waited = time.monotonic() - started
    writer.join()
    assert frame["CONTACTS_HANDLED"].sum() == 43
    assert waited > HOLD_SECONDS / 2  # it did wait for the writer, rather than read past it


def test_a_load_that_starts_while_a_dashboard_reads_succeeds(lens_warehouse: LensWarehouse, tmp_path: Path):
    # The dashboard is another process (streamlit), holding the file open read-only for its query.
    path = lens_warehouse.warehouse.database_path(WBP)
    script = (
        "import duckdb, sys, time\n"
        f"c = duckdb.connect({str(path)!r}, read_only=True)\n"
        'c.execute(\'SELECT count(*) FROM "WBP_DB_DEV"."GOLD"."rpt_agent_dashboard"\').fetchall()\n'
        "print('reading', flush=True)\n"
        f"time.sleep({HOLD_SECONDS})\n"
        "c.close()\n"
    )
    reader = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "reading"
        csv_path = tmp_path / "roster.csv"
        csv_path.write_text("Agent ID,Name\na-1,Ada Lovelace\na-2,Grace Hopper\n", encoding="utf-8")
        started = time.monotonic()
        result = load_bronze(
            lens_warehouse.warehouse,
            LoadRequest(
                database=WBP,
                schema="BRONZE",
                table="SHEETS_AGENT_ROSTER",
                columns=["AGENT_ID", "NAME"],
                files=[LoadFile(uri=str(csv_path), expected_rows=2, source_key="stage/roster.csv")],
                run_id="run-while-reading",
                window_start=datetime(2025, 1, 15, tzinfo=UTC),
                window_end=datetime(2025, 1, 16, tzinfo=UTC),
            ),
        )
        waited = time.monotonic() - started
    finally:
        assert reader.wait(30) == 0
    assert result.rows_loaded == 2
    assert waited > HOLD_SECONDS / 2
    loads = query.last_loads(DuckDBReader(lens_warehouse.home), [WBP])
    roster = loads[loads["TABLE_NAME"] == "BRONZE.SHEETS_AGENT_ROSTER"].iloc[0]
    assert (roster["STATUS"], roster["ROWS_LOADED"], bool(roster["STALE"])) == ("SUCCEEDED", 2, False)


_RELOADS = """
import sys
from datetime import UTC, datetime
from pathlib import Path
from xo_core.loaders.bronze import load_bronze
from xo_core.warehouse.base import LoadFile, LoadRequest
from xo_core.warehouse.duckdb import DuckDBWarehouse

home, files = Path(sys.argv[1]), sys.argv[2:]
warehouse = DuckDBWarehouse(home, lock_timeout=60)
for number in range(12):
    path = files[number % len(files)]
    rows = sum(1 for _ in open(path, encoding="utf-8")) - 1
    load_bronze(warehouse, LoadRequest(
        database="WBP_DB_DEV", schema="BRONZE", table="GLADLY_CONTACT_TIMESTAMPS", columns=["CONTACT_ID", "AGENT"],
        files=[LoadFile(uri=path, expected_rows=rows, source_key=Path(path).name)],
        run_id=f"{Path(path).stem}-{number}",
        window_start=datetime(2025, 1, 15, tzinfo=UTC), window_end=datetime(2025, 1, 16, tzinfo=UTC)))
"""


def test_a_dashboard_polling_while_a_pipeline_reloads_sees_whole_loads_only(
    lens_warehouse: LensWarehouse, tmp_path: Path
):
    """A pipeline process replaces a table 12 times (two files of different sizes); the dashboard reads all along."""
    sizes = {"small": 3_000, "large": 30_000}
    files = []
    for name, rows in sizes.items():
        path = tmp_path / f"{name}.csv"
        path.write_text("Contact ID,Agent\n" + "".join(f"{name}-{i},a-1\n" for i in range(rows)), encoding="utf-8")
        files.append(str(path))
    writer = subprocess.Popen([sys.executable, "-c", _RELOADS, str(lens_warehouse.home), *files], text=True)
    reader = DuckDBReader(lens_warehouse.home, timeout=30)
    table = '"WBP_DB_DEV"."BRONZE"."GLADLY_CONTACT_TIMESTAMPS"'
    seen: list[tuple[int, int, str]] = []
    try:
        while writer.poll() is None:
            if not reader.has_table(WBP, "BRONZE", "GLADLY_CONTACT_TIMESTAMPS"):
                continue
            (row,) = reader.fetch(
                WBP,
                f'SELECT count(*) AS N, count(DISTINCT "_XO_RUN_ID") AS RUNS,'
                f" min(split_part(\"CONTACT_ID\", '-', 1)) AS FIRST, max(split_part(\"CONTACT_ID\", '-', 1)) AS LAST"
                f" FROM {table}",
            )
            assert row["FIRST"] == row["LAST"], row  # never rows of two loads at once
            seen.append((row["N"], row["RUNS"], row["FIRST"]))
    finally:
        assert writer.wait(60) == 0
    assert seen, "the dashboard never read while the pipeline ran"
    assert set(seen) <= {(rows, 1, name) for name, rows in sizes.items()}
    loads = query.last_loads(DuckDBReader(lens_warehouse.home), [WBP])
    last = loads[loads["TABLE_NAME"] == "BRONZE.GLADLY_CONTACT_TIMESTAMPS"].iloc[0]
    assert (last["STATUS"], last["ROWS_LOADED"]) == ("SUCCEEDED", sizes["large"])  # load 11 of 0..11: large
