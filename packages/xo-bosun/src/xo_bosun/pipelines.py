"""Pipeline configs read as plain YAML: name, schedule, sources and the connections they use.

xo-bosun does not validate configs (``xo-foundry validate`` does); it reads just enough to list them and to
know which connections a ``.env`` needs, and shows a file it cannot read as ``invalid: ...``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from xo_bosun.sources import source_kinds

DEFAULTS_FILE = "_defaults.yaml"


@dataclass(frozen=True)
class SourceInfo:
    """One source of a pipeline as written: its name, type and connection id (None when it needs none)."""

    name: str
    source_type: str
    connection_id: str | None


@dataclass(frozen=True)
class PipelineInfo:
    """One pipeline file; ``error`` is set when it could not be read as a pipeline."""

    domain: str
    name: str
    path: Path
    schedule: str | None = None
    description: str = ""
    sources: list[SourceInfo] = field(default_factory=list)
    error: str | None = None

    @property
    def ref(self) -> str:
        return f"{self.domain}/{self.name}"

    @property
    def source_types(self) -> list[str]:
        return sorted({s.source_type for s in self.sources})


def _source(name: str, body: Any) -> SourceInfo:
    if not isinstance(body, dict):
        raise ValueError(f"source {name!r} is not a mapping")
    source_type = str(body.get("source_type", "?"))
    extractor = body.get("extractor")
    named = extractor.get("connection_id") if isinstance(extractor, dict) else None
    # Unnamed: the default of the source type (None for a source that needs no connection, or an unknown type).
    kind = source_kinds().get(source_type)
    connection = str(named) if named else (kind.connection_id if kind else None)
    return SourceInfo(name=str(name), source_type=source_type, connection_id=connection)


def read_pipeline(path: Path) -> PipelineInfo:
    """Read one pipeline file; never raises for a broken file (the problem goes into ``error``)."""
    domain, name = path.parent.name, path.stem
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("expected a mapping of dag, globals and sources")
        dag = data.get("dag") or {}
        sources = data.get("sources")
        if not isinstance(dag, dict) or not isinstance(sources, dict) or not sources:
            raise ValueError("needs a dag mapping and at least one source")
    except (OSError, yaml.YAMLError, ValueError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return PipelineInfo(domain=domain, name=name, path=path, error=first_line)
    try:
        parsed = [_source(key, body) for key, body in sources.items()]
    except ValueError as error:
        return PipelineInfo(domain=domain, name=name, path=path, error=str(error))
    schedule = dag.get("schedule")
    return PipelineInfo(
        domain=domain,
        name=name,
        path=path,
        schedule=None if schedule is None else str(schedule),
        description=str(dag.get("description") or ""),
        sources=parsed,
    )


def pipeline_files(configs: Path) -> list[Path]:
    """Every pipeline file under ``configs/<domain>/`` (``_defaults.yaml`` and other ``_`` files excluded)."""
    if not configs.is_dir():
        return []
    return sorted(p for p in configs.glob("*/*.yaml") if not p.name.startswith("_"))


def read_pipelines(configs: Path) -> list[PipelineInfo]:
    """Every pipeline under ``configs``, sorted by domain/name."""
    return [read_pipeline(p) for p in pipeline_files(configs)]


def domains(configs: Path) -> list[str]:
    """The domain folders under ``configs``."""
    if not configs.is_dir():
        return []
    return sorted(p.name for p in configs.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
