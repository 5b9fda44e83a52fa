"""The source types xo-bosun knows: ``sources.json``, the source registry as ``xo-foundry generate`` writes it.

xo-bosun imports nothing of ours, so it cannot ask ``xo_core.extractors.registry`` itself; the committed copy is
rewritten by ``make generate``, and ``generate --check`` and a test fail when it disagrees with the registry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

CATALOG_FILE = "sources.json"


@dataclass(frozen=True)
class ExampleSetting:
    """One line of a new pipeline's ``extractor:`` block: key, value, and the field's description."""

    key: str
    value: Any
    comment: str


@dataclass(frozen=True)
class SourceKind:
    """One registered source type, as far as `xo new pipeline` and the ``.env`` need it."""

    source_type: str
    title: str
    description: str
    table_prefix: str
    connection_id: str | None
    connection: dict[str, Any] | None
    example: tuple[ExampleSetting, ...]


@cache
def source_kinds() -> dict[str, SourceKind]:
    """Every source type of the catalog, sorted, by name."""
    data = json.loads(files("xo_bosun").joinpath(CATALOG_FILE).read_text(encoding="utf-8"))
    kinds = {}
    for entry in data["sources"]:
        example = tuple(ExampleSetting(**line) for line in entry.pop("example"))
        kinds[entry["source_type"]] = SourceKind(**entry, example=example)
    return kinds


def source_types() -> tuple[str, ...]:
    """The names `xo new pipeline --source` accepts."""
    return tuple(source_kinds())
