"""What every task derives from its arguments: the config, the environment, the store, the window, the run."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from xo_core.environment import Environment, environment
from xo_core.errors import ConfigError
from xo_core.storage.base import ObjectStore
from xo_core.storage.factory import object_store_for
from xo_core.warehouse.base import Warehouse
from xo_foundry.schemas.pipeline import PipelineConfig
from xo_foundry.schemas.sources import SourceConfig
from xo_foundry.time_window import TimeWindow, window_from_context

log = logging.getLogger("xo_foundry.tasks")


@dataclass(frozen=True)
class TaskRun:
    """One task's view of its run."""

    pipeline: PipelineConfig
    source_name: str
    env: Environment
    run_id: str

    @property
    def source(self) -> SourceConfig:
        return self.pipeline.sources[self.source_name]

    @property
    def domain(self) -> str:
        return self.pipeline.dag.domain

    def store(self) -> ObjectStore:
        return object_store_for(self.env.object_store_url)

    def window(self, context: Mapping[str, Any]) -> TimeWindow:
        """The window this source pulls in this run (the run's window, reaching back by the source's ``repull``)."""
        return self.source.extract_window(window_from_context(self.pipeline.dag.time_window, context))

    def warehouse(self, database: str, context: Mapping[str, Any]) -> Warehouse:
        """The environment's warehouse for ``database``, with its connection (``snowflake_<env>``) resolved."""
        from xo_core.warehouse.factory import warehouse_for
        from xo_core.warehouse.snowflake.connect import query_tag
        from xo_foundry.tasks.connections import connection_for

        conn_id = self.env.warehouse_conn_id
        connection = connection_for(conn_id, context) if conn_id else None
        tag = query_tag(dag_id=self.pipeline.dag_id, source=self.source_name, run_id=self.run_id)
        return warehouse_for(self.env, database=database, connection=connection, tag=tag)


def task_run(pipeline: Mapping[str, Any], source_name: str, context: Mapping[str, Any]) -> TaskRun:
    """Validate the DAG's config again (cheap, and it catches a hand-edited DAG file) and resolve the run."""
    config = PipelineConfig.model_validate(pipeline)
    if source_name not in config.sources:
        raise ConfigError(f"pipeline {config.dag_id} has no source {source_name!r}")
    run_id = str(context.get("run_id") or "")
    if not run_id:
        raise ConfigError("the task context has no run_id")
    return TaskRun(pipeline=config, source_name=source_name, env=environment(), run_id=run_id)
