"""Finding and loading pipelines for the CLI, with problems printed as PATH:LINE: field: message."""

from __future__ import annotations

from pathlib import Path

import typer

from xo_foundry.schemas.loader import DEFAULT_CONFIG_ROOT, LoadResult, load_pipelines
from xo_foundry.schemas.pipeline import PipelineConfig


def config_root() -> Path:
    return DEFAULT_CONFIG_ROOT


def dags_dir() -> Path:
    return config_root().parent / "dags"


def repo_root() -> Path:
    return config_root().parents[3]


def load_or_report(paths: list[Path] | None) -> LoadResult:
    """Load pipelines, printing every problem to stderr (one per line)."""
    result = load_pipelines(paths or None, root=config_root())
    for problem in result.problems:
        typer.echo(str(problem), err=True)
    return result


def find_pipeline(ref: str) -> PipelineConfig:
    """The pipeline named DOMAIN/PIPELINE (exit 2 for a malformed name, 1 for an invalid or unknown one)."""
    domain, sep, name = ref.partition("/")
    if not sep or not domain or not name:
        typer.echo(f"{ref!r}: name a pipeline as DOMAIN/PIPELINE, e.g. warbyparker/gladly_daily", err=True)
        raise typer.Exit(2)
    path = config_root() / domain / f"{name}.yaml"
    if not path.is_file():
        known = sorted(f"{p.parent.name}/{p.stem}" for p in config_root().glob("*/[!_]*.yaml"))
        typer.echo(f"no pipeline {ref!r} (known: {', '.join(known)})", err=True)
        raise typer.Exit(1)
    result = load_or_report([path])
    if not result.ok or path not in result.pipelines:
        raise typer.Exit(1)
    return result.pipelines[path]
