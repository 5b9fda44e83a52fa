"""Every layout the benchmark compares, written into its own DAG folder (optionally with one pipeline broken)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.dag_parse import dagfactory_layouts as df
from bench.dag_parse import generated_layouts as xo
from bench.dag_parse.pipelines import SyntheticPipeline
from xo_foundry.schemas.pipeline import PipelineConfig


@dataclass(frozen=True)
class Layout:
    name: str
    what: str
    dags_dir: Path


@dataclass(frozen=True)
class Corpus:
    """The pipelines, validated and ready to be written in any layout."""

    synthetic: list[SyntheticPipeline]
    configs: dict[Path, PipelineConfig]
    repo_root: Path


_XO: dict[str, tuple[str, Callable[[dict[Path, PipelineConfig], Path, Path], None]]] = {
    "xo_per_domain": ("generated, one file per domain (what `xo-foundry generate` writes)", xo.write_per_domain),
    "xo_per_pipeline": ("generated, one file per pipeline", xo.write_per_pipeline),
    "xo_single_file": ("generated, one file for all domains", xo.write_single_file),
}
_DAGFACTORY: dict[str, str] = {
    "dagfactory_per_pipeline": "dag-factory, one loader .py per pipeline YAML",
    "dagfactory_single_loader": "dag-factory, one loader .py for every YAML",
}
LAYOUT_NAMES: tuple[str, ...] = (*_XO, *_DAGFACTORY)


def write_layouts(corpus: Corpus, root: Path, broken: str | None = None) -> list[Layout]:
    """Write every layout under ``root``; with ``broken`` (a dag id) that one pipeline fails to build."""
    shutil.rmtree(root, ignore_errors=True)
    layouts = []
    for name, (what, write) in _XO.items():
        dags_dir = root / name
        write(corpus.configs, dags_dir, corpus.repo_root)
        if broken is not None:
            xo.break_builder(dags_dir, broken)
        layouts.append(Layout(name, what, dags_dir))
    yaml_paths = df.write_yaml(corpus.synthetic, root / "dagfactory_yaml", broken=broken)
    df.write_loader_per_pipeline(yaml_paths, root / "dagfactory_per_pipeline")
    df.write_single_loader(root / "dagfactory_yaml", root / "dagfactory_single_loader")
    layouts.extend(Layout(name, what, root / name) for name, what in _DAGFACTORY.items())
    return layouts


def write_padded_loader(single_loader: Layout, size: int, dags_dir: Path) -> Layout:
    """dag-factory's single loader padded with comment lines to ``size`` bytes: isolates what file size costs.

    The DAG processor stores each DAG's whole source file (DagCode), so a file of k DAGs is read, hashed and
    written k times; this copy differs from the real loader only in its size.
    """
    dags_dir.mkdir(parents=True, exist_ok=True)
    source = next(single_loader.dags_dir.glob("*.py"))
    line = "# padding: same DAGs, bigger file " + "." * 60 + "\n"
    text = source.read_text(encoding="utf-8") + line * max(0, size // len(line))
    (dags_dir / source.name).write_text(text, encoding="utf-8")
    return Layout(f"{single_loader.name}_padded", f"{single_loader.what}, padded to {size // 1000} kB", dags_dir)
