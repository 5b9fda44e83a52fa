"""`xo list` and `xo cd`: what a new engineer sees, on a throwaway checkout and on this repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xo_bosun.cli import app
from xo_bosun.repo import RepoNotFoundError, find_repo_root

REAL_ROOT = Path(__file__).resolve().parents[3]
CONFIGS = Path("apps/airflow/xo-pipelines/configs")
runner = CliRunner()


def xo(*args: str, cwd: Path | None = None, repo: Path | None = None) -> tuple[int, str, str]:
    """Run ``xo ARGS`` in-process; returns (exit code, stdout, stderr)."""
    env = {"XO_REPO_ROOT": str(repo) if repo else ""}
    if cwd is None:
        result = runner.invoke(app, list(args), env=env)
    else:
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(cwd)
            result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_the_checkout_is_found_from_a_folder_deep_inside_it(bosun_checkout: Path) -> None:
    deep = bosun_checkout / CONFIGS / "warbyparker"
    assert find_repo_root(start=deep) == bosun_checkout.resolve()
    code, out, _ = xo("cd", cwd=deep)
    assert (code, out.strip()) == (0, str(bosun_checkout.resolve()))


def test_outside_a_checkout_is_a_clear_error_with_exit_2(tmp_path: Path) -> None:
    code, out, err = xo("list", cwd=tmp_path)
    assert code == 2 and out == ""
    assert "not inside an XO-Data checkout" in err and "--repo" in err


def test_a_folder_without_the_workspace_pyproject_is_not_a_checkout(bosun_checkout: Path) -> None:
    (bosun_checkout / "pyproject.toml").write_text('[project]\nname = "something-else"\n')
    with pytest.raises(RepoNotFoundError, match="not inside an XO-Data checkout"):
        find_repo_root(start=bosun_checkout)
    code, _, err = xo("list", repo=bosun_checkout)
    assert code == 2 and "is not an XO-Data checkout" in err


def test_list_shows_packages_apps_and_pipelines_with_descriptions(bosun_checkout: Path) -> None:
    code, out, _ = xo("list", repo=bosun_checkout)
    assert code == 0
    lines = [" ".join(line.split()) for line in out.splitlines()]
    assert "package xo-foundry Orchestration" in lines
    for folder in ("snowflake-schema", "airflow/xo-pipelines"):
        readme = (bosun_checkout / "apps" / folder / "README.md").read_text().splitlines()[0].lstrip("# ")
        assert f"app {folder} {readme}" in lines  # an app is described by its README's first line
    assert "pipeline warbyparker/gladly_daily 50 6 * * * | gladly_api" in lines


def test_list_shows_a_broken_config_as_invalid_and_still_lists_the_rest(bosun_checkout: Path) -> None:
    (bosun_checkout / CONFIGS / "warbyparker" / "broken.yaml").write_text("dag: [unclosed\n")
    (bosun_checkout / CONFIGS / "core" / "scalar.yaml").write_text("just a string\n")
    code, out, _ = xo("list", repo=bosun_checkout)
    assert code == 0
    by_name = {line.split()[1]: " ".join(line.split()[2:]) for line in out.splitlines()}
    assert by_name["warbyparker/broken"].startswith("invalid: ")
    assert by_name["core/scalar"] == "invalid: expected a mapping of dag, globals and sources"
    assert by_name["warbyparker/gladly_daily"] == "50 6 * * * | gladly_api"


def test_list_json_is_machine_readable(bosun_checkout: Path) -> None:
    (bosun_checkout / CONFIGS / "core" / "broken.yaml").write_text("sources: {}\n")
    code, out, _ = xo("list", "--json", repo=bosun_checkout)
    assert code == 0
    doc = json.loads(out)
    assert {p["name"] for p in doc["packages"]} == {"xo-core", "xo-foundry"}
    pipelines = {p["name"]: p for p in doc["pipelines"]}
    assert pipelines["warbyparker/roster_sheet"]["schedule"] == "0 6 * * MON-FRI"
    assert pipelines["warbyparker/roster_sheet"]["source_types"] == ["google_sheets"]
    assert pipelines["warbyparker/roster_sheet"]["error"] is None
    assert pipelines["core/broken"]["error"]


@pytest.mark.parametrize(
    ("name", "folder"),
    [
        ("foundry", "packages/xo-foundry"),  # a package without its xo- prefix
        ("xo-core", "packages/xo-core"),
        ("pipelines", "apps/airflow/xo-pipelines"),
        ("airflow", "apps/airflow/xo-pipelines"),  # a prefix of the app's label
        ("snow", "apps/snowflake-schema"),
        ("warbyparker", "apps/airflow/xo-pipelines/configs/warbyparker"),
        ("warby", "apps/airflow/xo-pipelines/configs/warbyparker"),  # domain and its pipelines: one folder
        ("condenast/gladly_daily", "apps/airflow/xo-pipelines/configs/condenast"),
        ("s3_uploads", "apps/airflow/xo-pipelines/configs/warbyparker"),
        ("core", "apps/airflow/xo-pipelines/configs/core"),  # an exact label beats the package's short name
    ],
)
def test_cd_prints_the_absolute_folder(bosun_checkout: Path, name: str, folder: str) -> None:
    code, out, _ = xo("cd", "--print", name, repo=bosun_checkout)
    assert (code, out) == (0, f"{bosun_checkout.resolve() / folder}\n")


def test_cd_with_an_ambiguous_name_lists_the_candidates(bosun_checkout: Path) -> None:
    code, out, err = xo("cd", "gladly_daily", repo=bosun_checkout)
    assert code == 1 and out == ""
    assert "ambiguous" in err
    assert "condenast/gladly_daily (pipeline)" in err and "warbyparker/gladly_daily (pipeline)" in err


def test_cd_with_an_unknown_name_lists_what_there_is(bosun_checkout: Path) -> None:
    code, out, err = xo("cd", "nothing_like_it", repo=bosun_checkout)
    assert code == 1 and out == ""
    assert "nothing named 'nothing_like_it'" in err and "xo-foundry" in err and "warbyparker" in err


def test_cd_in_this_repository_finds_the_real_foundry_package() -> None:
    code, out, _ = xo("cd", "--print", "foundry", cwd=REAL_ROOT / "packages")
    assert (code, out.strip()) == (0, str(REAL_ROOT / "packages" / "xo-foundry"))
