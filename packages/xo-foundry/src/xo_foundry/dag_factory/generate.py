"""Plan, write and check the generated files: the DAG files and dbt sources of the configs, and what the source
registry and the config models generate (JSON Schema, configuration reference, sources page, xo-bosun's catalog).
Nothing is written unless every config is valid."""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from xo_foundry.dag_factory.build import DATA_SUFFIX
from xo_foundry.dag_factory.render import check_domain_source, dag_file_name, is_generated, render_domain, render_pools
from xo_foundry.dag_factory.safety import check_no_jinja
from xo_foundry.schemas.json_schema import SCHEMA_FILE, render_json_schema
from xo_foundry.schemas.pipeline import PipelineConfig
from xo_foundry.schemas.reference import REFERENCE_PAGE, render_reference
from xo_foundry.schemas.source_catalog import BOSUN_CATALOG, SOURCES_PAGE, render_bosun_catalog, render_sources_page
from xo_foundry.transform.dbt_sources import OWN_JINJA, render_dbt_sources
from xo_foundry.transform.silver_models import plan_silver


@dataclass(frozen=True)
class GenerationPlan:
    """Every file the factory should hold in ``dags_dir``, and the generated files it should remove."""

    dags_dir: Path
    files: dict[Path, str]
    stale: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


POOLS_FILE = "pools.json"
"""Beside the dags folder: the Airflow pools the DAGs use, for `airflow pools import` (xo setup, deployment)."""


def plan_generation(pipelines: dict[Path, PipelineConfig], dags_dir: Path, repo_root: Path) -> GenerationPlan:
    """Render each domain's DAG file and data file from validated pipelines (keyed by their config path)."""
    by_domain: dict[str, list[tuple[str, PipelineConfig]]] = defaultdict(list)
    for path, pipeline in pipelines.items():
        by_domain[pipeline.dag.domain].append((_shown(path, repo_root), pipeline))
    files: dict[Path, str] = {}
    for domain, items in by_domain.items():
        rendered = render_domain(domain, items)
        check_domain_source(domain, rendered[dag_file_name(domain)])
        files.update({dags_dir / name: text for name, text in rendered.items()})
    # The dbt sources of the BRONZE tables are generated from the same configs, so they cannot drift.
    files.update({repo_root / path: text for path, text in render_dbt_sources(pipelines).items()})
    silver = plan_silver(pipelines, repo_root)  # each source's SILVER model from its load strategy (ADR 014)
    files.update({repo_root / path: text for path, text in silver.files.items()})
    files[dags_dir.parent / POOLS_FILE] = render_pools(pipelines.values())
    files.update(registry_files(repo_root))
    for path, text in files.items():
        # The DAG data files are read by the DAG builder as JSON, never rendered by dbt: Jinja there is inert text.
        if path.suffix in (".yml", ".yaml", ".json") and path.parent != dags_dir:
            check_no_jinja(_shown(path, repo_root), text, allowed=OWN_JINJA)
    stale = (
        sorted(
            p for p in dags_dir.glob("*.*") if p.suffix in (".py", DATA_SUFFIX) and p not in files and is_generated(p)
        )
        if dags_dir.is_dir()
        else []
    )
    stale += [repo_root / path for path in silver.stale]
    return GenerationPlan(dags_dir=dags_dir, files=dict(sorted(files.items())), stale=stale, notes=silver.notes)


def _shown(path: Path, repo_root: Path) -> str:
    absolute = path.resolve()
    return (
        absolute.relative_to(repo_root.resolve()) if absolute.is_relative_to(repo_root.resolve()) else path
    ).as_posix()


def registry_files(repo_root: Path) -> dict[Path, str]:
    """The files derived from the source registry and the config models, which every list of sources reads."""
    return {
        repo_root / SCHEMA_FILE: render_json_schema(),
        repo_root / REFERENCE_PAGE: render_reference(),
        repo_root / SOURCES_PAGE: render_sources_page(),
        repo_root / BOSUN_CATALOG: render_bosun_catalog(),
    }


def write_plan(plan: GenerationPlan) -> list[Path]:
    """Write the changed files (each replaced atomically) and remove stale ones; return what changed."""
    plan.dags_dir.mkdir(parents=True, exist_ok=True)
    changed: list[Path] = []
    for path, text in plan.files.items():
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
            Path(tmp).chmod(0o644)
            Path(tmp).replace(path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        changed.append(path)
    for path in plan.stale:
        path.unlink()
        changed.append(path)
    return changed


def stale_files(plan: GenerationPlan) -> list[str]:
    """What differs between the plan and the files on disk, one line each (empty when up to date)."""
    problems = []
    for path, text in plan.files.items():
        if not path.is_file():
            problems.append(f"{path}: missing (run `make generate`)")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{path}: stale (run `make generate`)")
    problems.extend(f"{path}: no config generates it any more (run `make generate`)" for path in plan.stale)
    return problems
