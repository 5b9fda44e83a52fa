"""Loading pipeline configs: defaults files, the seed and example configs, many files at once."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from xo_foundry.schemas.errors import ConfigErrors, ConfigProblem
from xo_foundry.schemas.load_strategy import Historical, Incremental
from xo_foundry.schemas.loader import DEFAULT_CONFIG_ROOT, load_pipeline, load_pipelines
from xo_foundry.schemas.pipeline import PipelineConfig
from xo_foundry.schemas.time_window import IntradayRelativeWindow

SEED = Path(__file__).parent / "fixtures" / "seed_example_pipeline.yaml"  # the seed's example, copied in
EXAMPLES = sorted(p for p in DEFAULT_CONFIG_ROOT.rglob("*.yaml") if not p.name.startswith("_"))

PIPELINE = """\
dag:
  domain: warbyparker
  pipeline_name: {name}
  pipeline_type: snowflake_load
  schedule: "@daily"
  time_window:
    refresh_type: daily
sources:
  one:
    source_type: gladly_api
    load_strategy: full_refresh
    extractor: {{metric_set: ContactTimestampsReport}}
    snowflake: {{target_table: {table}}}
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_seed_example_validates_as_written() -> None:
    config = load_pipeline(SEED)
    assert (config.dag_id, config.database, config.schema_name) == ("warbyparker_gladly_daily", "WBP_DB_DEV", "BRONZE")
    assert config.target("contact_timestamps") == "WBP_DB_DEV.BRONZE.GLADLY_CONTACT_TIMESTAMPS"


def test_every_example_config_validates() -> None:
    result = load_pipelines()
    assert result.problems == []
    assert sorted(result.pipelines) == list(EXAMPLES)
    assert {c.dag_id for c in result.pipelines.values()} >= {
        "warbyparker_gladly_daily",
        "warbyparker_gladly_intraday",
        "warbyparker_sprout_daily",
        "warbyparker_roster_sheet",
        "warbyparker_s3_uploads",
        "condenast_gladly_daily",
        "condenast_email_report",
        "core_bamboohr_daily",
        "core_bamboohr_history",
    }


def test_example_configs_carry_the_schema_comment() -> None:
    for path in EXAMPLES:
        assert path.read_text().splitlines()[0] == "# yaml-language-server: $schema=../../schema/pipeline.schema.json"


def test_examples_use_each_variant() -> None:
    configs = {c.dag_id: c for c in load_pipelines().pipelines.values()}
    assert isinstance(configs["warbyparker_gladly_intraday"].dag.time_window, IntradayRelativeWindow)
    roster = configs["warbyparker_roster_sheet"].sources["agent_roster"].load_strategy
    assert isinstance(roster, Incremental) and roster.unique_key == ["GLADLY_AGENT_ID"]
    history = configs["core_bamboohr_history"].sources["employee_history"].load_strategy
    assert isinstance(history, Historical) and history.updated_at == "LAST_CHANGED"
    assert configs["core_bamboohr_daily"].database == "CORE_DB_DEV"


def test_defaults_nearest_wins_and_pipeline_wins(tmp_path: Path) -> None:
    write(
        tmp_path / "_defaults.yaml",
        "dag:\n  owner: root-team\n  retries: 4\n  tags: [root]\n  time_window: {timezone: UTC}\n",
    )
    write(
        tmp_path / "warbyparker/_defaults.yaml",
        "dag:\n  owner: wbp-team\n  tags: [wbp, gladly]\n  time_window:\n    timezone: America/New_York\n"
        "globals:\n  snowflake: {database: WBP_DB_DEV}\n",
    )
    pipeline = write(tmp_path / "warbyparker/p.yaml", PIPELINE.format(name="p", table="T") + "  # end\n")
    config = load_pipeline(pipeline, root=tmp_path)
    assert config.dag.owner == "wbp-team"  # nearest defaults beat the root's
    assert config.dag.retries == 4  # the root's still apply where nothing nearer says otherwise
    assert config.dag.time_window.timezone == "America/New_York"
    assert config.database == "WBP_DB_DEV"
    assert config.dag.time_window.refresh_type == "daily"

    # The pipeline file wins, and a list replaces the defaults' list instead of extending it.
    text = PIPELINE.format(name="p", table="T").replace(
        '  schedule: "@daily"\n', '  schedule: "@daily"\n  tags: [mine]\n'
    )
    write(pipeline, text)
    assert load_pipeline(pipeline, root=tmp_path).dag.tags == ["mine"]


def test_error_in_a_defaults_file_is_reported_at_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "warbyparker/_defaults.yaml", "dag:\n  ownr: me\nglobals:\n  snowflake: {database: WBP_DB}\n")
    write(tmp_path / "warbyparker/p.yaml", PIPELINE.format(name="p", table="T"))
    with pytest.raises(ConfigErrors) as caught:
        load_pipeline(Path("warbyparker/p.yaml"), root=tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        "warbyparker/_defaults.yaml:2: dag.ownr: unknown field 'ownr' (did you mean 'owner'?)",
        "warbyparker/p.yaml:6: dag.time_window.timezone: field required",
    ]


def test_a_defaults_value_overridden_by_the_pipeline_is_blamed_on_the_pipeline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path / "_defaults.yaml",
        "globals:\n  snowflake: {database: WBP_DB_DEV}\ndag:\n  time_window: {timezone: UTC}\n",
    )
    text = PIPELINE.format(name="p", table="T") + "globals:\n  snowflake:\n    database: CND_DB\n"
    write(tmp_path / "p.yaml", text)
    with pytest.raises(ConfigErrors) as caught:
        load_pipeline(Path("p.yaml"), root=tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        "p.yaml:16: globals.snowflake.database: "
        "CND_DB is not a database of domain 'warbyparker' (use WBP_DB or WBP_DB_DEV)"
    ]


def test_validation_does_not_mutate_the_parsed_input() -> None:
    data = yaml.safe_load((DEFAULT_CONFIG_ROOT / "warbyparker/gladly_daily.yaml").read_text())
    before = copy.deepcopy(data)
    PipelineConfig.model_validate(data)
    assert data == before
    assert data["sources"]["contact_timestamps"]["load_strategy"] == "full_refresh"


def test_parsed_configs_are_frozen() -> None:
    config = load_pipeline(DEFAULT_CONFIG_ROOT / "warbyparker/gladly_daily.yaml")
    with pytest.raises(ValueError, match="frozen"):
        config.dag.retries = 5  # ty: ignore[invalid-assignment]


def test_one_broken_file_does_not_stop_the_others(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path / "_defaults.yaml",
        "dag:\n  time_window: {timezone: UTC}\nglobals:\n  snowflake: {database: WBP_DB_DEV}\n",
    )
    good_a = write(tmp_path / "warbyparker/a.yaml", PIPELINE.format(name="a", table="A"))
    write(tmp_path / "warbyparker/b.yaml", "dag: [unclosed\n")
    good_c = write(tmp_path / "warbyparker/c.yaml", PIPELINE.format(name="c", table="C"))
    write(tmp_path / "warbyparker/d.yaml", PIPELINE.format(name="d", table="D").replace("gladly_api", "gladly"))
    result = load_pipelines(root=tmp_path)
    assert sorted(result.pipelines) == [good_a, good_c]
    assert not result.ok
    assert [str(p) for p in result.problems] == [
        "warbyparker/b.yaml:2: YAML syntax error: expected ',' or ']', but got '<stream end>'",
        "warbyparker/d.yaml:10: sources.one.source_type: unknown source_type 'gladly' (did you mean 'gladly_api'?)",
    ]


def test_two_pipelines_writing_one_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(
        tmp_path / "_defaults.yaml",
        "dag:\n  time_window: {timezone: UTC}\nglobals:\n  snowflake: {database: WBP_DB_DEV}\n",
    )
    write(tmp_path / "a.yaml", PIPELINE.format(name="a", table="SAME"))
    write(tmp_path / "b.yaml", PIPELINE.format(name="b", table="SAME"))
    write(tmp_path / "c.yaml", PIPELINE.format(name="c", table="OTHER"))
    result = load_pipelines([tmp_path], root=tmp_path)
    assert len(result.pipelines) == 3  # each file is valid on its own
    assert result.problems == [
        ConfigProblem(
            "b.yaml",
            13,
            "sources.one.snowflake.target_table",
            "WBP_DB_DEV.BRONZE.SAME is also written by a.yaml:13 (sources.one.snowflake.target_table)",
        )
    ]


def test_explicit_paths_skip_underscore_files_and_report_missing_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    defaults = write(
        tmp_path / "_defaults.yaml", "dag:\n  time_window: {timezone: UTC}\nglobals:\n  snowflake: {database: WBP_DB}\n"
    )
    good = write(tmp_path / "a.yaml", PIPELINE.format(name="a", table="A"))
    result = load_pipelines([good, defaults, tmp_path / "missing.yaml"], root=tmp_path)
    assert list(result.pipelines) == [good]
    assert [str(p) for p in result.problems] == ["missing.yaml:1: no such file or folder"]


def test_paths_outside_the_current_directory_are_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    broken = write(tmp_path / "elsewhere/p.yaml", "sources: {}\n")
    with pytest.raises(ConfigErrors) as caught:
        load_pipeline(broken)
    assert caught.value.problems[0].path == str(broken.resolve())
