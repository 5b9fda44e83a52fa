"""The shell side of xo: `xo init` makes `xo cd` change the shell's directory; completion scripts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xo_bosun.cli import app

REAL_ROOT = Path(__file__).resolve().parents[3]
XO = Path(sys.executable).parent / "xo"  # the console script of this environment
runner = CliRunner()


def _shell_env(repo: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "PATH": f"{XO.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("XO_REPO_ROOT", None)
    if repo is not None:
        env["XO_REPO_ROOT"] = str(repo)
    return env


@pytest.fixture
def bosun_xo_script() -> Path:
    if not XO.is_file():
        pytest.skip(f"the xo console script is not installed at {XO}")
    return XO


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_the_shell_function_changes_directory(bosun_xo_script: Path, shell: str) -> None:
    exe = shutil.which(shell)
    if exe is None:
        pytest.skip(f"{shell} is not installed")
    script = 'eval "$(xo init SHELL)" && cd apps && xo cd foundry && pwd'.replace("SHELL", shell)
    done = subprocess.run(
        [exe, "-c", script], cwd=REAL_ROOT, env=_shell_env(), capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == str(REAL_ROOT / "packages" / "xo-foundry")


def test_the_shell_function_stays_put_and_fails_on_an_unknown_name(bosun_xo_script: Path, bosun_checkout: Path) -> None:
    script = 'eval "$(xo init bash)"; cd /tmp; xo cd no_such_place; echo "rc=$? pwd=$(pwd)"; xo list | head -1'
    done = subprocess.run(
        [shutil.which("bash") or "/bin/bash", "-c", script],
        env=_shell_env(bosun_checkout),
        capture_output=True,
        text=True,
        timeout=30,
    )
    lines = done.stdout.splitlines()
    assert lines[0] == "rc=1 pwd=/tmp"
    assert lines[1].split()[:2] == ["package", "xo-core"]  # other commands pass through to xo itself
    assert "nothing named 'no_such_place'" in done.stderr


def test_init_refuses_an_unsupported_shell() -> None:
    result = runner.invoke(app, ["init", "fish"])
    assert result.exit_code == 2
    assert "fish" in result.stderr


def test_show_completion_prints_a_bash_completion_script(monkeypatch: pytest.MonkeyPatch) -> None:
    # The shell is named, so nothing depends on detecting the parent process (absent when run in the background).
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")
    result = runner.invoke(app, ["--show-completion", "bash"], prog_name="xo")
    assert result.exit_code == 0, (result.output, result.exception)
    assert "complete" in result.stdout and "_XO_COMPLETE" in result.stdout


def test_completion_offers_the_subcommands(bosun_xo_script: Path) -> None:
    env = {**_shell_env(), "_XO_COMPLETE": "complete_bash", "COMP_WORDS": "xo ", "COMP_CWORD": "1"}
    done = subprocess.run([str(bosun_xo_script)], env=env, capture_output=True, text=True, timeout=30)
    assert {"cd", "list", "setup", "init", "new"} <= set(done.stdout.split())
