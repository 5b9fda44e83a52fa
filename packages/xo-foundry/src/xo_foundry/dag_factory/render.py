"""Render one domain's pipelines into the source of one plain Airflow DAG file."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import jinja2

from xo_core.environment import base_database
from xo_core.extractors.arrival import ArrivingInputConfig, WaitConfig
from xo_foundry.dag_factory.literal import py_literal
from xo_foundry.dag_factory.safety import check_dag_source, comment_text, header_imports
from xo_foundry.schemas.pipeline import PipelineConfig

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("xo_foundry.dag_factory", "templates"),
    autoescape=False,  # noqa: S701 - the output is Python source, not HTML
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
)
_ENV.filters["pystr"] = py_literal
_ENV.filters["pycomment"] = comment_text


@dataclass(frozen=True)
class _SourceView:
    """One source's tasks, and the BRONZE table its load task declares as an Airflow Asset."""

    name: str
    asset_name: str
    asset_uri: str
    pool: str | None
    wait: WaitConfig | None
    """Set for a source whose input may arrive late: its extract waits behind a ``wait_<source>`` sensor."""
    may_skip: bool


@dataclass(frozen=True)
class _PipelineView:
    """What the template needs of one pipeline, already rendered as Python where it is code."""

    dag_id: str
    constant: str
    config_path: str
    literal: str
    description: str
    schedule: str
    start_date: date
    timezone: str
    catchup: bool
    max_active_runs: int
    tags: str
    owner: str
    retries: int
    retry_delay_minutes: int
    alerts: bool
    sources: list[_SourceView]

    @property
    def may_skip(self) -> bool:
        return any(s.may_skip for s in self.sources)


def _view(config_path: str, pipeline: PipelineConfig) -> _PipelineView:
    d = pipeline.dag
    tags = sorted({d.domain, *(s.source_type for s in pipeline.sources.values()), *d.tags})
    return _PipelineView(
        dag_id=pipeline.dag_id,
        constant=pipeline.dag_id.upper(),
        config_path=config_path,
        literal=py_literal(pipeline.model_dump(mode="json", by_alias=True)),
        description=d.description or f"{d.domain}/{d.pipeline_name}: {', '.join(pipeline.sources)}",
        schedule=py_literal(d.schedule),
        start_date=d.start_date,
        timezone=d.time_window.timezone,
        catchup=d.catchup,
        max_active_runs=d.max_active_runs,
        tags="[" + ", ".join(py_literal(t) for t in tags) + "]",
        owner=d.owner,
        retries=d.retries,
        retry_delay_minutes=d.retry_delay_minutes,
        alerts=d.alerts.any,
        sources=[_source_view(pipeline, name) for name in pipeline.sources],
    )


def _source_view(pipeline: PipelineConfig, name: str) -> _SourceView:
    # Assets name the logical table, the same in every environment (WBP_DB, not WBP_DB_DEV).
    database = base_database(pipeline.database)
    source = pipeline.sources[name]
    table = source.snowflake.target_table
    pool = source.extractor.pool()
    settings = source.extractor
    arriving = isinstance(settings, ArrivingInputConfig)
    return _SourceView(
        name=name,
        asset_name=f"{database}.{pipeline.schema_name}.{table}",
        asset_uri=f"xo-bronze://{database}/{pipeline.schema_name}/{table}",
        pool=pool[0] if pool else None,
        wait=settings.wait if arriving else None,
        may_skip=arriving and settings.on_missing == "skip",
    )


def render_pools(pipelines: Iterable[PipelineConfig]) -> str:
    """The Airflow pools the DAGs use, in the format of ``airflow pools import`` (sorted, deterministic)."""
    pools: dict[str, dict[str, object]] = {}
    for pipeline in pipelines:
        for source in pipeline.sources.values():
            pool = source.extractor.pool()
            if pool is None:
                continue
            name, slots = pool
            # Two pipelines on one connection share one pool: the smallest number of slots asked for wins.
            known = pools.get(name)
            slots = min(slots, int(str(known["slots"]))) if known else slots
            description = f"{source.source_type} tasks of one connection share its limit (xo-foundry generate)"
            pools[name] = {"slots": slots, "description": description, "include_deferred": False}
    return json.dumps(dict(sorted(pools.items())), indent=2) + "\n"


def render_domain(domain: str, pipelines: list[tuple[str, PipelineConfig]]) -> str:
    """The DAG file of one domain; ``pipelines`` are (config path relative to the repo, config) pairs."""
    views = [_view(path, p) for path, p in sorted(pipelines, key=lambda item: item[1].dag_id)]
    return _ENV.get_template("domain_dags.py.j2").render(domain=domain, pipelines=views)


@functools.cache
def _template_imports() -> frozenset[str]:
    return header_imports(_ENV.get_template("domain_dags.py.j2").render(domain="", pipelines=[]))


def check_domain_source(domain: str, source: str) -> None:
    """Refuse (``UnsafeGeneration``) a rendered DAG file that does not parse or holds top-level statements the
    template does not write, such as code a config value smuggled in."""
    check_dag_source(dag_file_name(domain), source, _template_imports())


def dag_file_name(domain: str) -> str:
    return f"{domain}.py"


def is_generated(path: Path) -> bool:
    """True for a file this factory wrote (its first line says so)."""
    with path.open(encoding="utf-8") as f:
        return f.readline().startswith("# Generated by `xo-foundry generate`")
