"""Build Airflow 3 DAGs from pipelines' task graphs (``xo_foundry.graph``), at parse, in the DAG processor.

A generated DAG file calls ``build_domain(__file__)``: it reads the data file beside it (``<domain>.json``, the
validated configs and their graphs, written by ``xo-foundry generate``) and builds each pipeline's DAG on its own
(``guard.build_all``), so one that fails to build becomes its ``xo:broken`` placeholder and the others load.
Nothing here reads a YAML config or validates one: the configs were validated when the data file was generated,
and each task validates its config again when it runs (``tasks.runtime.task_run``).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from xo_foundry.dag_factory.guard import build_all
from xo_foundry.graph import PipelineGraph, Step

DATA_SUFFIX = ".json"


def data_file(dag_file: str | Path) -> Path:
    """The data file a generated DAG file reads: beside it, same name, ``.json``."""
    return Path(dag_file).with_suffix(DATA_SUFFIX)


def build_domain(dag_file: str) -> list[str]:
    """Build the DAG of every pipeline in the data file beside ``dag_file``; return the dag ids that failed."""
    entries = json.loads(data_file(dag_file).read_text(encoding="utf-8"))["pipelines"]
    return build_all([(e["dag_id"], functools.partial(build_dag, e["graph"], e["config"])) for e in entries])


def build_dag(graph: PipelineGraph | Mapping[str, Any], config: Mapping[str, Any]) -> Any:
    """The Airflow DAG of one pipeline's graph; its tasks call the task library with ``config``."""
    import pendulum
    from airflow.sdk import DAG

    from xo_foundry.alerts import failure_notifiers

    graph = graph if isinstance(graph, PipelineGraph) else PipelineGraph.model_validate(graph)
    d = graph.dag
    default_args: dict[str, Any] = {
        "owner": d.owner,
        "retries": d.retries,
        "retry_delay": timedelta(minutes=d.retry_delay_minutes),
    }
    if d.alerts:
        default_args["on_failure_callback"] = failure_notifiers(config)
    start = d.start_date
    with DAG(
        dag_id=d.dag_id,
        description=d.description,
        schedule=d.schedule,
        start_date=pendulum.datetime(start.year, start.month, start.day, tz=d.timezone),
        catchup=d.catchup,
        max_active_runs=d.max_active_runs,
        tags=list(d.tags),
        default_args=default_args,
    ) as dag:
        made: dict[str, Any] = {}
        for step in graph.steps:
            task = _task(step, config)
            made[step.task_id] = task(made[step.takes]) if step.takes else task()
            for upstream in step.after:
                made[upstream] >> made[step.task_id]
    return dag


def _task(step: Step, config: Mapping[str, Any]) -> Any:
    """The TaskFlow task of one step: it runs the step (``tasks.steps.run_step``) and hands on its XCom form."""
    from airflow.sdk import Asset, task

    function = _function(step, config)
    if step.sensor is not None:
        s = step.sensor
        # Reschedule mode frees the worker slot between pokes; the task decides at the source's own deadline.
        sensor = task.sensor(task_id=step.task_id, poke_interval=s.poke_interval, timeout=s.timeout, mode="reschedule")
        return sensor(function)
    options: dict[str, Any] = {"task_id": step.task_id}
    if step.pool:
        options["pool"] = step.pool
    if step.outlet is not None:
        options["outlets"] = [Asset(name=step.outlet.name, uri=step.outlet.uri)]
    if step.trigger_rule:
        options["trigger_rule"] = step.trigger_rule
    return task(**options)(function)


def _function(step: Step, config: Mapping[str, Any]) -> Callable[..., Any]:
    """The task's Python callable: with the received value as its one argument when the step takes one (TaskFlow
    resolves the upstream XCom into it), the Airflow context as keywords."""

    def call(received: Any, context: Mapping[str, Any]) -> Any:
        from xo_foundry.tasks.steps import run_step

        result = run_step(step, config, received, context)
        return result if isinstance(result, bool) else result.xcom()

    def takes(received: dict[str, Any], **context: Any) -> Any:
        return call(received, context)

    def alone(**context: Any) -> Any:
        return call(None, context)

    function = takes if step.takes else alone
    function.__name__ = function.__qualname__ = step.task_id
    return function
