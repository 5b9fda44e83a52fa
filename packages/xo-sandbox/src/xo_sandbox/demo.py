"""``make demo``: the platform's main job on the embedded default, from a fresh clone.

Validates and generates every pipeline, starts the source simulators, runs the demo pipelines through the
generated Airflow DAGs for a recent date (``xo-foundry run``, a subprocess: the sandbox drives the platform
from outside, as an engineer would), then shows what landed in the warehouse.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from xo_core.environment import environment
from xo_core.storage.factory import object_store_for
from xo_core.warehouse.duckdb.backend import DuckDBWarehouse
from xo_core.warehouse.metadata import METADATA_COLUMN_NAMES
from xo_sandbox.google.gmail.mailbox import day_kind
from xo_sandbox.sandboxes import start_all
from xo_sandbox.uploads import qa_scores_csv, qa_scores_key

DEMO_PIPELINES = (
    "warbyparker/gladly_daily",
    "condenast/gladly_daily",
    "warbyparker/sprout_daily",
    "core/bamboohr_daily",
    "core/bamboohr_history",
    "warbyparker/s3_uploads",
    "warbyparker/roster_sheet",
    "condenast/email_report",
)

Echo = Callable[[str], None]


def recent_demo_date(today: date) -> date:
    """Today, or the latest day before it on which the partner mailed its report (1 day in 20 it does not, and
    then the e-mail pipeline rightly fails: a demo should show the everyday run)."""
    day = today
    while day_kind(day) == "none":
        day -= timedelta(days=1)
    return day


def foundry(*args: str) -> list[str]:
    """The ``xo-foundry`` command of this environment."""
    return [str(Path(sys.executable).parent / "xo-foundry"), *args]


def _stream(command: list[str], env: dict[str, str], echo: Echo) -> int:
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            echo("    " + line.rstrip("\n"))
        return process.wait()


def run_demo(day: date, *, direct: bool, echo: Echo = print) -> int:
    """Run the demo; return the number of pipelines that failed (0 when all is well)."""
    env = environment()
    echo(f"XO-Data demo on the embedded default: XO_HOME={env.home}, logical date {day} (window: the day before)")
    echo("\n[1/4] Validate every pipeline config and check the generated DAG files")
    base_env = dict(os.environ)
    if _stream(foundry("validate"), base_env, echo) or _stream(foundry("generate", "--check"), base_env, echo):
        echo("Configs or DAG files are not right: fix them first (`make generate`).")
        return 1
    _stream(foundry("list"), base_env, echo)
    echo("\n[2/4] Start the source simulators on 127.0.0.1, and drop the day's uploads into the landing bucket")
    window_day = day - timedelta(days=1)
    object_store_for(env.object_store_url).put_bytes(
        env.landing_bucket, qa_scores_key(window_day), qa_scores_csv(window_day)
    )
    echo(f"    uploaded   {env.landing_bucket}/{qa_scores_key(window_day)}")
    failed = 0
    with start_all() as sandboxes:
        for name, url in sandboxes.urls().items():
            echo(f"    {name:10} {url}")
        run_env = {**base_env, **sandboxes.connection_env()}
        how = "directly (--direct)" if direct else "through the generated Airflow DAGs (dag.test)"
        echo(f"\n[3/4] Run {len(DEMO_PIPELINES)} pipelines {how}")
        for pipeline in DEMO_PIPELINES:
            started = time.perf_counter()
            echo(f"  {pipeline}")
            args = ["run", pipeline, "--date", day.isoformat(), *(["--direct"] if direct else [])]
            code = _stream(foundry(*args), run_env, echo)
            echo(f"    {'ok' if code == 0 else 'FAILED'} in {time.perf_counter() - started:.1f}s")
            failed += code != 0
    echo("\n[4/4] What is in the warehouse now")
    show_warehouse(DuckDBWarehouse(env.home), env.warehouse_dir, echo)
    echo("\nDone." if not failed else f"\n{failed} pipeline(s) FAILED.")
    return failed


def show_warehouse(warehouse: DuckDBWarehouse, folder: Path, echo: Echo) -> None:
    """Every BRONZE table: rows, source and metadata columns, and its last load from the ledger."""
    for path in sorted(folder.glob("*.duckdb")):
        database = path.stem
        connection = warehouse.connect_read_only(database)
        try:
            tables = connection.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_catalog = ? AND table_schema = 'BRONZE'"
                " ORDER BY table_name",
                [database],
            ).fetchall()
            for (table,) in tables:
                columns = [
                    row[0]
                    for row in connection.execute(
                        "SELECT column_name FROM information_schema.columns"
                        " WHERE table_catalog = ? AND table_schema = 'BRONZE' AND table_name = ?",
                        [database, table],
                    ).fetchall()
                ]
                meta = [c for c in columns if c in METADATA_COLUMN_NAMES]
                count = connection.execute(f'SELECT count(*) FROM "{database}"."BRONZE"."{table}"').fetchone()
                rows = count[0] if count else 0
                source_columns = len(columns) - len(meta)
                echo(f"  {database}.BRONZE.{table}: {rows:,} rows, {source_columns} source + {len(meta)} _XO_ columns")
        finally:
            connection.close()
        for row in warehouse.ledger_rows(database)[-4:]:
            seconds = (row.finished_at - row.started_at).total_seconds() if row.finished_at else 0.0
            echo(
                f"    ledger: {row.table_name} {row.status} {row.rows_loaded} rows in {seconds:.2f}s, files {row.files}"
            )
