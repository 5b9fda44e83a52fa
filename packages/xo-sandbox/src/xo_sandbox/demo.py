"""``make demo``: the platform's main job on the embedded default, from a fresh clone.

Validates and generates every pipeline, starts the source simulators, runs the demo pipelines through the
generated Airflow DAGs for a recent date (``xo-foundry run``, a subprocess: the sandbox drives the platform
from outside, as an engineer would), then shows what landed in the warehouse.

The pipelines run in groups (``DEMO_GROUPS``): one ``xo-foundry run`` process per group runs its pipelines one
after another, so Airflow's and dbt's start-up is paid once per group, and groups run at the same time (each
dbt run locks only the DuckDB files it builds), a group starting once the groups it follows are done.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import yaml

from xo_core.environment import Environment, environment, repo_root
from xo_core.errors import XoError
from xo_core.identifiers import qualified_name, quote_identifier
from xo_core.storage.factory import object_store_for
from xo_core.warehouse.duckdb.backend import DuckDBWarehouse
from xo_core.warehouse.metadata import METADATA_COLUMN_NAMES
from xo_sandbox.google.gmail.mailbox import day_kind
from xo_sandbox.sandboxes import start_all
from xo_sandbox.uploads import qa_scores_csv, qa_scores_key


@dataclass(frozen=True)
class DemoGroup:
    """Pipelines one ``xo-foundry run`` process runs in order, once every group named in ``after`` is done."""

    name: str
    pipelines: tuple[str, ...]
    after: tuple[str, ...] = ()


# People and rosters first, so the Gladly pipelines' GOLD reports can name the agents; the pipelines that need
# neither run beside them.
DEMO_GROUPS = (
    DemoGroup("people", ("core/bamboohr_daily", "core/bamboohr_history")),
    DemoGroup("rosters", ("warbyparker/roster_sheet", "condenast/roster_sheet")),
    DemoGroup(
        "uploads, social, e-mail", ("warbyparker/s3_uploads", "warbyparker/sprout_daily", "condenast/email_report")
    ),
    DemoGroup(
        "gladly",
        ("warbyparker/gladly_daily", "condenast/gladly_daily", "warbyparker/gladly_intraday"),
        after=("people", "rosters"),
    ),
)
DEMO_PIPELINES = tuple(pipeline for group in DEMO_GROUPS for pipeline in group.pipelines)

# One daily pipeline of every source kind and client, one after another in this order: Gladly first, since the
# roster and BambooHR transforms build the dashboard, which reads the Gladly aggregate. What
# tests/test_reconcile_pipelines.py reconciles against the simulators and `python -m bench pipeline_runs` times.
RECONCILED_PIPELINES = (
    "warbyparker/gladly_daily",
    "condenast/gladly_daily",
    "warbyparker/sprout_daily",
    "condenast/email_report",
    "warbyparker/s3_uploads",
    "warbyparker/roster_sheet",
    "condenast/roster_sheet",
    "core/bamboohr_history",
)

Echo = Callable[[str], None]


PIPELINES_TIMEZONE = "America/New_York"
"""The time zone every demo pipeline's window is computed in (the configs' `dag.time_window.timezone`)."""


def today_of_the_pipelines() -> date:
    """Today where the pipelines' windows are counted: a run "for today" then reads a day that has ended
    (the machine's own date, often UTC, is tomorrow there every evening)."""
    return datetime.now(ZoneInfo(PIPELINES_TIMEZONE)).date()


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


def run_groups(groups: tuple[DemoGroup, ...], day: date, *, direct: bool, env: dict[str, str], echo: Echo) -> int:
    """Run every group (a thread each, waiting for the groups it follows); return how many pipelines failed.

    A group's output is shown as one block when it ends, so groups running at once do not interleave.
    """
    done = {group.name: threading.Event() for group in groups}
    failed: dict[str, int] = {}
    printing = threading.Lock()

    def run(group: DemoGroup) -> None:
        try:
            for name in group.after:
                done[name].wait()
            started = time.perf_counter()
            args = ["run", *group.pipelines, "--date", day.isoformat(), *(["--direct"] if direct else [])]
            lines: list[str] = []
            code = _stream(foundry(*args), env, lines.append)
            failed[group.name] = code  # xo-foundry run exits with the number of pipelines that failed
            with printing:
                echo(f"  {group.name}: {', '.join(group.pipelines)}")
                for line in lines:
                    echo(line)
                state = "ok" if code == 0 else f"FAILED ({code} pipeline(s))"
                echo(f"    {state} in {time.perf_counter() - started:.1f}s")
        finally:
            done[group.name].set()

    threads = [threading.Thread(target=run, args=(group,), name=f"demo {group.name}") for group in groups]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(failed.values())


def run_demo(day: date, *, direct: bool, echo: Echo = print) -> int:
    """Run the demo; return the number of pipelines that failed (0 when all is well)."""
    env = environment()
    echo(f"XO-Data demo on the embedded default: XO_HOME={env.home}, logical date {day} (window: the day before)")
    echo("\n[1/5] Validate every pipeline config and check the generated DAG files")
    base_env = dict(os.environ)
    if _stream(foundry("validate"), base_env, echo) or _stream(foundry("generate", "--check"), base_env, echo):
        echo("Configs or DAG files are not right: fix them first (`make generate`).")
        return 1
    _stream(foundry("list"), base_env, echo)
    echo("\n[2/5] Start the source simulators on 127.0.0.1, and drop the day's uploads into the landing bucket")
    window_day = day - timedelta(days=1)
    object_store_for(env.object_store_url).put_bytes(
        env.landing_bucket, qa_scores_key(window_day), qa_scores_csv(window_day)
    )
    echo(f"    uploaded   {env.landing_bucket}/{qa_scores_key(window_day)}")
    with start_all() as sandboxes:
        for name, url in sandboxes.urls().items():
            echo(f"    {name:10} {url}")
        run_env = {**base_env, **sandboxes.connection_env()}
        how = "directly (--direct)" if direct else "through the generated Airflow DAGs (dag.test)"
        echo(f"\n[3/5] Run {len(DEMO_PIPELINES)} pipelines {how}, in {len(DEMO_GROUPS)} groups side by side")
        started = time.perf_counter()
        failed = run_groups(DEMO_GROUPS, day, direct=direct, env=run_env, echo=echo)
        echo(f"  all pipelines ran in {time.perf_counter() - started:.1f}s")
    echo("\n[4/5] What is in the warehouse now")
    warehouse = DuckDBWarehouse(env.home)
    show_warehouse(warehouse, env.warehouse_dir, echo)
    echo("  SILVER generated from the load strategies (apps/dbt/models/silver/generated, snapshots/generated):")
    show_generated_silver(warehouse, env, echo)
    echo("\n[5/5] GOLD: the Warby Parker agent daily report (top 10 agents of the latest day)")
    show_agent_report(warehouse, env.database("WBP_DB"), echo)
    echo("\nDone: `make dashboard` shows these reports." if not failed else f"\n{failed} pipeline(s) FAILED.")
    return failed


def show_agent_report(warehouse: DuckDBWarehouse, database: str, echo: Echo, top: int = 10) -> None:
    """The latest day of GOLD.rpt_agent_dashboard: contacts handled, handle time and first response per agent."""
    try:
        connection = warehouse.connect_read_only(database)
    except XoError as exc:
        echo(f"  no report: {exc}")
        return
    try:
        rows = connection.execute(
            f"SELECT ACTIVITY_DATE, coalesce(AGENT_NAME, AGENT_ID), TEAM, CONTACTS_HANDLED,"
            f" HANDLE_TIME_PER_CONTACT_SEC / 60.0, AVG_FIRST_RESPONSE_SEC / 60.0"
            f' FROM "{database}"."GOLD"."rpt_agent_dashboard"'
            f' WHERE ACTIVITY_DATE = (SELECT max(ACTIVITY_DATE) FROM "{database}"."GOLD"."rpt_agent_dashboard")'
            " ORDER BY CONTACTS_HANDLED DESC, 2 LIMIT ?",
            [top],
        ).fetchall()
    except duckdb.Error as exc:
        echo(f"  no report: {exc}")
        return
    finally:
        connection.close()
    echo(f"  {'date':10}  {'agent':24} {'team':18} {'contacts':>8} {'handle min':>10} {'1st resp min':>12}")
    for day, agent, team, contacts, handle, first in rows:
        handle_text = f"{handle:10.1f}" if handle is not None else f"{'-':>10}"
        first_text = f"{first:12.1f}" if first is not None else f"{'-':>12}"
        echo(f"  {day!s:10}  {agent[:24]:24} {(team or '-')[:18]:18} {contacts:8} {handle_text} {first_text}")


GENERATED_SILVER = (
    "apps/dbt/models/silver/generated/_silver_generated.yml",
    "apps/dbt/snapshots/generated/_snapshots_generated.yml",
)
"""The properties files `xo-foundry generate` writes beside the generated SILVER models and snapshots."""


@dataclass(frozen=True)
class GeneratedSilver:
    """A SILVER table generated from a load strategy, as its properties file's ``meta`` describes it."""

    database: str
    table: str
    kind: str
    unique_key: tuple[str, ...]


def generated_silver(root: Path) -> list[GeneratedSilver]:
    """Every generated SILVER table, from the generated properties files under the checkout ``root``."""
    found = []
    for name in GENERATED_SILVER:
        document = yaml.safe_load((root / name).read_text(encoding="utf-8")) if (root / name).is_file() else {}
        for node in [*document.get("models", []), *document.get("snapshots", [])]:
            meta = node["meta"]
            key = tuple(meta["unique_key"])
            found.append(GeneratedSilver(meta["database"], meta["silver_table"], meta["load_strategy"], key))
    return found


def show_generated_silver(warehouse: DuckDBWarehouse, env: Environment, echo: Echo) -> None:
    """Each generated SILVER table: its load strategy and key, rows, distinct keys, and current versions."""
    root = repo_root()
    for table in generated_silver(root) if root is not None else []:
        database = env.database(table.database)
        keys = table.unique_key or ("_XO_WINDOW_START", "_XO_WINDOW_END")
        relation = qualified_name(database, "SILVER", table.table)
        key_list = ", ".join(quote_identifier(k) for k in keys)
        current = "count(*) FILTER (WHERE DBT_VALID_TO IS NULL)" if table.kind == "historical" else "NULL"
        try:
            connection = warehouse.connect_read_only(database)
        except XoError as exc:
            echo(f"    {database}.SILVER.{table.table}: {exc}")
            continue
        try:
            found = connection.execute(
                f"SELECT count(*), count(DISTINCT ({key_list})), {current} FROM {relation}"
            ).fetchone()
        except duckdb.Error:
            found = None
        finally:
            connection.close()
        if found is None:
            echo(f"    {database}.SILVER.{table.table} ({table.kind}): not built")
            continue
        rows, distinct, versions_now = found
        if table.kind == "historical":
            what = f"{rows:,} versions of {distinct:,} keys, {versions_now:,} current"
        elif table.kind == "incremental":
            what = f"{rows:,} rows for {distinct:,} keys (one per key)"
        else:
            what = f"{rows:,} rows of {distinct:,} loaded window(s)"
        echo(f"    {database}.SILVER.{table.table} ({table.kind} on {', '.join(keys)}): {what}")


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
        for row in [r for r in warehouse.ledger_rows(database) if r.step == "load"][-4:]:
            seconds = (row.finished_at - row.started_at).total_seconds() if row.finished_at else 0.0
            echo(
                f"    ledger: {row.table_name} {row.status} {row.rows_loaded} rows in {seconds:.2f}s, files {row.files}"
            )
