"""The steps of `xo setup`, each idempotent: Python, uv, the locked environment, the git hook, ``.env``, pools."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from xo_bosun.envfile import (
    ENV_FILE,
    EXAMPLE_FILE,
    UnsafeEnvValue,
    conn_var,
    connections_needed,
    defined_names,
    render_env,
    write_private,
)
from xo_bosun.githook import install_hook
from xo_bosun.pipelines import read_pipelines
from xo_bosun.repo import CONFIGS, POOLS_FILE

Status = Literal["ok", "skipped", "warning", "failed"]
REQUIRED_PYTHON = (3, 12)


@dataclass(frozen=True)
class StepResult:
    """How a step went, in a few words a person reads in the summary."""

    status: Status
    detail: str


@dataclass(frozen=True)
class SetupOptions:
    """What `xo setup` was asked to do."""

    root: Path
    sync: bool = True
    force_hook: bool = False


def check_python(_: SetupOptions) -> StepResult:
    """The interpreter running xo is Python 3.12 (the workspace pins ==3.12.*)."""
    version = ".".join(str(n) for n in sys.version_info[:3])
    if sys.version_info[:2] != REQUIRED_PYTHON:
        return StepResult("failed", f"Python {version}; XO-Data needs 3.12 (see .python-version)")
    return StepResult("ok", f"Python {version}")


def uv_command() -> list[str] | None:
    """How to run uv here: ``uv`` on PATH, else ``python3 -m uv``; None when neither works."""
    candidates: list[list[str]] = []
    if exe := shutil.which("uv"):
        candidates.append([exe])
    for python in dict.fromkeys(p for p in (shutil.which("python3"), sys.executable) if p):
        candidates.append([python, "-m", "uv"])
    for command in candidates:
        done = subprocess.run([*command, "--version"], capture_output=True, text=True, check=False)
        if done.returncode == 0:
            return command
    return None


def ensure_uv(_: SetupOptions) -> StepResult:
    """uv is there, or is installed with pip (as the Makefile does)."""
    command = uv_command()
    if command is None:
        python = shutil.which("python3") or sys.executable
        pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "uv"]
        done = subprocess.run(pip, capture_output=True, text=True, check=False)
        command = uv_command()
        if done.returncode != 0 or command is None:
            return StepResult("failed", f"uv missing and `{' '.join(pip)}` failed: {done.stderr.strip()[-300:]}")
    version = subprocess.run([*command, "--version"], capture_output=True, text=True, check=False).stdout
    return StepResult("ok", version.strip())


def sync_environment(options: SetupOptions) -> StepResult:
    """``uv sync --locked --all-groups``: the locked environment, never a new lock."""
    if not options.sync:
        return StepResult("skipped", "--no-sync")
    command = uv_command()
    if command is None:
        return StepResult("failed", "uv not found")
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    sync = [*command, "sync", "--locked", "--all-groups"]
    done = subprocess.run(sync, cwd=options.root, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return StepResult("failed", f"`{' '.join(sync[-4:])}` failed:\n{done.stderr.strip()[-1500:]}")
    return StepResult("ok", (done.stderr.strip().splitlines() or ["environment in sync"])[-1])


def git_hook(options: SetupOptions) -> StepResult:
    """The pre-commit hook running ``make lint``."""
    outcome, hook = install_hook(options.root, force=options.force_hook)
    if outcome == "not a git checkout":
        return StepResult("skipped", "not a git checkout")
    if outcome == "kept foreign hook":
        return StepResult("warning", f"{hook} is someone else's hook; kept it (--force replaces it, with a backup)")
    return StepResult("ok", f"{outcome}: {hook}")


def env_file(options: SetupOptions) -> StepResult:
    """``.env`` from ``.env.example`` plus the pipelines' connections; an existing ``.env`` is never touched."""
    target = options.root / ENV_FILE
    pipelines = read_pipelines(options.root / CONFIGS)
    if target.exists():
        have = defined_names(target.read_text(encoding="utf-8", errors="replace"))
        try:
            missing = [conn_var(c) for c in connections_needed(pipelines) if conn_var(c) not in have]
        except UnsafeEnvValue as error:
            return StepResult("failed", str(error))
        note = f"; it lacks {', '.join(missing)}" if missing else ""
        return StepResult("ok" if not missing else "warning", f"kept the existing {ENV_FILE}{note}")
    example = options.root / EXAMPLE_FILE
    if not example.is_file():
        return StepResult("failed", f"{EXAMPLE_FILE} is missing at {options.root}")
    try:
        text = render_env(example.read_text(encoding="utf-8"), options.root, pipelines)
    except UnsafeEnvValue as error:
        return StepResult("failed", f"{error}; no {ENV_FILE} written")
    write_private(target, text)
    count = len(connections_needed(pipelines))
    return StepResult("ok", f"wrote {target} ({count} connection(s) to fill in)")


def airflow_pools(options: SetupOptions) -> StepResult:
    """The pools of ``pools.json`` (``xo-foundry generate``) in the local Airflow under ``XO_HOME``, once it exists:
    a scheduler never runs a task whose pool is missing (``dag.test()`` runs ignore pools)."""
    pools = options.root / POOLS_FILE
    home = Path(os.environ.get("XO_HOME") or options.root / ".xo") / "airflow"
    if not pools.is_file():
        return StepResult("skipped", f"no {POOLS_FILE} (run `make generate`)")
    if not (home / "airflow.db").is_file():
        return StepResult("skipped", f"no local Airflow in {home} yet (the first `xo-foundry run` makes it)")
    airflow = options.root / ".venv" / "bin" / "airflow"
    command = [str(airflow) if airflow.is_file() else "airflow", "pools", "import", str(pools)]
    env = {**os.environ, "AIRFLOW_HOME": str(home), "AIRFLOW__CORE__LOAD_EXAMPLES": "False"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return StepResult("failed", f"`airflow pools import` failed:\n{done.stderr.strip()[-800:]}")
    return StepResult("ok", f"imported {POOLS_FILE} into {home}")


STEPS: tuple[tuple[str, Callable[[SetupOptions], StepResult]], ...] = (
    ("Python 3.12", check_python),
    ("uv", ensure_uv),
    ("locked environment (uv sync)", sync_environment),
    ("git pre-commit hook", git_hook),
    (".env", env_file),
    ("Airflow pools", airflow_pools),
)
