"""Benchmark: the BRONZE full-refresh load into DuckDB against DuckDB's own CTAS, on one ~1 GB CSV.

The file (bench/data/, git-ignored, made once by DuckDB in a child process): 5 M rows of the 15
ContactTimestampsReport columns, agent names with commas (quoted), and every 50th row a field with a newline and
doubled quotes in it. Its ``Timestamp`` is the load's check: row i (1-based) has ``BASE + (i - 1) ms``, so a file
row number is right exactly when ``_XO_FILE_ROW_NUMBER - 1`` equals that offset, for every row.
``XO_BENCH_QUICK=1``: 20,000 rows and one round (for tests), nothing saved.

Each variant runs in a fresh child process (its own peak RSS, see bench/measure.py) into a fresh DuckDB file,
after the CSV was read once so the page cache is warm; the variants are taken in turn, round after round. They:

- ``ctas_all_varchar``: ``CREATE TABLE AS SELECT * FROM read_csv(path, all_varchar=true)`` (the yardstick);
- ``bronze_full_refresh``: ``DuckDBWarehouse.load_full_refresh`` as shipped (BEGIN; TRUNCATE; parallel INSERT;
  UPDATE of the file row numbers from the rows' insertion order; row-count check; COMMIT; plus the ledger);
- ``insert_without_row_number``: the load's INSERT with the row number left NULL (what the number costs);
- ``one_step_ordinality``: the previous loader, numbering inside the INSERT with ``WITH ORDINALITY`` (a
  streaming window: the whole pipeline on one thread), kept for comparison;
- ``memory_stage_rowid``: an alternative numbering (``_memory_stage``): the file into an in-memory table first,
  then one INSERT numbered by its ``rowid`` (no UPDATE, no window), measured for its speed and memory.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from bench.measure import (
    DATA_ROOT,
    QUICK,
    RESULT_MARKER,
    print_table,
    run_child,
    run_conditions,
    run_measured,
    save_rows,
)
from xo_sandbox.gladly.reports import CONTACT_TIMESTAMPS_COLUMNS

if TYPE_CHECKING:
    from xo_core.warehouse.base import LoadRequest

DATA = DATA_ROOT
# XO_BENCH_ROWS: a smaller file when the machine is too busy for 5 M rows in the time there is.
ROWS = int(os.environ.get("XO_BENCH_ROWS", "20000" if QUICK else "5000000"))
CSV_PATH = DATA / ("contact_timestamps_5m.csv" if ROWS == 5_000_000 else f"contact_timestamps_{ROWS}.csv")
RESULTS = Path(__file__).parent / "results" / "load_bronze.json"
ROUNDS = int(os.environ.get("XO_BENCH_ROUNDS", "1" if QUICK else "3"))

BASE = "2025-01-14 05:00:00"  # the first row's Timestamp (UTC); row i is BASE + (i - 1) ms
# The 15 ContactTimestampsReport columns, as the Gladly simulator serves them.
HEADER = CONTACT_TIMESTAMPS_COLUMNS
COLUMNS: list[str] = [name.upper().replace(" ", "_") for name in HEADER]


def _id(salt: str) -> str:
    # A Gladly-style 22-character id, deterministic in the row index.
    return f"substr(md5(i::VARCHAR || '{salt}'), 1, 22)"


def _pick(options: tuple[str, ...], salt: int) -> str:
    quoted = ", ".join("'" + o.replace("'", "''") + "'" for o in options)
    return f"[{quoted}][1 + (hash(i, {salt}) % {len(options)})::INTEGER]"


def ensure_csv() -> Path:
    """Make bench/data/contact_timestamps_5m.csv unless it is there (about 1.1 GB, a minute), in a child process:
    DuckDB's memory would otherwise stay with this process (and with every child it starts)."""
    if not CSV_PATH.is_file():
        run_measured("from bench.load_bronze import write_csv; write_csv()")
    return CSV_PATH


def write_csv() -> None:
    """Write the benchmark's CSV (see the module docstring); only a complete file gets its real name."""
    import duckdb

    names = ("Lee, Sam", "Okafor, Ada", "García, Lucía", "O'Brien, Pat", "Nguyen, Bao", "Smith, Jo")
    inboxes = ("Support - Email", "Support - Chat", "Retail, Stores", "Billing", "Returns & Exchanges")
    events = ("CONTACT/CREATED", "CONTACT/OFFERED", "CONTACT/ACCEPTED", "CONTACT/ENDED", "CONTACT/FULFILLED")
    select = f"""
        SELECT strftime(TIMESTAMP '{BASE}' + to_milliseconds(i), '%Y-%m-%dT%H:%M:%S.%gZ') AS "Timestamp",
            {_pick(events, 1)} AS "Event Type", {_id("co")} AS "Contact ID", {_id("cv")} AS "Conversation ID",
            {_id("cu")} AS "Customer ID", {_pick(("EMAIL", "CHAT", "PHONE_CALL", "SMS"), 2)} AS "Channel",
            {_pick(("AGENT", "CUSTOMER"), 3)} AS "Initiator Type",
            CASE WHEN i % 2 = 0 THEN {_id("in")} END AS "Initiator ID",
            CASE WHEN i % 2 = 0 THEN {_pick(names, 4)} END AS "Initiator Agent Name",
            {_id("ib")} AS "Assigned Inbox ID", {_pick(inboxes, 5)} AS "Assigned Inbox Name",
            {_id("ag")} AS "Assigned Agent ID", {_pick(names, 6)} AS "Assigned Agent Name",
            CASE WHEN i % 50 = 7 THEN 'Escalations' || chr(10) || '"VIP", desk ' || (i % 9)::VARCHAR END
                AS "Transferred To Inbox Name",
            CASE WHEN i % 5 = 4 THEN {_id("ff")} END AS "Fulfilled by Contact ID"
        FROM range({ROWS}) AS r(i) ORDER BY i
    """
    DATA.mkdir(parents=True, exist_ok=True)
    unfinished = CSV_PATH.with_suffix(".partial")
    with duckdb.connect() as connection:
        connection.execute("SET enable_progress_bar = false")
        connection.execute(f"COPY ({select}) TO '{unfinished}' (HEADER, DELIMITER ',', QUOTE '\"')")
    unfinished.rename(CSV_PATH)


def warm_cache(path: Path) -> None:
    """Read the file once, so every variant starts from the page cache."""
    with path.open("rb") as handle:
        while handle.read(1 << 20):
            pass


def _check_sql(table: str) -> str:
    """Rows whose file row number disagrees with the row's own index (from its Timestamp); 0 when right."""
    offset = f"epoch_ms(strptime(\"TIMESTAMP\", '%Y-%m-%dT%H:%M:%S.%gZ')) - epoch_ms(TIMESTAMP '{BASE}')"
    return f'SELECT count(*) FILTER (WHERE "_XO_FILE_ROW_NUMBER" - 1 IS DISTINCT FROM {offset}), count(*) FROM {table}'


class Watch:
    """Wall-clock and CPU seconds (every thread of this process) from ``start`` to ``stop``."""

    def start(self) -> Watch:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def stop(self) -> None:
        self.wall, self.cpu = time.perf_counter() - self._wall, time.process_time() - self._cpu


Outcome = tuple[int, Watch, int | None]  # rows loaded, time taken, rows with a wrong file row number (None: unset)


def _request(csv_path: Path) -> LoadRequest:
    from datetime import UTC, datetime

    from xo_core.warehouse.base import LoadFile, LoadRequest

    file = LoadFile(uri=str(csv_path), expected_rows=ROWS, source_key="gladly/contact_timestamps/bench.csv")
    return LoadRequest(
        database="BENCH_DB",
        schema="BRONZE",
        table="GLADLY_CONTACT_TIMESTAMPS",
        columns=COLUMNS,
        files=[file],
        run_id="bench",
        window_start=datetime(2025, 1, 14, 5, tzinfo=UTC),
        window_end=datetime(2025, 1, 15, 5, tzinfo=UTC),
    )


def _ctas(home: Path, csv_path: Path) -> Outcome:
    import duckdb

    with duckdb.connect(str(home / "ctas.duckdb")) as connection:
        watch = Watch().start()
        connection.execute("CREATE TABLE t AS SELECT * FROM read_csv(?, all_varchar=true)", [str(csv_path)])
        watch.stop()
        rows = connection.execute("SELECT count(*) FROM t").fetchall()[0][0]
    return int(rows), watch, None


def _bronze(home: Path, csv_path: Path) -> Outcome:
    from xo_core.warehouse.duckdb.backend import DuckDBWarehouse

    warehouse = DuckDBWarehouse(home)
    request = _request(csv_path)
    watch = Watch().start()
    result = warehouse.load_full_refresh(request)
    watch.stop()
    connection = warehouse.connect_read_only(request.database)
    try:
        wrong, _ = connection.execute(_check_sql('"BENCH_DB"."BRONZE"."GLADLY_CONTACT_TIMESTAMPS"')).fetchall()[0]
    finally:
        connection.close()
    return result.rows_loaded, watch, int(wrong)


def _hand_made(home: Path, csv_path: Path, *, ordinality: bool) -> Outcome:
    """The load's table and one INSERT in BEGIN/TRUNCATE/COMMIT, without the ledger: the file row number left
    NULL, or numbered in the INSERT by ``WITH ORDINALITY`` (the loader before issue 15)."""
    from datetime import UTC, datetime

    import duckdb

    from xo_core.identifiers import quote_identifier
    from xo_core.warehouse.duckdb.csv_files import read_csv_call
    from xo_core.warehouse.plan import plan_full_refresh

    plan = plan_full_refresh(_request(csv_path), load_id="bench", loaded_at=datetime.now(UTC))
    file = plan.files[0]
    source = read_csv_call(plan.columns)
    number = "NULL"
    if ordinality:
        number = '"_XO_FILE_ROW_NUMBER"'
        alias = ", ".join([*(quote_identifier(c) for c in plan.columns), number])
        source += f" WITH ORDINALITY AS _xo_src({alias})"
    sql = (
        f"INSERT INTO {plan.target} ({plan.insert_column_list()})"
        f" SELECT {plan.source_column_list()}, {plan.metadata_select(number)} FROM {source}"
    )
    with duckdb.connect(str(home / "BENCH_DB.duckdb")) as connection:
        connection.execute(plan.create_schema_sql())
        connection.execute(plan.create_table_sql())
        watch = Watch().start()
        connection.execute("BEGIN")
        connection.execute(plan.truncate_sql())
        inserted = connection.execute(sql, [*plan.metadata_values(file), file.uri]).fetchall()[0][0]
        connection.execute("COMMIT")
        watch.stop()
        wrong = connection.execute(_check_sql(plan.target)).fetchall()[0][0] if ordinality else None
    return int(inserted), watch, wrong


def _memory_stage(home: Path, csv_path: Path) -> Outcome:
    """The file into a table of an attached in-memory database first (a CTAS: parallel, nothing written to disk;
    a fresh table's ``rowid`` is its insertion order, 0..n-1), then BEGIN; TRUNCATE; one parallel INSERT numbered
    ``rowid + 1``; COMMIT (a transaction writes one attached database only, so the stage is made before it).
    Not the loader: its peak RSS is the whole file held in memory (bench/README.md)."""
    from datetime import UTC, datetime

    import duckdb

    from xo_core.warehouse.duckdb.csv_files import read_csv_call
    from xo_core.warehouse.plan import plan_full_refresh

    plan = plan_full_refresh(_request(csv_path), load_id="bench", loaded_at=datetime.now(UTC))
    file = plan.files[0]
    with duckdb.connect(str(home / "BENCH_DB.duckdb")) as connection:
        connection.execute(plan.create_schema_sql())
        connection.execute(plan.create_table_sql())
        connection.execute("SET preserve_insertion_order = true")
        watch = Watch().start()
        connection.execute("ATTACH ':memory:' AS xo_stage")
        connection.execute(f"CREATE TABLE xo_stage.file AS SELECT * FROM {read_csv_call(plan.columns)}", [file.uri])
        connection.execute("BEGIN")
        connection.execute(plan.truncate_sql())
        inserted = connection.execute(
            f"INSERT INTO {plan.target} ({plan.insert_column_list()})"
            f" SELECT {plan.source_column_list()}, {plan.metadata_select('rowid + 1')} FROM xo_stage.file",
            plan.metadata_values(file),
        ).fetchall()[0][0]
        connection.execute("COMMIT")
        connection.execute("DETACH xo_stage")
        watch.stop()
        wrong = connection.execute(_check_sql(plan.target)).fetchall()[0][0]
    return int(inserted), watch, wrong


VARIANTS: dict[str, Callable[[Path, Path], Outcome]] = {
    "ctas_all_varchar": _ctas,
    "bronze_full_refresh": _bronze,
    "insert_without_row_number": partial(_hand_made, ordinality=False),
    "one_step_ordinality": partial(_hand_made, ordinality=True),
    "memory_stage_rowid": _memory_stage,
}


def child(variant: str, home: str) -> None:
    """Run one variant (in the child process); print rows, seconds and the row-number check as JSON."""
    rows, watch, wrong = VARIANTS[variant](Path(home), CSV_PATH)
    print(RESULT_MARKER, json.dumps({"rows": rows, "seconds": watch.wall, "cpu": watch.cpu, "wrong": wrong}))


def run(variants: tuple[str, ...] = (), rounds: int = ROUNDS) -> list[dict[str, object]]:
    """One row per variant, from its fastest of ``rounds`` runs (taken in turn, so load on the machine is shared
    out); ``cores_used`` is CPU over wall seconds and ``ratio_to_ctas`` its rows/s over the CTAS's."""
    path = ensure_csv()
    size = path.stat().st_size
    warm_cache(path)
    runs: dict[str, list[tuple[dict[str, float], float]]] = {}
    for _ in range(rounds):
        for variant in variants or tuple(VARIANTS):
            with tempfile.TemporaryDirectory(dir=DATA) as home:
                code = f"from bench.load_bronze import child; child({variant!r}, {home!r})"
                runs.setdefault(variant, []).append(run_child(code))
    results: list[dict[str, object]] = []
    for variant, measured in runs.items():
        best, _ = min(measured, key=lambda m: m[0]["seconds"])
        rows, seconds = int(best["rows"]), float(best["seconds"])
        wrong = [m["wrong"] for m, _ in measured]
        results.append(
            {
                "benchmark": f"load_{variant}",
                "rows": rows,
                "mb": round(size / 1e6),
                "seconds": round(seconds, 2),
                "all_seconds": [round(float(m["seconds"]), 1) for m, _ in measured],
                "rows_per_s": round(rows / seconds),
                "mb_per_s": round(size / 1e6 / seconds, 1),
                "cores_used": round(float(best["cpu"]) / seconds, 2),
                # CPU seconds (every thread) hardly depend on how busy the machine is; wall seconds do.
                "cpu_seconds": [round(float(m["cpu"]), 1) for m, _ in measured],
                "peak_rss_mb": round(max(peak for _, peak in measured)),
                "wrong_row_numbers": None if None in wrong else max(w for w in wrong if w is not None),
            }
        )
    base = next((r for r in results if r["benchmark"] == "load_ctas_all_varchar"), None)
    ctas_runs = runs.get("ctas_all_varchar")
    for row, measured in zip(results, runs.values(), strict=True):
        if base is not None and ctas_runs is not None:
            row["ratio_to_ctas"] = round(float(str(row["rows_per_s"])) / float(str(base["rows_per_s"])), 2)
            # Round by round (the CTAS and the variant ran minutes apart at most): less exposed to a burst of
            # other work than the ratio of the two bests.
            per_round = [c["seconds"] / m["seconds"] for (c, _), (m, _) in zip(ctas_runs, measured, strict=True)]
            row["ratio_per_round"] = [round(r, 2) for r in per_round]
    return results


def main() -> None:
    """Run every variant (or those named in XO_BENCH_LOAD_VARIANTS, comma-separated); print the rows, and save
    them with the run's conditions when the CTAS and the BRONZE load were both among them."""
    chosen = tuple(v for v in os.environ.get("XO_BENCH_LOAD_VARIANTS", "").split(",") if v)
    load_at_start = os.getloadavg()
    rows = run(chosen)
    print_table(rows)
    conditions = run_conditions(load_at_start, rounds=ROUNDS)
    print(conditions)
    if not chosen or {"ctas_all_varchar", "bronze_full_refresh"} <= set(chosen):  # the headline comparison
        save_rows(rows, RESULTS, conditions={**conditions, "rows": ROWS, "variants": list(chosen or VARIANTS)})


if __name__ == "__main__":
    main()
