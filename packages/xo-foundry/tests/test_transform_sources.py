"""The generated dbt sources: committed file up to date, every BRONZE table listed, names per environment."""

from __future__ import annotations

from pathlib import Path

import yaml

from xo_foundry.schemas.loader import DEFAULT_CONFIG_ROOT, load_pipelines
from xo_foundry.transform.dbt_sources import SOURCES_FILE, pipeline_selection, render_dbt_sources

REPO = DEFAULT_CONFIG_ROOT.parents[3]


def _pipelines() -> dict:
    result = load_pipelines(root=DEFAULT_CONFIG_ROOT)
    assert result.ok, result.problems
    return result.pipelines


def test_committed_sources_file_equals_the_rendered_one() -> None:
    rendered = render_dbt_sources(_pipelines())
    assert list(rendered) == [SOURCES_FILE]
    committed = (REPO / SOURCES_FILE).read_text(encoding="utf-8")
    assert committed == rendered[SOURCES_FILE], "apps/dbt/models/bronze/_sources.yml is stale: regenerate it"


def test_rendering_is_deterministic_whatever_the_order_of_the_pipelines() -> None:
    pipelines = _pipelines()
    reversed_order = dict(reversed(list(pipelines.items())))
    assert render_dbt_sources(reversed_order) == render_dbt_sources(pipelines)


def test_every_bronze_table_is_a_source_with_metadata_columns_and_freshness() -> None:
    pipelines = _pipelines()
    parsed = yaml.safe_load(render_dbt_sources(pipelines)[SOURCES_FILE])
    listed = {
        (source["database"].split("{")[0], table["name"]): table
        for source in parsed["sources"]
        for table in source["tables"]
    }
    expected = {
        (p.database.removesuffix("_DEV"), s.snowflake.target_table)
        for p in pipelines.values()
        for s in p.sources.values()
    }
    assert set(listed) == expected
    contact = listed[("WBP_DB", "GLADLY_CONTACT_TIMESTAMPS")]
    assert [c["name"] for c in contact["columns"]] == [
        "_XO_SOURCE_FILE",
        "_XO_FILE_ROW_NUMBER",
        "_XO_LOADED_AT",
        "_XO_RUN_ID",
        "_XO_WINDOW_START",
        "_XO_WINDOW_END",
    ]
    assert contact["config"]["loaded_at_field"] == "_XO_LOADED_AT"
    assert contact["config"]["freshness"]["error_after"] == {"count": 78, "period": "hour"}
    assert contact["meta"]["timezone"] == "America/New_York"
    roster = listed[("WBP_DB", "SHEETS_AGENT_ROSTER")]
    assert roster["meta"]["load_strategy"] == "incremental"
    assert roster["meta"]["unique_key"] == ["GLADLY_AGENT_ID"]


def test_database_follows_the_target_prod_or_dev() -> None:
    parsed = yaml.safe_load(render_dbt_sources(_pipelines())[SOURCES_FILE])
    databases = {s["name"]: s["database"] for s in parsed["sources"]}
    assert databases["wbp_db"] == "WBP_DB{{ '' if target.name == 'prod' else '_DEV' }}"
    assert set(databases) == {"wbp_db", "cnd_db", "core_db"}


def test_pipeline_selection_is_everything_downstream_of_its_tables() -> None:
    pipelines = {p.dag_id: p for p in _pipelines().values()}
    assert pipeline_selection(pipelines["warbyparker_gladly_daily"]) == [
        "source:wbp_db.GLADLY_CONTACT_TIMESTAMPS+",
        "source:wbp_db.GLADLY_WORK_SESSIONS+",
    ]
    assert pipeline_selection(pipelines["core_bamboohr_history"]) == ["source:core_db.BAMBOOHR_EMPLOYEE_HISTORY+"]


def test_sources_file_path_is_inside_the_dbt_project() -> None:
    assert (REPO / SOURCES_FILE).parent.parent.parent.joinpath("dbt_project.yml").is_file()
    assert isinstance(SOURCES_FILE, Path) and not SOURCES_FILE.is_absolute()
