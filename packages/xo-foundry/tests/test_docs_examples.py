"""Every code example of the documentation runs: configs validate, Python runs, shell commands exist.

The examples are real files under ``apps/material-mkdocs/docs/examples/``, included into the pages with
``pymdownx.snippets`` (``--8<-- "examples/..."``), so what a reader copies is what these tests ran.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from xo_foundry.schemas.loader import load_pipeline

REPO = Path(__file__).resolve().parents[3]
DOCS = REPO / "apps" / "material-mkdocs" / "docs"
EXAMPLES = DOCS / "examples"
BIN = Path(sys.executable).parent
SNIPPET = re.compile(r'--8<-- "([^"]+)"')
SUBCOMMAND = re.compile(r"^[a-z][a-z-]*$")
PIPELINES = sorted((EXAMPLES / "pipelines").rglob("*.yaml"))
PYTHON = sorted((EXAMPLES / "python").glob("*.py"))
SHELL = sorted((EXAMPLES / "shell").glob("*.sh"))


def _included() -> set[str]:
    return {m for page in DOCS.rglob("*.md") for m in SNIPPET.findall(page.read_text(encoding="utf-8"))}


def test_every_example_is_on_a_page_and_every_include_exists() -> None:
    examples = {p.relative_to(DOCS).as_posix() for p in [*PIPELINES, *PYTHON, *SHELL]}
    assert examples
    assert examples - _included() == set()
    assert {name for name in _included() if not (DOCS / name).is_file()} == set()


@pytest.mark.parametrize("path", PIPELINES, ids=lambda p: p.name)
def test_pipeline_example_validates(path: Path) -> None:
    pipeline = load_pipeline(path, root=path.parent)
    assert pipeline.sources


@pytest.mark.parametrize("path", PYTHON, ids=lambda p: p.name)
def test_python_example_runs(path: Path, tmp_path: Path) -> None:
    env = {**os.environ, "XO_HOME": str(tmp_path / "xo")}
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip(), "an example shows its result"


def _commands(script: str) -> list[list[str]]:
    """The command lines of a snippet: lines that call a program of the environment or make (a line ending in a
    backslash continues on the next, as in bash)."""
    commands: list[list[str]] = []
    for line in script.replace("\\\n", " ").splitlines():
        words = shlex.split(line, comments=True)
        if words and (words[0].startswith(".venv/bin/") or words[0] in ("make", "airflow")):
            commands.append(words)
    return commands


@cache
def _help(program: str, subcommand: tuple[str, ...]) -> str | None:
    # AIRFLOW_HOME is a throw-away folder (conftest.py), so `airflow --help` touches nothing of the user's.
    env = {**os.environ, "COLUMNS": "300", "TERM": "dumb", "NO_COLOR": "1"}
    done = subprocess.run([program, *subcommand, "--help"], capture_output=True, text=True, env=env, timeout=120)
    return done.stdout if done.returncode == 0 else None


def _check_command(words: list[str]) -> None:
    if words[0] == "make":
        makefile = (REPO / "Makefile").read_text(encoding="utf-8")
        for target in words[1:]:
            assert re.search(rf"^{re.escape(target)}:", makefile, re.MULTILINE), f"no make target {target}"
        return
    program = BIN / Path(words[0]).name
    assert program.is_file(), f"{words[0]} is not installed in the environment"
    options = {w.split("=")[0] for w in words if w.startswith("--")}
    candidates = []
    for word in words[1:]:
        if not SUBCOMMAND.match(word):
            break
        candidates.append(word)
    # The longest run of leading words that the program accepts as a (sub)command.
    text, end = None, len(candidates)
    while text is None and end >= 0:
        text = _help(str(program), tuple(candidates[:end]))
        end -= 1
    end += 1
    assert text is not None, f"{' '.join(words)}: --help fails"
    assert end > 0 or not candidates, f"{' '.join(words)}: unknown subcommand {candidates[0]!r}"
    for option in options:
        assert option in text, f"{' '.join(words)}: {option} is not an option of {' '.join(candidates[:end])}"


@pytest.mark.slow
@pytest.mark.parametrize("path", SHELL, ids=lambda p: p.name)
def test_shell_example_commands_exist(path: Path) -> None:
    script = path.read_text(encoding="utf-8")
    bash = shutil.which("bash")
    assert bash is not None
    assert subprocess.run([bash, "-n", str(path)], check=False).returncode == 0, "bash syntax"
    commands = _commands(script)
    assert commands, "a shell example runs something"
    for words in commands:
        _check_command(words)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("line", "message"),
    [
        (".venv/bin/xo-foundry run x/y --dates 2025-01-01", "--dates is not an option"),
        (".venv/bin/xo-foundry runn x/y", "unknown subcommand 'runn'"),
        (".venv/bin/xo-nothing validate", "not installed"),
        ("make publish", "no make target publish"),
    ],
)
def test_shell_check_catches_a_wrong_command(line: str, message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        _check_command(shlex.split(line))
