"""`xo setup` on a throwaway git checkout: the steps, the git hook, .env, and running it twice."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xo_bosun.cli import app

runner = CliRunner()
CONFIGS = Path("apps/airflow/xo-pipelines/configs")


def setup(repo: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--repo", str(repo), "setup", "--no-sync", *extra])
    return result.exit_code, result.output


def _hook(repo: Path) -> Path:
    return repo / ".git" / "hooks" / "pre-commit"


def _env_vars(text: str) -> dict[str, str]:
    pairs = (line.partition("=") for line in text.splitlines() if line and not line.startswith("#"))
    return {key: value for key, _, value in pairs}


def test_setup_reports_each_step_and_a_summary(bosun_git_checkout: Path) -> None:
    code, out = setup(bosun_git_checkout)
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].startswith("[1/6] Python 3.12 ... ok: Python 3.12")
    assert lines[1].startswith("[2/6] uv ... ok: uv ")
    assert lines[2] == "[3/6] locked environment (uv sync) ... skipped: --no-sync"
    assert lines[3].startswith("[4/6] git pre-commit hook ... ok: installed")
    assert lines[4].startswith("[5/6] .env ... ok: wrote")
    assert lines[5].startswith("[6/6] Airflow pools ... skipped: no local Airflow in ")
    assert lines[6] == f"setup of {bosun_git_checkout.resolve()}: 4 ok, 2 skipped"


def test_env_has_a_line_for_every_connection_the_pipelines_use(bosun_git_checkout: Path) -> None:
    (bosun_git_checkout / CONFIGS / "core" / "broken.yaml").write_text("dag: [\n")  # ignored, not fatal
    assert setup(bosun_git_checkout)[0] == 0
    text = (bosun_git_checkout / ".env").read_text()
    values = _env_vars(text)
    assert values["XO_ENV"] == "local"
    assert values["XO_HOME"] == str(bosun_git_checkout.resolve() / ".xo")
    # Named connections, and the per-type defaults of sources that name none; s3_upload needs none.
    for var in (
        "AIRFLOW_CONN_GLADLY_WARBYPARKER",
        "AIRFLOW_CONN_GLADLY_CONDENAST",
        "AIRFLOW_CONN_SPROUT_DEFAULT",
        "AIRFLOW_CONN_GMAIL_DEFAULT",
        "AIRFLOW_CONN_GOOGLE_SHEETS_DEFAULT",
        "AIRFLOW_CONN_BAMBOOHR_DEFAULT",
    ):
        assert values[var] == "", var
    assert not any("S3" in key for key in values)
    lines = text.splitlines()
    at = lines.index("AIRFLOW_CONN_GLADLY_WARBYPARKER=")
    assert lines[at - 2] == (
        "# gladly_warbyparker (gladly_api), used by: warbyparker/gladly_daily, warbyparker/gladly_intraday"
    )
    assert lines[at - 1].startswith('# JSON: {"conn_type": "http", "host": ')
    assert '"login": ' in lines[at - 1] and '"password": ' in lines[at - 1]


def test_running_setup_again_changes_nothing(bosun_git_checkout: Path) -> None:
    setup(bosun_git_checkout)
    env_before = (bosun_git_checkout / ".env").read_text()
    code, out = setup(bosun_git_checkout)
    assert code == 0
    assert "[4/6] git pre-commit hook ... ok: up to date" in out
    assert "[5/6] .env ... ok: kept the existing .env" in out
    assert (bosun_git_checkout / ".env").read_text() == env_before


def test_an_existing_env_is_never_overwritten_and_its_gaps_are_named(bosun_git_checkout: Path) -> None:
    (bosun_git_checkout / ".env").write_text("XO_ENV=dev\nAIRFLOW_CONN_SPROUT_DEFAULT=secret-uri\n")
    code, out = setup(bosun_git_checkout)
    assert code == 0
    assert (bosun_git_checkout / ".env").read_text() == "XO_ENV=dev\nAIRFLOW_CONN_SPROUT_DEFAULT=secret-uri\n"
    step = next(line for line in out.splitlines() if line.startswith("[5/6]"))
    assert step.startswith("[5/6] .env ... warning: kept the existing .env; it lacks AIRFLOW_CONN_BAMBOOHR_DEFAULT")
    assert "AIRFLOW_CONN_SPROUT_DEFAULT" not in step
    assert "secret-uri" not in out


def test_the_installed_hook_runs_make_lint_and_blocks_a_failing_commit(bosun_git_checkout: Path) -> None:
    setup(bosun_git_checkout)
    assert os.access(_hook(bosun_git_checkout), os.X_OK)
    (bosun_git_checkout / "Makefile").write_text("lint:\n\t@echo LINT-RAN; exit 3\n")
    git = shutil.which("git") or "git"
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    subprocess.run([git, "add", "Makefile"], cwd=bosun_git_checkout, check=True)
    done = subprocess.run(
        [git, "commit", "-m", "x"], cwd=bosun_git_checkout, env=env, capture_output=True, text=True, timeout=30
    )
    assert done.returncode != 0
    assert "LINT-RAN" in done.stdout + done.stderr


def test_a_foreign_hook_is_kept_unless_forced_then_backed_up(bosun_git_checkout: Path) -> None:
    hook = _hook(bosun_git_checkout)
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text("#!/bin/sh\necho mine\n")
    code, out = setup(bosun_git_checkout)
    assert code == 0
    assert "[4/6] git pre-commit hook ... warning:" in out and "--force" in out
    assert hook.read_text() == "#!/bin/sh\necho mine\n"
    code, out = setup(bosun_git_checkout, "--force")
    assert code == 0 and "ok: replaced" in out
    assert "make --no-print-directory lint" in hook.read_text()
    assert hook.with_name("pre-commit.before-xo").read_text() == "#!/bin/sh\necho mine\n"


def test_outside_git_the_hook_step_is_skipped(bosun_checkout: Path) -> None:
    code, out = setup(bosun_checkout)
    assert code == 0
    assert "[4/6] git pre-commit hook ... skipped: not a git checkout" in out


@pytest.mark.slow
def test_the_pools_of_the_generated_dags_are_imported_into_the_local_airflow(
    bosun_git_checkout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "xo-home"
    airflow = Path(sys.executable).parent / "airflow"
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "XO_"))}
    env = {**kept, "AIRFLOW_HOME": str(home / "airflow"), "AIRFLOW__CORE__LOAD_EXAMPLES": "False"}
    for name in [k for k in os.environ if k.startswith("AIRFLOW")]:
        monkeypatch.delenv(name)  # what earlier tests of this process set must not reach `xo setup`
    subprocess.run([str(airflow), "db", "migrate"], env=env, check=True, capture_output=True)
    monkeypatch.setenv("XO_HOME", str(home))
    (bosun_git_checkout / ".venv" / "bin").mkdir(parents=True)
    (bosun_git_checkout / ".venv" / "bin" / "airflow").symlink_to(airflow)
    code, out = setup(bosun_git_checkout)
    assert code == 0 and "[6/6] Airflow pools ... ok: imported" in out, out
    listed = subprocess.run(
        [str(airflow), "pools", "list", "--output", "json"], env=env, check=True, capture_output=True, text=True
    )
    pools = {p["pool"]: int(p["slots"]) for p in json.loads(listed.stdout)}
    assert pools["gladly_warbyparker"] == 2 and pools["gladly_condenast"] == 2


def test_the_env_file_is_private_whatever_the_umask(bosun_git_checkout: Path) -> None:
    old = os.umask(0o022)
    try:
        assert setup(bosun_git_checkout)[0] == 0
    finally:
        os.umask(old)
    assert (bosun_git_checkout / ".env").stat().st_mode & 0o777 == 0o600


def test_a_connection_id_with_a_newline_never_reaches_the_env_file(bosun_git_checkout: Path) -> None:
    config = bosun_git_checkout / CONFIGS / "warbyparker" / "sprout_daily.yaml"
    text = config.read_text()
    config.write_text(text.replace("      group_id:", '      connection_id: "x\\nXO_ENV=prod"\n      group_id:', 1))
    code, out = setup(bosun_git_checkout)
    assert code == 1
    assert "[5/6] .env ... failed: connection id 'x\\nXO_ENV=prod' of warbyparker/sprout_daily" in out
    assert not (bosun_git_checkout / ".env").exists()
