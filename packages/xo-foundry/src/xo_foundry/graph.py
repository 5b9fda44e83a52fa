"""The task graph of a pipeline, defined once: its steps, what each runs after, and what it hands the next.

Per source: an optional ``wait_<source>`` sensor (an input that may arrive late), ``extract_<source>``,
``stage_<source>`` (takes the extract's result), ``load_<source>`` (takes the stage's result, declares its BRONZE
table as an Airflow Asset); then one ``transform`` after every load. ``pipeline_graph`` derives it from a
validated ``PipelineConfig``; the DAG builder (``dag_factory.build``) turns it into an Airflow DAG, and
``run --direct``, ``backfill --direct`` and ``replay`` walk it in this process (``cli.run.walk``).

The graph is plain data (JSON-safe, no secrets): ``xo-foundry generate`` writes it into the DAG data files, and
the DAG processor reads it back at parse without importing the config models.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from xo_foundry.schemas.pipeline import PipelineConfig

StepKind = Literal["wait", "extract", "stage", "load", "transform"]
WAIT, EXTRACT, STAGE, LOAD, TRANSFORM = "wait", "extract", "stage", "load", "transform"
# A source may end skipped (on_missing: skip): the transform then builds what the other sources loaded, unless one
# failed.
AFTER_SKIPS = "none_failed_min_one_success"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sensor(_Frozen):
    """A ``wait_<source>`` step: reschedule mode, poking every ``poke_interval`` seconds; Airflow's own timeout
    is a backstop one poke after the source's deadline (``tasks.wait_tasks``)."""

    poke_interval: int
    timeout: int


class Outlet(_Frozen):
    """The BRONZE table a load writes, as an Airflow Asset: the logical table, the same in every environment."""

    name: str
    uri: str


class Step(_Frozen):
    """One task of the graph."""

    task_id: str
    kind: StepKind
    source: str | None = None
    takes: str | None = None
    """The step whose result this one receives (stage ← extract, load ← stage)."""
    after: tuple[str, ...] = ()
    """The steps this one runs after without receiving their result (extract after its wait, transform after
    every load)."""
    pool: str | None = None
    outlet: Outlet | None = None
    sensor: Sensor | None = None
    trigger_rule: str | None = None


class DagSettings(_Frozen):
    """The DAG's own settings: schedule, start, retries, alerts."""

    dag_id: str
    description: str
    schedule: str | None
    start_date: date
    timezone: str
    catchup: bool
    max_active_runs: int
    tags: tuple[str, ...]
    owner: str
    retries: int
    retry_delay_minutes: int
    alerts: bool


class PipelineGraph(_Frozen):
    """A pipeline's DAG settings and its steps, each listed after every step it depends on."""

    dag: DagSettings
    steps: tuple[Step, ...]

    def step(self, task_id: str) -> Step:
        for step in self.steps:
            if step.task_id == task_id:
                return step
        raise KeyError(f"graph {self.dag.dag_id} has no step {task_id!r}")


def pipeline_graph(pipeline: PipelineConfig) -> PipelineGraph:
    """The graph of a validated pipeline."""
    steps: list[Step] = []
    for name in pipeline.sources:
        steps.extend(_source_steps(pipeline, name))
    loads = tuple(s.task_id for s in steps if s.kind == LOAD)
    may_skip = any(_arriving(pipeline, name)[1] for name in pipeline.sources)
    steps.append(Step(task_id=TRANSFORM, kind=TRANSFORM, after=loads, trigger_rule=AFTER_SKIPS if may_skip else None))
    return PipelineGraph(dag=_settings(pipeline), steps=tuple(steps))


def _settings(pipeline: PipelineConfig) -> DagSettings:
    d = pipeline.dag
    return DagSettings(
        dag_id=pipeline.dag_id,
        description=d.description or f"{d.domain}/{d.pipeline_name}: {', '.join(pipeline.sources)}",
        schedule=d.schedule,
        start_date=d.start_date,
        timezone=d.time_window.timezone,
        catchup=d.catchup,
        max_active_runs=d.max_active_runs,
        tags=tuple(sorted({d.domain, *(s.source_type for s in pipeline.sources.values()), *d.tags})),
        owner=d.owner,
        retries=d.retries,
        retry_delay_minutes=d.retry_delay_minutes,
        alerts=d.alerts.any,
    )


def _arriving(pipeline: PipelineConfig, name: str) -> tuple[Sensor | None, bool]:
    """The source's sensor (an input that may arrive late), and whether a missing input ends it skipped."""
    from xo_core.extractors.arrival import ArrivingInputConfig

    settings = pipeline.sources[name].extractor
    if not isinstance(settings, ArrivingInputConfig):
        return None, False
    wait = settings.wait
    sensor = None
    if wait is not None:
        sensor = Sensor(
            poke_interval=wait.poke_interval_seconds, timeout=wait.timeout_seconds + wait.poke_interval_seconds
        )
    return sensor, settings.on_missing == "skip"


def _source_steps(pipeline: PipelineConfig, name: str) -> list[Step]:
    from xo_core.environment import base_database

    source = pipeline.sources[name]
    pool = source.extractor.pool()
    sensor, _ = _arriving(pipeline, name)
    database, schema, table = base_database(pipeline.database), pipeline.schema_name, source.snowflake.target_table
    # Airflow's Asset leaves a URI whose scheme starts with "x-" as it is (airflow.sdk.definitions.asset's
    # _sanitize_uri); any other scheme makes the first Asset of a parse load every provider's URI handlers to
    # look for a normalizer (boto3 included: 0.3 s of each parsing process, measured in bench/README.md).
    outlet = Outlet(name=f"{database}.{schema}.{table}", uri=f"x-xo-bronze://{database}/{schema}/{table}")
    steps = [Step(task_id=f"wait_{name}", kind=WAIT, source=name, sensor=sensor)] if sensor else []
    return [
        *steps,
        Step(
            task_id=f"extract_{name}",
            kind=EXTRACT,
            source=name,
            after=tuple(s.task_id for s in steps),
            pool=pool[0] if pool else None,
        ),
        Step(task_id=f"stage_{name}", kind=STAGE, source=name, takes=f"extract_{name}"),
        Step(task_id=f"load_{name}", kind=LOAD, source=name, takes=f"stage_{name}", outlet=outlet),
    ]
