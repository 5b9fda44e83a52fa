"""What the monorepo holds, as places one can list and cd into: packages, apps, pipeline domains, pipelines."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from xo_bosun.pipelines import PipelineInfo, domains, read_pipelines
from xo_bosun.repo import CONFIGS

Kind = Literal["package", "app", "domain", "pipeline"]

# Apps without a README of their own still get a line in `xo list`.
APP_DESCRIPTIONS: dict[str, str] = {
    "airflow/xo-pipelines": "Airflow deployment: pipeline configs (YAML) and the DAG files generated from them",
    "snowflake-schema": "Snowflake schema migrations (schemachange)",
    "material-mkdocs": "The documentation site (MkDocs Material)",
    "dbt": "dbt project: the SILVER and GOLD models",
}


@dataclass(frozen=True)
class Place:
    """Something with a folder: ``label`` is how `xo list` names it, ``names`` what `xo cd` accepts."""

    kind: Kind
    label: str
    path: Path
    description: str
    names: tuple[str, ...]


def _short(name: str) -> tuple[str, ...]:
    """``xo-foundry`` is also ``foundry``."""
    return (name, name.removeprefix("xo-")) if name.startswith("xo-") else (name,)


def package_description(folder: Path) -> str:
    """The ``description`` of a package's pyproject, or "" when it has none."""
    try:
        data = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return ""
    return str(data.get("project", {}).get("description", ""))


def packages(root: Path) -> list[Place]:
    """Every folder of ``packages/`` with a pyproject.toml."""
    found = sorted(p.parent for p in (root / "packages").glob("*/pyproject.toml"))
    return [Place("package", p.name, p, package_description(p), _short(p.name)) for p in found]


def _readme_line(folder: Path) -> str:
    readme = folder / "README.md"
    if not readme.is_file():
        return ""
    for line in readme.read_text(encoding="utf-8", errors="replace").splitlines():
        text = line.strip().lstrip("#").strip()
        if text:
            return text
    return ""


def _app_folders(root: Path) -> list[Path]:
    """``apps/*``, except that a folder holding only folders (``apps/airflow``) stands for its children."""
    folders: list[Path] = []
    apps = root / "apps"
    for folder in sorted(p for p in apps.iterdir() if p.is_dir() and not p.name.startswith(".")):
        entries = [p for p in folder.iterdir() if not p.name.startswith(".")]
        if entries and all(p.is_dir() for p in entries):
            folders.extend(sorted(entries))
        else:
            folders.append(folder)
    return folders


def apps(root: Path) -> list[Place]:
    """The deployment targets under ``apps/``."""
    places = []
    for folder in _app_folders(root):
        label = folder.relative_to(root / "apps").as_posix()
        description = _readme_line(folder) or APP_DESCRIPTIONS.get(label, "")
        places.append(Place("app", label, folder, description, (label, *_short(folder.name))))
    return places


def pipeline_places(root: Path) -> tuple[list[Place], list[PipelineInfo]]:
    """The domain folders and the pipelines of the pipeline configs (a pipeline's folder is its domain's)."""
    configs = root / CONFIGS
    places = [Place("domain", d, configs / d, f"pipeline configs of {d}", (d,)) for d in domains(configs)]
    infos = read_pipelines(configs)
    for info in infos:
        places.append(Place("pipeline", info.ref, info.path.parent, summary(info), (info.ref, info.name)))
    return places, infos


def summary(info: PipelineInfo) -> str:
    """One line about a pipeline: schedule and source types, or why it could not be read."""
    if info.error is not None:
        return f"invalid: {info.error}"
    return f"{info.schedule or 'manual'} | {', '.join(info.source_types)}"


def all_places(root: Path) -> list[Place]:
    """Everything `xo cd` can go to."""
    return [*packages(root), *apps(root), *pipeline_places(root)[0]]
