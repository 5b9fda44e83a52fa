"""The SILVER models generated from the load strategies: committed files up to date, names, hand-written
replacements, stale files, and the config's column map refused when it could become code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from xo_foundry.schemas.loader import DEFAULT_CONFIG_ROOT, load_pipelines
from xo_foundry.transform.silver_models import MODELS_DIR, MODELS_PROPERTIES, SNAPSHOTS_DIR, plan_silver

REPO = DEFAULT_CONFIG_ROOT.parents[3]
ROSTER = "warbyparker/roster_sheet.yaml"


def _pipelines(root: Path = DEFAULT_CONFIG_ROOT) -> dict:
    result = load_pipelines(root=root)
    assert result.ok, result.problems
    return result.pipelines


def _configs(tmp_path: Path) -> Path:
    """A copy of the configs to edit."""
    root = tmp_path / "apps" / "airflow" / "xo-pipelines" / "configs"
    shutil.copytree(DEFAULT_CONFIG_ROOT, root)
    return root


def test_committed_silver_files_equal_the_rendered_ones_and_rendering_is_deterministic() -> None:
    pipelines = _pipelines()
    plan = plan_silver(pipelines, REPO)
    for path, text in plan.files.items():
        assert (REPO / path).read_text(encoding="utf-8") == text, f"{path} is stale: run `make generate`"
    assert plan.stale == []
    assert plan_silver(dict(reversed(list(pipelines.items()))), REPO).files == plan.files


def test_each_load_strategy_gives_its_model_named_after_the_bronze_table() -> None:
    files = plan_silver(_pipelines(), REPO).files
    roster = files[MODELS_DIR / "generated" / "wbp_db__AGENT_ROSTER.sql"]
    assert "alias='AGENT_ROSTER'" in roster and "unique_key=['GLADLY_AGENT_ID']" in roster
    assert "partition by GLADLY_AGENT_ID order by _XO_LOADED_AT desc, _XO_FILE_ROW_NUMBER desc" in roster
    assert "{{ xo_typed('START_DATE', 'date') }} as START_DATE" in roster
    history = files[SNAPSHOTS_DIR / "generated" / "core_db__EMPLOYEE_VERSIONS.sql"]
    assert "strategy='timestamp'" in history and "updated_at='LAST_CHANGED'" in history
    intraday = files[MODELS_DIR / "generated" / "wbp_db__WORK_SESSIONS_INTRADAY.sql"]
    assert "unique_key=['_XO_WINDOW_START', '_XO_WINDOW_END']" in intraday and "qualify" not in intraday


def test_a_hand_written_model_of_the_same_table_replaces_the_generated_one(tmp_path: Path) -> None:
    pipelines = _pipelines()
    generated = tmp_path / MODELS_DIR / "generated" / "wbp_db__AGENT_ROSTER.sql"
    generated.parent.mkdir(parents=True)
    generated.write_text(plan_silver(pipelines, tmp_path).files[generated.relative_to(tmp_path)])
    hand = tmp_path / MODELS_DIR / "warbyparker" / "AGENT_ROSTER.sql"
    hand.parent.mkdir(parents=True)
    hand.write_text("select 1 as GLADLY_AGENT_ID\n")
    plan = plan_silver(pipelines, tmp_path)
    assert generated.relative_to(tmp_path) not in plan.files
    assert plan.stale == [generated.relative_to(tmp_path)]  # the generated file is removed, not left to clash
    note = "WBP_DB.SILVER.AGENT_ROSTER (warbyparker_roster_sheet source agent_roster): hand-written "
    assert any(n.startswith(note) and "AGENT_ROSTER.sql replaces" in n for n in plan.notes)
    assert note in plan.files[MODELS_PROPERTIES]


@pytest.mark.parametrize(
    ("silver", "message"),
    [
        ("{columns: {START_DATE: datetime}}", "sources.agent_roster.silver.columns.START_DATE: Input should be"),
        ('{columns: {"A}} {{ x": date}}', "is not a BRONZE column name"),
        ("{columns: {_XO_RUN_ID: bigint}}", "silver.columns._XO_RUN_ID: the _XO_ metadata columns are typed already"),
        (
            '{model: "roster\'; drop"}',
            'roster_sheet.yaml:25: sources.agent_roster.silver.model: "roster\'; drop" must match',
        ),
        ("{typo: 1}", "sources.agent_roster.silver.typo: unknown field 'typo'"),
    ],
)
def test_a_bad_column_map_is_refused_naming_file_line_and_field(tmp_path: Path, silver: str, message: str) -> None:
    root = _configs(tmp_path)
    path = root / ROSTER
    path.write_text(
        path.read_text().replace(
            "    silver:\n      columns: {START_DATE: date, ACTIVE: boolean}\n", f"    silver: {silver}\n"
        )
    )
    problems = [str(p) for p in load_pipelines(root=root).problems]
    assert any(ROSTER in p and message in p for p in problems), problems


def test_two_sources_getting_the_same_silver_table_are_refused(tmp_path: Path) -> None:
    root = _configs(tmp_path)
    path = root / "core" / "bamboohr_history.yaml"
    path.write_text(path.read_text().replace("model: EMPLOYEE_VERSIONS", "model: EMPLOYEES"))
    problems = [str(p) for p in load_pipelines(root=root).problems]
    assert any(
        "core/bamboohr_history.yaml" in p and "CORE_DB_DEV.SILVER.EMPLOYEES is also the SILVER of" in p
        for p in problems
    ), problems


def test_updated_at_must_be_an_instant(tmp_path: Path) -> None:
    root = _configs(tmp_path)
    path = root / "core" / "bamboohr_history.yaml"
    path.write_text(path.read_text().replace("columns: {ID: bigint,", "columns: {LAST_CHANGED: varchar, ID: bigint,"))
    problems = [str(p) for p in load_pipelines(root=root).problems]
    assert any(
        "silver.columns.LAST_CHANGED: load_strategy.updated_at must be a timestamp or date" in p for p in problems
    )
