"""Finding the XO-Data checkout: the folder with ``packages/``, ``apps/`` and the workspace ``pyproject.toml``."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

REPO_ENV = "XO_REPO_ROOT"
PIPELINES_APP = Path("apps/airflow/xo-pipelines")
CONFIGS = PIPELINES_APP / "configs"
POOLS_FILE = PIPELINES_APP / "pools.json"


class RepoNotFoundError(Exception):
    """No XO-Data checkout at or above the starting folder (or at the override)."""


def is_repo_root(folder: Path) -> bool:
    """True when ``folder`` holds ``packages/``, ``apps/`` and a pyproject declaring a uv workspace."""
    pyproject = folder / "pyproject.toml"
    if not ((folder / "packages").is_dir() and (folder / "apps").is_dir() and pyproject.is_file()):
        return False
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return False
    workspace = data.get("tool", {}).get("uv", {}).get("workspace")
    return isinstance(workspace, dict)


def find_repo_root(start: Path | None = None, override: Path | None = None) -> Path:
    """The checkout: ``override`` (or ``$XO_REPO_ROOT``) if given, else the nearest repo root above ``start``."""
    chosen = override or (Path(os.environ[REPO_ENV]) if os.environ.get(REPO_ENV) else None)
    if chosen is not None:
        root = chosen.expanduser().resolve()
        if not is_repo_root(root):
            raise RepoNotFoundError(
                f"{root} is not an XO-Data checkout (it needs packages/, apps/ and a pyproject.toml "
                f"with [tool.uv.workspace]); check --repo or ${REPO_ENV}"
            )
        return root
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_repo_root(folder):
            return folder
    raise RepoNotFoundError(
        f"not inside an XO-Data checkout: no folder from {here} upwards has packages/, apps/ and a "
        f"pyproject.toml with [tool.uv.workspace] (cd into the repository, or pass --repo / set ${REPO_ENV})"
    )
