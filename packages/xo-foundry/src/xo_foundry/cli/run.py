"""Run one pipeline for one logical date: through Airflow (``dag.test()``) or directly (``--direct``)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Collection, Generator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xo_core.environment import Environment
from xo_core.errors import XoError
from xo_core.private_files import make_private_dirs, open_private
from xo_core.timezones import zone_named
from xo_core.warehouse.duckdb.locking import hold_write_lock
from xo_foundry.schemas.pipeline import PipelineConfig

if TYPE_CHECKING:
    from xo_foundry.tasks.handoffs import HandOff


@dataclass
class StepResult:
    task_id: str
    state: str
    seconds: float
    output: dict[str, Any] = field(default_factory=dict)


def logical_date_for(pipeline: PipelineConfig, day: date) -> datetime:
    """A run "for" a date has its logical date at local midnight of that date (as ``xo-foundry window`` shows)."""
    return datetime(day.year, day.month, day.day, tzinfo=zone_named(pipeline.dag.time_window.timezone))


def direct_context(logical_date: datetime, kind: str, **extra: Any) -> dict[str, Any]:
    """The task context of a run outside Airflow (``kind`` names it in the run id: direct, replay, ...)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    return {
        "logical_date": logical_date,
        "data_interval_start": logical_date,
        "data_interval_end": logical_date,
        "run_id": f"{kind}__{logical_date.isoformat()}__{stamp}",
        **extra,
    }


def walk(
    pipeline: PipelineConfig,
    context: dict[str, Any],
    kinds: Collection[str],
    received: Mapping[str, HandOff] | None = None,
) -> list[StepResult]:
    """Run the steps of the pipeline's graph (``xo_foundry.graph``) whose kind is in ``kinds``, in order, in this
    process: the same task functions the DAG's tasks call. ``received`` holds results of steps left out (replay
    hands in what each extract landed). The first failure propagates."""
    from xo_foundry.graph import pipeline_graph
    from xo_foundry.tasks.handoffs import HandOff
    from xo_foundry.tasks.steps import run_step

    config = pipeline.model_dump(mode="json", by_alias=True)
    results: dict[str, HandOff | bool] = dict(received or {})
    done: list[StepResult] = []
    for step in pipeline_graph(pipeline).steps:
        if step.kind not in kinds:
            continue
        started = time.perf_counter()
        result = run_step(step, config, results[step.takes] if step.takes else None, context)
        results[step.task_id] = result
        output = result.xcom() if isinstance(result, HandOff) else {}
        done.append(StepResult(step.task_id, "success", time.perf_counter() - started, output))
    return done


def run_direct(pipeline: PipelineConfig, logical_date: datetime, *, transform: bool = True) -> list[StepResult]:
    """Walk the pipeline's graph in this process, without Airflow: each source's extract, stage and load, then the
    dbt transform unless ``transform`` is False. A source's ``wait`` is Airflow's (a sensor): here its extract runs
    at once and a missing input is handled by its ``on_missing``."""
    from xo_foundry.graph import EXTRACT, LOAD, STAGE, TRANSFORM

    kinds = {EXTRACT, STAGE, LOAD, TRANSFORM} if transform else {EXTRACT, STAGE, LOAD}
    return walk(pipeline, direct_context(logical_date, "direct"), kinds)


def prepare_airflow(env: Environment, dags_dir: Path) -> None:
    """Point Airflow at the project's state under XO_HOME and create its SQLite metadata DB once."""
    home = env.airflow_home
    make_private_dirs(home)
    os.environ["AIRFLOW_HOME"] = str(home)
    os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(dags_dir)
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    os.environ.setdefault("AIRFLOW__CORE__PARALLELISM", "4")
    # Runs started side by side on a fresh home (the demo's groups) must not migrate the one DB together.
    with hold_write_lock(home / "migrate.lock", purpose="airflow db migrate"):
        if not (home / "airflow.db").is_file():
            migrate = [sys.executable, "-m", "airflow", "db", "migrate"]
            done = subprocess.run(migrate, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise XoError(f"airflow db migrate failed in {home}:\n{done.stderr[-2000:]}")


def _sync_dags(env: Environment) -> None:
    """Write every bundle's DAGs to the metadata DB, one process at a time, as ``dag.test()`` then does again.

    ``dag.test()`` inserts the rows of DAGs it has not seen; two runs started side by side on a fresh DB (the
    demo's groups) would insert the same rows and one would fail on the UNIQUE constraint. Done first under a
    lock, ``dag.test()``'s own write finds the rows there and changes nothing.
    """
    from airflow.dag_processing.bundles.manager import DagBundlesManager
    from airflow.dag_processing.dagbag import BundleDagBag, sync_bag_to_db
    from airflow.utils.session import create_session

    with hold_write_lock(env.airflow_home / "migrate.lock", purpose="sync the DAGs to the metadata DB"):
        manager = DagBundlesManager()
        with create_session() as session:
            manager.sync_bundles_to_db(session=session)
        for bundle in manager.get_all_dag_bundles():
            if not bundle.is_initialized:
                bundle.initialize()
            bag = BundleDagBag(dag_folder=bundle.path, bundle_path=bundle.path, bundle_name=bundle.name)
            sync_bag_to_db(bag, bundle.name, bundle.version)


def run_log_path(env: Environment, pipeline: PipelineConfig, logical_date: datetime) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    return env.home / "logs" / pipeline.dag_id / f"{logical_date.date().isoformat()}-{stamp}.log"


@contextmanager
def output_to(log_path: Path) -> Generator[None]:
    """Send this process's stdout and stderr (file descriptors, so Airflow's own handlers too) to a file."""
    make_private_dirs(log_path.parent)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    # Logs may quote source rows: private like the rest of XO_HOME.
    with os.fdopen(open_private(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND), "ab") as log_file:
        os.dup2(log_file.fileno(), 1)
        os.dup2(log_file.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def run_airflow(
    pipeline: PipelineConfig, logical_date: datetime, env: Environment, dags_dir: Path, log_path: Path
) -> list[StepResult]:
    """Parse the pipeline's generated DAG file and run it with ``dag.test()``: the real DAG, the real tasks.

    Airflow's own output (scheduler and task logs) goes to ``log_path``.
    """
    prepare_airflow(env, dags_dir)
    with output_to(log_path):
        from airflow.dag_processing.dagbag import DagBag

        dag_file = dags_dir / f"{pipeline.dag.domain}.py"
        bag = DagBag(dag_folder=str(dag_file), safe_mode=False)
        if bag.import_errors:
            raise XoError(f"{dag_file} does not import:\n" + "\n".join(bag.import_errors.values()))
        dag = bag.dags.get(pipeline.dag_id)
        if dag is None:
            raise XoError(f"{dag_file} has no DAG {pipeline.dag_id}: run `make generate`")
        _sync_dags(env)
        dag_run = dag.test(logical_date=logical_date)
    results = []
    for ti in sorted(dag_run.get_task_instances(), key=lambda t: (t.start_date or logical_date, t.task_id)):
        seconds = (ti.end_date - ti.start_date).total_seconds() if ti.start_date and ti.end_date else 0.0
        results.append(StepResult(ti.task_id, str(ti.state), seconds))
    return results
