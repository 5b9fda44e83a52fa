"""The DAG factory: deterministic, snapshot-tested, atomic, and its files load in Airflow's DagBag."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xo_foundry.cli.main import app
from xo_foundry.dag_factory.generate import plan_generation, stale_files, write_plan
from xo_foundry.dag_factory.render import render_domain
from xo_foundry.schemas.loader import DEFAULT_CONFIG_ROOT, load_pipelines

REPO = DEFAULT_CONFIG_ROOT.parents[3]
SEED = Path(__file__).parent / "fixtures" / "seed_example_pipeline.yaml"  # the seed architecture's example pipeline
SNAPSHOT = Path(__file__).parent / "snapshots" / "seed_warbyparker.snapshot"
runner = CliRunner()


@pytest.fixture
def config_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the example configs in a temp folder, with XO_CONFIG_ROOT pointed at it."""
    root = tmp_path / "xo-pipelines" / "configs"
    shutil.copytree(DEFAULT_CONFIG_ROOT, root)
    monkeypatch.setenv("XO_CONFIG_ROOT", str(root))
    monkeypatch.setattr("xo_foundry.cli.pipelines.config_root", lambda: root)
    yield root


def _seed_pipeline_render(tmp_path: Path) -> str:
    root = tmp_path / "configs"
    (root / "warbyparker").mkdir(parents=True)
    shutil.copy(SEED, root / "warbyparker" / "gladly_daily.yaml")
    result = load_pipelines(root=root)
    assert result.ok, result.problems
    files = render_domain(
        "warbyparker", [("configs/warbyparker/gladly_daily.yaml", p) for p in result.pipelines.values()]
    )
    return "".join(f"# ==> {name}\n{text}" for name, text in files.items())


def test_seed_pipeline_renders_to_the_snapshot(tmp_path: Path) -> None:
    text = _seed_pipeline_render(tmp_path)
    if os.environ.get("XO_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(text, encoding="utf-8")
    assert text == SNAPSHOT.read_text(encoding="utf-8"), "run with XO_UPDATE_SNAPSHOTS=1 and review the diff"


def test_rendering_is_deterministic(tmp_path: Path) -> None:
    result = load_pipelines(root=DEFAULT_CONFIG_ROOT)
    forward = plan_generation(result.pipelines, tmp_path, REPO)
    backward = plan_generation(dict(reversed(list(result.pipelines.items()))), tmp_path, REPO)
    assert forward.files == backward.files


_AUDIT_IMPORT = """
import runpy, sys
opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" else None)
runpy.run_path(sys.argv[1])
print("\\n".join("OPENED " + p for p in opened if not p.endswith((".py", ".pyc", ".so"))))
"""


@pytest.mark.slow
def test_importing_a_generated_dag_file_opens_no_config(tmp_path: Path) -> None:
    """The scheduler parses these files all day: they must not read YAML (or anything of ours) at import, only
    the generated data file beside them."""
    for dag_file in sorted((DEFAULT_CONFIG_ROOT.parent / "dags").glob("*.py")):
        env = {**os.environ, "AIRFLOW_HOME": str(tmp_path), "AIRFLOW__CORE__LOAD_EXAMPLES": "False"}
        done = subprocess.run(
            [sys.executable, "-c", _AUDIT_IMPORT, str(dag_file)], capture_output=True, text=True, env=env, check=True
        )
        opened = [line.removeprefix("OPENED ") for line in done.stdout.splitlines() if line.startswith("OPENED ")]
        ours = [p for p in opened if p.startswith(str(REPO)) and "/.venv/" not in p]
        assert ours == [str(dag_file.with_suffix(".json"))], f"{dag_file.name} opened {ours} at import"
        assert opened, "the audit hook saw no file at all: the check itself is broken"


def test_committed_dags_are_up_to_date() -> None:
    result = load_pipelines(root=DEFAULT_CONFIG_ROOT)
    assert result.ok, result.problems
    plan = plan_generation(result.pipelines, DEFAULT_CONFIG_ROOT.parent / "dags", REPO)
    assert stale_files(plan) == []


def test_generate_check_fails_on_a_stale_dag(config_tree: Path) -> None:
    assert runner.invoke(app, ["generate"]).exit_code == 0
    assert runner.invoke(app, ["generate", "--check"]).exit_code == 0
    dag_file = config_tree.parent / "dags" / "warbyparker.py"
    dag_file.write_text(dag_file.read_text() + "\n# edited by hand\n")
    result = runner.invoke(app, ["generate", "--check"])
    assert result.exit_code == 1
    assert "warbyparker.py: stale" in result.output


def test_generate_check_fails_on_a_missing_dag(config_tree: Path) -> None:
    assert runner.invoke(app, ["generate"]).exit_code == 0
    (config_tree.parent / "dags" / "condenast.py").unlink()
    result = runner.invoke(app, ["generate", "--check"])
    assert result.exit_code == 1
    assert "condenast.py: missing" in result.output


def test_one_invalid_config_writes_nothing(config_tree: Path) -> None:
    assert runner.invoke(app, ["generate"]).exit_code == 0
    dags = config_tree.parent / "dags"
    before = {p.name: p.read_bytes() for p in dags.iterdir()}
    config = config_tree / "condenast" / "gladly_daily.yaml"
    config.write_text(config.read_text().replace("gladly_api", "gladly_apii"))
    other = config_tree / "warbyparker" / "sprout_daily.yaml"
    other.write_text(other.read_text().replace("sprout_daily", "sprout_daily_renamed"))
    result = runner.invoke(app, ["generate"])
    assert result.exit_code == 1
    assert "did you mean 'gladly_api'?" in result.output
    assert {p.name: p.read_bytes() for p in dags.iterdir()} == before


def test_a_removed_domain_loses_its_generated_file(config_tree: Path) -> None:
    assert runner.invoke(app, ["generate"]).exit_code == 0
    shutil.rmtree(config_tree / "condenast")
    result = runner.invoke(app, ["generate"])
    assert result.exit_code == 0, result.output
    assert not (config_tree.parent / "dags" / "condenast.py").exists()
    assert not (config_tree.parent / "dags" / "condenast.json").exists()
    assert (config_tree.parent / "dags" / "warbyparker.py").exists()


def test_an_edit_of_one_pipeline_changes_only_its_own_entry(config_tree: Path) -> None:
    """Airflow stores a DAG file's source once per DAG version: the DAG files stay the same, and only the edited
    pipeline's config and graph change in its domain's data file."""
    assert runner.invoke(app, ["generate"]).exit_code == 0
    dags = config_tree.parent / "dags"
    before = {p.name: p.read_text() for p in dags.iterdir()}
    config = config_tree / "warbyparker" / "gladly_daily.yaml"
    config.write_text(config.read_text().replace("  pipeline_type:", "  retries: 1\n  pipeline_type:", 1))
    result = runner.invoke(app, ["generate"])
    assert result.exit_code == 0, result.output
    after = {p.name: p.read_text() for p in dags.iterdir()}
    assert [name for name in sorted(after) if after[name] != before[name]] == ["warbyparker.json"]
    old, new = (
        {e["dag_id"]: e for e in json.loads(files["warbyparker.json"])["pipelines"]} for files in (before, after)
    )
    assert [dag_id for dag_id in sorted(new) if new[dag_id] != old[dag_id]] == ["warbyparker_gladly_daily"]
    assert new["warbyparker_gladly_daily"]["graph"]["dag"]["retries"] == 1


def test_write_plan_leaves_hand_written_files_alone(tmp_path: Path) -> None:
    result = load_pipelines(root=DEFAULT_CONFIG_ROOT)
    (tmp_path / "handmade.py").write_text("# a DAG someone wrote by hand\n")
    write_plan(plan_generation(result.pipelines, tmp_path, REPO))
    assert (tmp_path / "handmade.py").exists()
