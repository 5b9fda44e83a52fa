"""The Airflow side of a pipeline (``dag``): identity, schedule, time window, retries, alerts."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, field_validator, model_validator

from xo_core.clients import client_for
from xo_core.errors import ConfigError
from xo_foundry.schemas.alerts import AlertsConfig
from xo_foundry.schemas.base import StrictModel
from xo_foundry.schemas.cron import validate_schedule
from xo_foundry.schemas.suggest import nested_error
from xo_foundry.schemas.time_window import TimeWindowConfig

MAX_DAG_ID_LENGTH = 200


class DagConfig(StrictModel):
    """How Airflow runs the pipeline; the DAG id is ``{domain}_{pipeline_name}``."""

    domain: str = Field(description="Client the pipeline serves: warbyparker, condenast or core")
    pipeline_name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="e.g. gladly_daily")
    pipeline_type: Literal["snowflake_load"] = Field(description="Kind of DAG the factory builds")
    schedule: str | None = Field(
        description="5-field cron (e.g. '50 6 * * *'), a preset (@daily, @hourly, ...) or null for manual runs"
    )
    time_window: TimeWindowConfig
    owner: str = Field(default="data-engineering", min_length=1, description="Airflow owner of the tasks")
    retries: int = Field(default=2, ge=0, le=10, description="Retries of a failed task")
    retry_delay_minutes: int = Field(default=5, ge=0, description="Minutes between retries")
    max_active_runs: int = Field(default=1, ge=1, description="Runs of this DAG at once")
    tags: list[str] = Field(default=[], description="Airflow tags")
    description: str = Field(default="", description="Shown in the Airflow UI")
    start_date: date = Field(default=date(2025, 1, 1), description="First logical date")
    catchup: bool = Field(default=False, description="Run the missed intervals since start_date")
    alerts: AlertsConfig = Field(
        default_factory=AlertsConfig,
        description="Where failures are announced (Slack, e-mail); set once per domain in _defaults.yaml",
    )

    @field_validator("domain")
    @classmethod
    def _known_domain(cls, value: str) -> str:
        try:
            client_for(value)
        except ConfigError as error:
            raise ValueError(error.message) from None
        return value

    @field_validator("schedule")
    @classmethod
    def _valid_schedule(cls, value: str | None) -> str | None:
        return None if value is None else validate_schedule(value)

    @model_validator(mode="after")
    def _dag_id_fits(self) -> DagConfig:
        if len(self.dag_id) > MAX_DAG_ID_LENGTH:
            raise nested_error(
                ("pipeline_name",),
                f"dag id {self.dag_id[:40]}... is {len(self.dag_id)} characters (at most {MAX_DAG_ID_LENGTH})",
                self.pipeline_name,
            )
        return self

    @property
    def dag_id(self) -> str:
        return f"{self.domain}_{self.pipeline_name}"
