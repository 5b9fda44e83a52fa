"""Fixtures of the xo-bosun tests: a throwaway checkout built from the real repository's pipeline app."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REAL_ROOT = Path(__file__).resolve().parents[3]
PIPELINES_APP = Path("apps/airflow/xo-pipelines")

WORKSPACE_PYPROJECT = """\
[project]
name = "xo-data"
version = "0.1.0"
requires-python = "==3.12.*"

[tool.uv.workspace]
members = ["packages/*"]
"""


def make_checkout(root: Path) -> Path:
    """A minimal checkout at ``root``: the workspace pyproject, two packages, apps and a copy of the pipelines."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(WORKSPACE_PYPROJECT)
    for name, description in (("xo-foundry", "Orchestration"), ("xo-core", "Foundation")):
        package = root / "packages" / name
        package.mkdir(parents=True)
        (package / "pyproject.toml").write_text(f'[project]\nname = "{name}"\ndescription = "{description}"\n')
    shutil.copytree(
        REAL_ROOT / PIPELINES_APP, root / PIPELINES_APP, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    (root / "apps" / "snowflake-schema").mkdir(parents=True)
    (root / "apps" / "snowflake-schema" / "README.md").write_text("# Snowflake migrations\n\nMore.\n")
    shutil.copy(REAL_ROOT / ".env.example", root / ".env.example")
    return root


@pytest.fixture
def bosun_checkout(tmp_path: Path) -> Path:
    """A fresh minimal checkout (not a git repository)."""
    return make_checkout(tmp_path / "xo-data")


@pytest.fixture
def bosun_git_checkout(bosun_checkout: Path) -> Path:
    """The minimal checkout made a git repository."""
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    subprocess.run([git, "init", "--quiet", str(bosun_checkout)], check=True)
    return bosun_checkout
