"""Generated files are safe by construction: no config value (file name included) becomes code or Jinja."""

from __future__ import annotations

import ast
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xo_foundry.cli.main import app
from xo_foundry.dag_factory.render import check_domain_source, render_domain
from xo_foundry.dag_factory.safety import UnsafeGeneration, check_no_jinja
from xo_foundry.schemas.loader import DEFAULT_CONFIG_ROOT, load_pipeline
from xo_foundry.transform.dbt_sources import render_sources_yaml

SEED = Path(__file__).parent / "fixtures" / "seed_example_pipeline.yaml"
INJECTED = 'x\nimport os; os.system("touch PWNED")\n#'
runner = CliRunner()


@pytest.fixture
def config_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the example configs below a fake checkout, with the CLI pointed at it."""
    root = tmp_path / "repo" / "apps" / "airflow" / "xo-pipelines" / "configs"
    shutil.copytree(DEFAULT_CONFIG_ROOT, root)
    monkeypatch.setattr("xo_foundry.cli.pipelines.config_root", lambda: root)
    monkeypatch.chdir(tmp_path)
    yield root


def _top_level_imports(source: str) -> set[str]:
    tree = ast.parse(source)
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module or "")
    return names


def test_generate_refuses_a_config_file_named_to_inject_code(config_tree: Path) -> None:
    assert runner.invoke(app, ["generate"]).exit_code == 0
    dags = config_tree.parent / "dags"
    before = {p.name: p.read_bytes() for p in dags.iterdir()}
    seed = SEED.read_text().replace("gladly_daily", "evil").replace("GLADLY_CONTACT_TIMESTAMPS", "EVIL")
    (config_tree / "warbyparker" / f"{INJECTED}.yaml").write_text(seed)

    result = runner.invoke(app, ["generate"])

    assert result.exit_code == 1
    assert {p.name: p.read_bytes() for p in dags.iterdir()} == before
    assert "import os" not in "".join(p.read_text() for p in dags.iterdir())
    # The file is named, escaped, so the message itself stays one line per problem.
    assert "warbyparker/x\\nimport os" in result.output
    assert "must match [a-z0-9_]+\\.yaml" in result.output


def test_a_config_path_with_a_newline_stays_data() -> None:
    pipeline = load_pipeline(SEED)
    files = render_domain("warbyparker", [(f"configs/warbyparker/{INJECTED}.yaml", pipeline)])
    assert "os" not in _top_level_imports(files["warbyparker.py"])
    assert "PWNED" not in files["warbyparker.py"]
    # The path is kept, as an escaped JSON string in the data file the DAG builder reads.
    (entry,) = json.loads(files["warbyparker.json"])["pipelines"]
    assert entry["config_path"] == f"configs/warbyparker/{INJECTED}.yaml"


def test_a_domain_with_a_newline_stays_inside_its_comment() -> None:
    pipeline = load_pipeline(SEED)
    source = render_domain(INJECTED, [("configs/x.yaml", pipeline)])[f"{INJECTED}.py"]
    assert "os" not in _top_level_imports(source)
    assert "touch PWNED" in source  # still shown, escaped, in the comment
    check_domain_source(INJECTED, source)


def test_generated_python_is_parsed_and_its_top_level_checked() -> None:
    pipeline = load_pipeline(SEED)
    source = render_domain("warbyparker", [("configs/warbyparker/gladly_daily.yaml", pipeline)])["warbyparker.py"]
    check_domain_source("warbyparker", source)  # the real output passes
    with pytest.raises(UnsafeGeneration, match=r"warbyparker\.py: top-level statement at line \d+: build_domain"):
        check_domain_source("warbyparker", source + "\nbuild_domain('/etc/passwd')\n")
    with pytest.raises(UnsafeGeneration, match=r"warbyparker\.py: top-level statement at line \d+: import os"):
        check_domain_source("warbyparker", source + "\nimport os\n")
    with pytest.raises(UnsafeGeneration, match=r"warbyparker\.py:\d+: does not parse"):
        check_domain_source("warbyparker", source + "\ndef (\n")
    with pytest.raises(UnsafeGeneration, match=r"warbyparker\.py: top-level statement at line \d+: os\.system"):
        check_domain_source("warbyparker", source + "\nos.system('x')\n")


def test_dbt_sources_refuse_jinja_from_a_config_and_name_pipeline_and_field() -> None:
    pipeline = load_pipeline(SEED)
    evil = Path("configs/{{ env_var('SNOWFLAKE_PASSWORD') }}/gladly_daily.yaml")
    with pytest.raises(UnsafeGeneration) as caught:
        render_sources_yaml({evil: pipeline})
    assert str(caught.value) == (
        "apps/dbt/models/bronze/_sources.yml: sources.wbp_db.tables.GLADLY_CONTACT_TIMESTAMPS.meta.config: "
        "pipeline warbyparker_gladly_daily: \"{{ env_var('SNOWFLAKE_PASSWORD') }}/gladly_daily.yaml\" holds Jinja "
        "({{, {% or {#), which dbt would run"
    )


def test_the_jinja_check_of_generated_text() -> None:
    check_no_jinja("pools.json", '{"gladly_default": {"slots": 2}}\n')
    for marker in ("{{ x }}", "{% if %}", "{# c #}"):
        with pytest.raises(UnsafeGeneration, match=r"pools\.json: holds Jinja \(\{. at line 1\)"):
            check_no_jinja("pools.json", f'{{"a": "{marker}"}}')
