"""A whole pipeline config: ``dag``, ``globals`` and its ``sources``."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from pydantic import Field, StringConstraints, ValidationInfo, field_validator, model_validator

from xo_core.clients import allowed_databases
from xo_core.extractors import WindowShape
from xo_foundry.schemas.base import StrictModel
from xo_foundry.schemas.dag import DagConfig
from xo_foundry.schemas.globals import GlobalsConfig
from xo_foundry.schemas.sources import SourceConfig
from xo_foundry.schemas.suggest import nested_error, nested_errors

SourceName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]


class PipelineConfig(StrictModel):
    """One pipeline: one Airflow DAG loading one or more sources into BRONZE tables."""

    dag: DagConfig
    # ``globals_`` so the builtin is not shadowed in the class body; YAML and errors say ``globals``.
    globals_: GlobalsConfig = Field(alias="globals")
    sources: dict[SourceName, SourceConfig] = Field(min_length=1, description="Sources by name")

    @field_validator("globals_")
    @classmethod
    def _database_of_domain(cls, value: GlobalsConfig, info: ValidationInfo) -> GlobalsConfig:
        dag: Any = info.data.get("dag")
        if isinstance(dag, DagConfig):
            allowed = allowed_databases(dag.domain)
            if value.snowflake.database not in allowed:
                raise nested_error(
                    ("snowflake", "database"),
                    f"{value.snowflake.database} is not a database of domain {dag.domain!r} "
                    f"(use {' or '.join(allowed)})",
                    value.snowflake.database,
                )
        return value

    @field_validator("sources")
    @classmethod
    def _one_source_per_table(cls, value: dict[str, SourceConfig]) -> dict[str, SourceConfig]:
        writer: dict[str, str] = {}
        for name, source in value.items():
            table = source.snowflake.target_table
            if table in writer:
                raise nested_error(
                    (name, "snowflake", "target_table"),
                    f"{table} is also the target of source {writer[table]!r}",
                    table,
                )
            writer[table] = name
        return value

    @model_validator(mode="after")
    def _sources_fit_the_window_and_domain(self) -> PipelineConfig:
        window = self.dag.time_window
        problems: list[tuple[tuple[str, ...], str, object]] = []
        for name, source in self.sources.items():
            repull = source.repull.to_timedelta() if source.repull else timedelta(0)
            shape = WindowShape(
                whole_days=window.refresh_type == "daily" and repull % timedelta(days=1) == timedelta(0),
                lag=window.lag.to_timedelta(),
            )
            for field, message in source.extractor.window_problems(shape):
                if field == "lag":
                    problems.append((("dag", "time_window", "lag"), f"{message} (source {name})", window.lag))
                else:
                    loc = ("sources", name, "extractor", field)
                    problems.append((loc, message, getattr(source.extractor, field, None)))
            for field, message in source.extractor.domain_problems(self.dag.domain):
                loc = ("sources", name, "extractor", field)
                problems.append((loc, message, getattr(source.extractor, field, None)))
        if problems:
            raise nested_errors(problems)
        return self

    @property
    def dag_id(self) -> str:
        return self.dag.dag_id

    @property
    def database(self) -> str:
        return self.globals_.snowflake.database

    @property
    def schema_name(self) -> str:
        return self.globals_.snowflake.schema_name

    def target(self, source_name: str) -> str:
        """``DATABASE.SCHEMA.TABLE`` a source writes."""
        return f"{self.database}.{self.schema_name}.{self.sources[source_name].snowflake.target_table}"
