"""The committed configuration reference is the rendered one, and it covers every model and variant."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pydantic import BaseModel

from xo_core.extractors.registry import source_types
from xo_foundry.schemas.load_strategy import LOAD_KINDS
from xo_foundry.schemas.reference import Union_, render_reference, walk

REPO = Path(__file__).resolve().parents[3]
COMMITTED = REPO / "apps" / "material-mkdocs" / "docs" / "reference" / "configuration.md"
REGENERATE = "python -m xo_foundry.schemas.reference > apps/material-mkdocs/docs/reference/configuration.md"


def test_committed_reference_is_up_to_date() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == render_reference(), f"stale: run {REGENERATE}"


def test_module_entry_point_prints_the_reference() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "xo_foundry.schemas.reference"], capture_output=True, text=True, check=True
    )
    assert done.stdout == render_reference()


def test_every_model_and_union_has_a_section() -> None:
    text = render_reference()
    nodes = walk()
    models = [node for node in nodes if not isinstance(node, Union_)]
    assert {"PipelineConfig", "DagConfig", "GladlyExtractorConfig", "Historical", "Duration"} <= {
        m.__name__ for m in models if isinstance(m, type) and issubclass(m, BaseModel)
    }
    for model in models:
        assert f"### {model.__name__} {{#{model.__name__.lower()}}}" in text
    assert {node.discriminator for node in nodes if isinstance(node, Union_)} == {"source_type", "kind", "refresh_type"}


def test_every_variant_value_is_documented() -> None:
    text = render_reference()
    for value in [*source_types(), *LOAD_KINDS, "daily", "intraday_relative", "intraday_absolute"]:
        assert f"| `{value}` | [" in text, value


def test_fields_show_defaults_constraints_and_allowed_values() -> None:
    text = render_reference()
    assert "| `retries` | `integer` | `2` | Retries of a failed task; at least 0; at most 10 |" in text
    assert '| `schema` | `string` | `"BRONZE"` |' in text  # the YAML alias, not the Python name
    assert "| `globals` | [GlobalsConfig](#globalsconfig) | **required** |" in text
    assert "`ContactTimestampsReport`" in text and "`warbyparker`" in text
    assert "A plain string is also accepted for `full_refresh`" in text
