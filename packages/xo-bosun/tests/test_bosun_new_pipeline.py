"""`xo new pipeline`: every source type's template passes the real `xo-foundry validate`, in a copy of the repo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from xo_bosun.cli import app
from xo_bosun.sources import source_types

BIN = Path(sys.executable).parent
CONFIGS = Path("apps/airflow/xo-pipelines/configs")
DAGS = Path("apps/airflow/xo-pipelines/dags")
runner = CliRunner()


def _tool(name: str) -> Path:
    path = BIN / name
    if not path.is_file():
        pytest.skip(f"{name} is not installed beside {sys.executable}")
    return path


@pytest.mark.slow  # seven xo-foundry runs: about 10 s on two busy cores
def test_every_source_type_makes_a_config_xo_foundry_accepts(bosun_checkout: Path) -> None:
    xo, foundry = _tool("xo"), _tool("xo-foundry")
    env = {**os.environ, "XO_REPO_ROOT": str(bosun_checkout)}
    # One `xo new` per source type, all at once: each runs its own `xo-foundry validate`.
    runs = {
        source: subprocess.Popen(
            [str(xo), "new", "pipeline", f"warbyparker/new_{source}", "--source", source, "--no-generate"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for source in source_types()
    }
    outputs = {source: proc.communicate(timeout=60)[0] for source, proc in runs.items()}
    for source, proc in runs.items():
        assert proc.returncode == 0, outputs[source]
        assert "1 pipeline(s) valid, 0 problem(s)" in outputs[source]
    files = [bosun_checkout / CONFIGS / "warbyparker" / f"new_{s}.yaml" for s in source_types()]
    for source, file in zip(source_types(), files, strict=True):
        text = file.read_text()
        assert text.startswith("# yaml-language-server: $schema=../../schema/pipeline.schema.json\n")
        doc = yaml.safe_load(text)
        assert doc["dag"]["pipeline_name"] == f"new_{source}"
        assert doc["globals"]["snowflake"]["database"] == "WBP_DB_DEV"
        assert doc["sources"][f"new_{source}"]["source_type"] == source
        assert doc["sources"][f"new_{source}"]["snowflake"]["target_table"].endswith(f"_NEW_{source.upper()}")
    # The real xo-foundry, on the copied configs: the new files and the old ones together, then the DAGs.
    foundry_env = {**os.environ, "XO_CONFIG_ROOT": str(bosun_checkout / CONFIGS)}
    checked = subprocess.run(
        [str(foundry), "validate", *map(str, files)], env=foundry_env, capture_output=True, text=True, timeout=60
    )
    assert checked.returncode == 0, checked.stderr
    assert f"{len(source_types())} pipeline(s) valid, 0 problem(s)" in checked.stdout
    generated = subprocess.run([str(foundry), "generate"], env=foundry_env, capture_output=True, text=True, timeout=60)
    assert generated.returncode == 0, generated.stderr
    # The domain's DAG file builds its DAGs from the data file beside it (ADR 013).
    dag_data = (bosun_checkout / DAGS / "warbyparker.json").read_text()
    for source in source_types():
        assert f'"dag_id": "warbyparker_new_{source}"' in dag_data


def test_new_pipeline_validates_and_generates_the_dags(bosun_checkout: Path) -> None:
    _tool("xo-foundry")
    result = runner.invoke(
        app, ["--repo", str(bosun_checkout), "new", "pipeline", "core/qa_uploads", "--source", "s3_upload"]
    )
    assert result.exit_code == 0, result.output
    assert "$ xo-foundry validate" in result.output and "1 pipeline(s) valid, 0 problem(s)" in result.output
    assert f"wrote {bosun_checkout / DAGS / 'core.json'}" in result.output
    assert '"dag_id": "core_qa_uploads"' in (bosun_checkout / DAGS / "core.json").read_text()
    doc = yaml.safe_load((bosun_checkout / CONFIGS / "core" / "qa_uploads.yaml").read_text())
    assert doc["sources"]["qa_uploads"]["extractor"]["prefix"] == "uploads/core/qa_uploads/"
    assert doc["sources"]["qa_uploads"]["snowflake"]["target_table"] == "S3_QA_UPLOADS"


def test_a_config_xo_foundry_rejects_is_removed_and_exits_1(bosun_checkout: Path) -> None:
    _tool("xo-foundry")
    (bosun_checkout / CONFIGS / "acme").mkdir()  # a folder, but not a client xo_core knows
    result = runner.invoke(
        app, ["--repo", str(bosun_checkout), "new", "pipeline", "acme/orders", "--source", "gladly_api"]
    )
    assert result.exit_code == 1
    assert "unknown domain 'acme'" in result.output
    assert "removed" in result.stderr
    assert not (bosun_checkout / CONFIGS / "acme" / "orders.yaml").exists()
    assert not (bosun_checkout / DAGS / "acme.py").exists()


def test_an_existing_pipeline_is_never_overwritten(bosun_checkout: Path) -> None:
    existing = bosun_checkout / CONFIGS / "warbyparker" / "gladly_daily.yaml"
    before = existing.read_text()
    result = runner.invoke(
        app, ["--repo", str(bosun_checkout), "new", "pipeline", "warbyparker/gladly_daily", "--source", "gladly_api"]
    )
    assert result.exit_code == 1
    assert "already exists; not overwriting it" in result.stderr
    assert existing.read_text() == before


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("gladly_daily", "name the pipeline as DOMAIN/NAME"),
        ("warbyparker/Gladly-Daily", "pipeline name 'Gladly-Daily' must match ^[a-z][a-z0-9_]*$"),
        ("warbyparker/1st", "pipeline name '1st' must match"),
        ("WarbyParker/daily", "domain 'WarbyParker' must match"),
        ("nowhere/daily", "unknown domain 'nowhere' (known: condenast, core, warbyparker)"),
    ],
)
def test_bad_names_are_refused_before_anything_is_written(bosun_checkout: Path, ref: str, message: str) -> None:
    before = sorted((bosun_checkout / CONFIGS).rglob("*"))
    result = runner.invoke(app, ["--repo", str(bosun_checkout), "new", "pipeline", ref, "--source", "s3_upload"])
    assert result.exit_code == 1
    assert message in result.stderr
    assert sorted((bosun_checkout / CONFIGS).rglob("*")) == before


def test_an_unknown_source_type_is_a_usage_error(bosun_checkout: Path) -> None:
    result = runner.invoke(app, ["--repo", str(bosun_checkout), "new", "pipeline", "core/x", "--source", "gladly_apii"])
    assert result.exit_code == 2
    assert "gladly_api" in result.stderr
