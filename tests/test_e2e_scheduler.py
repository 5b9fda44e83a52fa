"""The generated DAGs under Airflow's real scheduler, as ``make airflow`` and ``make airflow-celery`` start it.

Not ``dag.test()``: an API server, a scheduler, a DAG processor and a triggerer as separate processes, the pools
of pools.json imported with ``airflow pools import``, several DAGs triggered at once through the REST API, and
the tasks run by the executor's own workers against the simulators. Every wait is on a condition, with bounds
generous enough for a busy 2-core machine.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
import psutil
import pytest

from xo_core.errors import XoError
from xo_core.warehouse.duckdb.backend import DuckDBWarehouse
from xo_foundry.cli.run import logical_date_for
from xo_foundry.schemas.loader import load_pipeline
from xo_sandbox.airflow_stack.api import FINISHED, AirflowApi
from xo_sandbox.airflow_stack.servers import free_port, missing_servers, postgres_server, redis_server
from xo_sandbox.airflow_stack.stack import ADMIN, AirflowStack, StackOptions, pipelines_dir
from xo_sandbox.demo import recent_demo_date, today_of_the_pipelines
from xo_sandbox.sandboxes import Sandboxes

PIPELINES = pipelines_dir(Path(__file__).parent)
RUNS = {
    # Two Gladly DAGs whose tasks need their connection's pool (2 slots each), and one that needs none.
    "warbyparker_gladly_daily": "warbyparker/gladly_daily.yaml",
    "condenast_gladly_daily": "condenast/gladly_daily.yaml",
    "core_bamboohr_daily": "core/bamboohr_daily.yaml",
}
BRONZE = {
    "WBP_DB_DEV": ("GLADLY_CONTACT_TIMESTAMPS", "GLADLY_WORK_SESSIONS"),
    "CND_DB_DEV": ("GLADLY_CONVERSATIONS",),
    "CORE_DB_DEV": ("BAMBOOHR_EMPLOYEES",),
}
READY_SECONDS = 420.0  # processes up and healthy; 20-60 s when the machine is idle
RUN_SECONDS = 900.0  # three DAGs, dbt included; about 2 minutes when idle


def _run_and_check(stack: AirflowStack, tmp_path: Path) -> dict[str, float]:
    """Trigger the DAGs of RUNS at once; check their tasks, BRONZE and GOLD. Seconds each phase took."""
    timings: dict[str, float] = {}
    started = time.monotonic()
    stack.wait_ready(timeout=READY_SECONDS)
    api = AirflowApi(stack.url, ADMIN, stack.password)
    api.wait_for_dags(set(RUNS), timeout=READY_SECONDS)
    timings["ready"] = time.monotonic() - started

    day = recent_demo_date(today_of_the_pipelines())
    configs = {dag_id: load_pipeline(PIPELINES / "configs" / path) for dag_id, path in RUNS.items()}
    started = time.monotonic()
    runs = {dag_id: api.trigger(dag_id, logical_date_for(configs[dag_id], day)) for dag_id in RUNS}
    try:
        states = api.wait_for_runs(runs, timeout=RUN_SECONDS)
    finally:
        instances = {dag_id: api.task_instances(dag_id, run_id) for dag_id, run_id in runs.items()}
        pools = api.pools()
        api.close()
    timings["runs"] = time.monotonic() - started
    tasks = {dag_id: {task: ti["state"] for task, ti in tis.items()} for dag_id, tis in instances.items()}
    failed = {dag_id: t for dag_id, t in tasks.items() if set(t.values()) != {"success"}}
    assert states == dict.fromkeys(RUNS, "success"), f"{failed}\nlogs: {stack.airflow_home / 'logs'}"
    for dag_id, config in configs.items():
        expected = {f"{step}_{name}" for name in config.sources for step in ("extract", "stage", "load")}
        assert expected | {"transform"} <= set(tasks[dag_id]), dag_id
    # The pools of pools.json exist (imported at start) and the Gladly extracts ran in their connection's pool.
    assert json.loads((PIPELINES / "pools.json").read_text()).keys() <= pools.keys()
    for dag_id in ("warbyparker_gladly_daily", "condenast_gladly_daily"):
        gladly = [ti for task, ti in instances[dag_id].items() if task.startswith("extract_")]
        assert gladly and {ti["pool"] for ti in gladly} == {"gladly_" + dag_id.split("_")[0]}, dag_id

    warehouse = DuckDBWarehouse(stack.options.xo_home)
    for database, tables in BRONZE.items():
        with warehouse.connect_read_only(database) as connection:
            for table in tables:
                count = connection.execute(f'SELECT count(*) FROM "{database}"."BRONZE"."{table}"').fetchone()
                assert count is not None and count[0] > 0, f"{database}.BRONZE.{table}"
        rows = warehouse.ledger_rows(database)
        assert rows and {r.status for r in rows} == {"SUCCEEDED"}, database
    with warehouse.connect_read_only("WBP_DB_DEV") as connection:
        gold = connection.execute('SELECT count(*) FROM "WBP_DB_DEV"."GOLD"."fct_contacts"').fetchone()
    assert gold is not None and gold[0] > 0
    return timings


@pytest.fixture(scope="module")
def simulators(sandboxes: Sandboxes) -> dict[str, str]:
    """The session's simulators (relaxed limits): the runs only read from them."""
    return sandboxes.connection_env()


@pytest.fixture(scope="module")
def local_stack(tmp_path_factory: pytest.TempPathFactory, simulators: dict[str, str]) -> Iterator[AirflowStack]:
    """One LocalExecutor stack for the tests of this module (it takes a minute to start); each test uses its own
    DAGs or logical dates, so they do not see each other's runs."""
    home = tmp_path_factory.mktemp("local-stack") / "xo-home"
    options = StackOptions(xo_home=home, pipelines=PIPELINES, connections=simulators, port=free_port())
    with AirflowStack(options) as stack:
        yield stack


@pytest.mark.slow
@pytest.mark.timeout(READY_SECONDS * 2 + RUN_SECONDS)
def test_the_local_executor_runs_several_generated_dags_at_once(
    local_stack: AirflowStack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    timings = _run_and_check(local_stack, tmp_path)
    with capsys.disabled():
        print(f"\nLocalExecutor on SQLite: {timings}")


BACKFILL_DAG, BACKFILL_CONFIG = "core_bamboohr_daily", "core/bamboohr_daily.yaml"
BACKFILL_DAYS = [date(2025, 1, 13), date(2025, 1, 14), date(2025, 1, 15)]  # not a date the test above runs


@pytest.mark.slow
@pytest.mark.timeout(READY_SECONDS * 2 + RUN_SECONDS)
def test_airflow_backfill_create_runs_each_date_of_the_range_one_at_a_time(
    local_stack: AirflowStack,
    foundry: Callable[..., subprocess.CompletedProcess[str]],
    subprocess_env: Callable[..., dict[str, str]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    # What the operations page tells people to run: Airflow 3's own backfill of a generated DAG (catchup=False,
    # max_active_runs=1), one run at a time because a backfill does not obey the DAG's max_active_runs.
    stack = local_stack
    stack.wait_ready(timeout=READY_SECONDS)
    api = AirflowApi(stack.url, ADMIN, stack.password)
    api.wait_for_dags({BACKFILL_DAG}, timeout=READY_SECONDS)
    config = load_pipeline(PIPELINES / "configs" / BACKFILL_CONFIG)
    first = logical_date_for(config, BACKFILL_DAYS[0])
    last = logical_date_for(config, BACKFILL_DAYS[-1]) + timedelta(days=1) - timedelta(seconds=1)
    started = time.monotonic()
    _backfill_create(
        stack,
        *("backfill", "create", "--dag-id", BACKFILL_DAG, "--max-active-runs", "1"),
        *("--from-date", first.isoformat(), "--to-date", last.isoformat()),
    )
    deadline = time.monotonic() + RUN_SECONDS
    runs = api.dag_runs(BACKFILL_DAG, "backfill")
    while time.monotonic() < deadline and not (len(runs) == 3 and {r["state"] for r in runs} <= FINISHED):
        time.sleep(2.0)
        runs = api.dag_runs(BACKFILL_DAG, "backfill")
    api.close()
    seconds = time.monotonic() - started

    # One run per date of the range, in order, each succeeded; never two at once (--max-active-runs 1).
    assert [(r["logical_date"][:10], r["state"]) for r in runs] == [(d.isoformat(), "success") for d in BACKFILL_DAYS]
    for before, after in itertools.pairwise(runs):
        assert datetime.fromisoformat(after["start_date"]) >= datetime.fromisoformat(before["end_date"]), runs
    # The ledger has each date's window loaded, so `xo-foundry backfill` of the same range skips every date.
    loads = DuckDBWarehouse(stack.options.xo_home).ledger_rows("CORE_DB_DEV", "BAMBOOHR_EMPLOYEES")
    zone = first.tzinfo
    loaded = {
        r.logical_date.astimezone(zone).date()
        for r in loads
        if r.step == "load" and r.status == "SUCCEEDED" and r.logical_date
    }
    assert set(BACKFILL_DAYS) <= loaded
    env = subprocess_env(stack.options.xo_home, XO_ENV="local")
    span = ("--start", BACKFILL_DAYS[0].isoformat(), "--end", BACKFILL_DAYS[-1].isoformat())
    ours = foundry("backfill", "core/bamboohr_daily", "--direct", *span, env=env, cwd=PIPELINES)
    assert ours.returncode == 0, ours.stdout + ours.stderr
    assert f"done: 0 succeeded, {len(BACKFILL_DAYS)} skipped" in ours.stdout, ours.stdout
    with capsys.disabled():
        print(f"\nairflow backfill create, 3 dates one at a time: {seconds:.0f} s")


@pytest.mark.slow
@pytest.mark.timeout(READY_SECONDS * 2 + RUN_SECONDS)
def test_postgres_and_the_celery_executor_with_two_workers_run_the_same_dags(
    tmp_path: Path, simulators: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    missing = missing_servers(postgres=True, redis=True)
    if missing:
        pytest.skip("the production topology needs its servers here: " + "; ".join(missing))
    with ExitStack() as servers:
        postgres = servers.enter_context(postgres_server())
        broker = servers.enter_context(redis_server())
        options = StackOptions(
            xo_home=tmp_path / "xo-home",
            pipelines=PIPELINES,
            connections=simulators,
            port=free_port(),
            executor="celery",
            metadata_url=postgres.sqlalchemy_url,
            broker_url=broker,
        )
        with AirflowStack(options) as stack:
            timings = _run_and_check(stack, tmp_path)
            workers = [c.name for c in stack.components if c.name.startswith("worker")]
            stack.check_alive()
    assert workers == ["worker1", "worker2"]
    with capsys.disabled():
        print(f"\nCeleryExecutor, PostgreSQL, Redis, 2 workers: {timings}")


@pytest.mark.slow
@pytest.mark.timeout(READY_SECONDS * 2)
def test_make_airflow_serves_the_ui_on_localhost_and_stops_everything_on_ctrl_c(tmp_path: Path) -> None:
    # What `make airflow` runs (on another port, so that it does not meet an engineer's own stack on 8080).
    port = free_port()
    command = [str(Path(sys.executable).parent / "xo-sandbox"), "airflow", "--port", str(port)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "XO_"))}
    env["XO_HOME"] = str(tmp_path / "xo-home")
    env["PYTHONFAULTHANDLER"] = "1"  # a SIGABRT prints every thread's stack: what a hung stop was doing
    process = subprocess.Popen(command, cwd=PIPELINES, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert process.stdout is not None
    # Read everything it prints on a thread, so that a full pipe can never block the command under test.
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line.decode()) for line in process.stdout or ()], daemon=True)
    reader.start()
    printed: list[str] = []
    try:
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline and not any(line.startswith("Airflow UI:") for line in printed):
            with contextlib.suppress(queue.Empty):
                printed.append(lines.get(timeout=1.0))
            if process.poll() is not None and lines.empty():
                break
        ui = next((line for line in printed if line.startswith("Airflow UI:")), None)
        assert ui is not None, "".join(printed)
        assert f"http://127.0.0.1:{port}" in ui and "user admin, password " in ui
        password = ui.rsplit("password ", 1)[1].rstrip(")\n ")
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=30).status_code == 200  # the UI's page
        api = AirflowApi(f"http://127.0.0.1:{port}", ADMIN, password)
        api.wait_for_dags(set(RUNS), timeout=READY_SECONDS)
        assert json.loads((PIPELINES / "pools.json").read_text()).keys() <= api.pools().keys()
        api.close()
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C
        try:
            code = process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            children = psutil.Process(process.pid).children(recursive=True)
            left = [_described(child) for child in children]
            process.send_signal(signal.SIGABRT)
            process.wait(timeout=30)
            for child in children:  # nothing of it outlives the test
                with contextlib.suppress(psutil.Error):
                    child.kill()
            reader.join(timeout=10)
            rest = "".join(lines.queue)
            pytest.fail(f"still running 120 s after Ctrl-C; its processes: {left}; it printed:\n{rest}")
    reader.join(timeout=30)
    rest = "".join(lines.queue)
    assert code == 0, "".join(printed) + rest
    assert "Stopping Airflow and the simulators" in rest
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/api/v2/monitor/health", timeout=5)


def _described(process: psutil.Process) -> str:
    """pid, state and command line of a process that may have ended or be a zombie meanwhile."""
    try:
        return f"{process.pid} {process.status()} {' '.join(process.cmdline()[:4])}"
    except psutil.Error as exc:
        return f"{process.pid} ({type(exc).__name__})"


def _backfill_create(stack: AirflowStack, *args: str, attempts: int = 3) -> None:
    """``airflow backfill create``, again after SQLite refused it as a deadlock with the running scheduler.

    The CLI holds a read lock in a transaction and then writes; when the scheduler is writing at that moment,
    SQLite refuses one of the two at once ("database is locked": a busy timeout does not apply to a deadlock).
    Airflow commits the backfill row before its runs and removes it again only after a PostgreSQL or MySQL lock
    error (``airflow.models.backfill._create_backfill``), so the row is removed here as Airflow does there.
    """
    for attempt in range(1, attempts + 1):
        try:
            stack.airflow(*args)
            return
        except XoError as exc:
            if "database is locked" not in str(exc) or attempt == attempts:
                raise
        with contextlib.closing(sqlite3.connect(stack.airflow_home / "airflow.db", timeout=60)) as db, db:
            orphans = [row[0] for row in db.execute("SELECT id FROM backfill WHERE dag_id = ?", (BACKFILL_DAG,))]
            for backfill in orphans:
                db.execute("DELETE FROM backfill_dag_run WHERE backfill_id = ?", (backfill,))
                db.execute("DELETE FROM dag_run WHERE backfill_id = ?", (backfill,))
                db.execute("DELETE FROM backfill WHERE id = ?", (backfill,))
