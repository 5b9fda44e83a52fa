"""The JSON Schema of pipeline configs, for editors (yaml-language-server) and for the committed copy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from xo_foundry.schemas.pipeline import PipelineConfig

SCHEMA_FILE = Path("apps/airflow/xo-pipelines/schema/pipeline.schema.json")
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Any other required key may come from a ``_defaults.yaml``, so only the loader can say it is missing.
DISCRIMINATORS = frozenset({"source_type", "kind", "refresh_type"})


def _only_discriminators_required(node: Any) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("required"), list):
            kept = [name for name in node["required"] if name in DISCRIMINATORS]
            if kept:
                node["required"] = kept
            else:
                del node["required"]
        for value in node.values():
            _only_discriminators_required(value)
    elif isinstance(node, list):
        for value in node:
            _only_discriminators_required(value)


def pipeline_json_schema() -> dict[str, Any]:
    """The JSON Schema of a pipeline YAML file (keys as written in YAML; only discriminators required)."""
    schema = PipelineConfig.model_json_schema(by_alias=True, mode="validation")
    _only_discriminators_required(schema)
    schema["$schema"] = SCHEMA_DIALECT
    schema["title"] = "XO-Data pipeline config"
    return schema


def render_json_schema() -> str:
    """The schema as committed: sorted keys, indent 2, trailing newline."""
    return json.dumps(pipeline_json_schema(), indent=2, sort_keys=True) + "\n"
