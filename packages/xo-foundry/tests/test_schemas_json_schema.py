"""The committed JSON Schema is the rendered one, and it accepts what the loader accepts."""

from __future__ import annotations

import json

import jsonschema
import yaml

from xo_foundry.schemas.json_schema import pipeline_json_schema, render_json_schema
from xo_foundry.schemas.loader import DEFAULT_CONFIG_ROOT

COMMITTED = DEFAULT_CONFIG_ROOT.parent / "schema" / "pipeline.schema.json"


def test_committed_schema_is_up_to_date() -> None:
    # Regenerate with: python -c "from xo_foundry.schemas.json_schema import render_json_schema as r;
    #   open('apps/airflow/xo-pipelines/schema/pipeline.schema.json', 'w').write(r())"
    assert COMMITTED.read_text() == render_json_schema()


def test_rendering_is_deterministic() -> None:
    assert render_json_schema() == render_json_schema()
    assert render_json_schema().endswith("}\n")


def test_example_configs_validate_against_the_schema() -> None:
    validator = jsonschema.Draft202012Validator(pipeline_json_schema())
    examples = [p for p in DEFAULT_CONFIG_ROOT.rglob("*.yaml") if not p.name.startswith("_")]
    assert examples
    for path in examples:
        data = json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))
        assert list(validator.iter_errors(data)) == [], path


def test_schema_flags_a_typo_and_a_bad_source_type() -> None:
    validator = jsonschema.Draft202012Validator(pipeline_json_schema())
    bad = {
        "dag": {"domain": "warbyparker", "schedul": "@daily"},
        "sources": {"x": {"source_type": "gladly_apii"}},
    }
    assert len(list(validator.iter_errors(bad))) >= 2


def test_schema_documents_extractor_fields() -> None:
    gladly = pipeline_json_schema()["$defs"]["GladlyExtractorConfig"]["properties"]
    assert gladly["metric_set"]["description"].startswith("Gladly metricSet")
    channels = next(option for option in gladly["channel"]["anyOf"] if "enum" in option)["enum"]
    assert {"voice", "instagramDirect", "allChannels"} <= set(channels)
