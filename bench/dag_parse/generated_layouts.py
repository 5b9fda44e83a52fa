"""The generated (plain) DAG files, rendered by the real DAG factory in three groupings."""

from __future__ import annotations

import json
from pathlib import Path

from xo_foundry.dag_factory.generate import plan_generation, write_plan
from xo_foundry.dag_factory.render import render_domain
from xo_foundry.schemas.pipeline import PipelineConfig


def write_per_domain(pipelines: dict[Path, PipelineConfig], dags_dir: Path, repo_root: Path) -> None:
    """What `xo-foundry generate` writes: one file per domain (client)."""
    write_plan(plan_generation(pipelines, dags_dir, repo_root))


def write_per_pipeline(pipelines: dict[Path, PipelineConfig], dags_dir: Path, repo_root: Path) -> None:
    """One plain file per pipeline (the layout the processor pays one process per DAG for)."""
    dags_dir.mkdir(parents=True, exist_ok=True)
    for path, p in pipelines.items():
        for name, text in render_domain(p.dag_id, [(_shown(path, repo_root), p)]).items():
            (dags_dir / name).write_text(text, encoding="utf-8")


def write_single_file(pipelines: dict[Path, PipelineConfig], dags_dir: Path, repo_root: Path) -> None:
    """One plain file holding every pipeline of every domain."""
    dags_dir.mkdir(parents=True, exist_ok=True)
    items = [(_shown(path, repo_root), p) for path, p in pipelines.items()]
    for name, text in render_domain("all_domains", items).items():
        (dags_dir / name).write_text(text, encoding="utf-8")


def break_builder(dags_dir: Path, dag_id: str) -> Path:
    """Make one pipeline's build raise (as a bad step in its graph would); return the data file it is built from."""
    for path in sorted(dags_dir.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for entry in data.get("pipelines", []):
            if entry["dag_id"] == dag_id:
                entry["graph"]["steps"][0]["kind"] = "broken on purpose by the benchmark"
                path.write_text(json.dumps(data, indent=1), encoding="utf-8")
                return path
    raise LookupError(f"no pipeline {dag_id} under {dags_dir}")


def _shown(path: Path, repo_root: Path) -> str:
    resolved = path.resolve()
    return resolved.relative_to(repo_root.resolve()).as_posix() if resolved.is_relative_to(repo_root) else str(path)
