"""N synthetic pipelines (3 Gladly sources each, so 9 tasks) over 3 domains, as XO-Data pipeline YAML."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from xo_foundry.schemas.loader import load_pipelines
from xo_foundry.schemas.pipeline import PipelineConfig

DOMAINS: tuple[tuple[str, str], ...] = (
    ("warbyparker", "WBP_DB_DEV"),
    ("condenast", "CND_DB_DEV"),
    ("core", "CORE_DB_DEV"),
)
# (source name, Gladly metric set): three reports a client typically loads together.
SOURCES: tuple[tuple[str, str], ...] = (
    ("contact_timestamps", "ContactTimestampsReport"),
    ("conversation_timestamps", "ConversationTimestampsReport"),
    ("agent_durations", "AgentDurationsReportV2"),
)


@dataclass(frozen=True)
class SyntheticPipeline:
    """What both the XO YAML and the dag-factory YAML say about one pipeline."""

    domain: str
    database: str
    name: str
    schedule: str
    timezone: str = "America/New_York"
    start_date: date = date(2025, 1, 1)
    owner: str = "data-engineering"
    retries: int = 2
    retry_delay_minutes: int = 5
    sources: tuple[str, ...] = tuple(s for s, _ in SOURCES)

    @property
    def dag_id(self) -> str:
        return f"{self.domain}_{self.name}"

    @property
    def description(self) -> str:
        return f"{self.domain}/{self.name}: {', '.join(self.sources)}"

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(sorted({self.domain, "gladly_api", "bench"}))


def synthetic_pipelines(n: int) -> list[SyntheticPipeline]:
    """``n`` pipelines, dealt round-robin over the domains, each on its own minute of the morning."""
    out = []
    for i in range(n):
        domain, database = DOMAINS[i % len(DOMAINS)]
        out.append(SyntheticPipeline(domain, database, f"gladly_bench_{i:04d}", f"{i % 60} {5 + i % 3} * * *"))
    return out


def xo_yaml(p: SyntheticPipeline) -> str:
    """The pipeline in the shape of apps/airflow/xo-pipelines/configs/<domain>/<pipeline>.yaml."""
    sources = "".join(
        f"""  {source}:
    source_type: gladly_api
    load_strategy: full_refresh
    extractor:
      metric_set: {metric_set}
    snowflake:
      target_table: {p.name.upper()}_{source.upper()}
"""
        for source, metric_set in SOURCES
    )
    return f"""dag:
  domain: {p.domain}
  pipeline_name: {p.name}
  pipeline_type: snowflake_load
  schedule: "{p.schedule}"
  tags: [bench]
  time_window:
    refresh_type: daily
    lag: {{ days: 1 }}
    timezone: "{p.timezone}"

globals:
  snowflake:
    database: {p.database}
    schema: BRONZE

sources:
{sources}"""


def write_and_load(pipelines: list[SyntheticPipeline], config_root: Path) -> dict[Path, PipelineConfig]:
    """Write each pipeline to ``config_root/<domain>/<name>.yaml`` and validate them with the real loader."""
    for p in pipelines:
        path = config_root / p.domain / f"{p.name}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(xo_yaml(p), encoding="utf-8")
    result = load_pipelines(root=config_root)
    if not result.ok:
        raise RuntimeError("synthetic configs do not validate:\n" + "\n".join(str(x) for x in result.problems[:10]))
    if len(result.pipelines) != len(pipelines):
        raise RuntimeError(f"loaded {len(result.pipelines)} pipelines, wrote {len(pipelines)}")
    return result.pipelines
