"""The task graph of every committed pipeline: one definition, read back from its data file as written."""

from __future__ import annotations

import json

import pytest

from xo_core.extractors.arrival import ArrivingInputConfig
from xo_foundry.dag_factory.build import data_file
from xo_foundry.graph import AFTER_SKIPS, PipelineGraph, pipeline_graph
from xo_foundry.schemas.loader import DEFAULT_CONFIG_ROOT, load_pipelines
from xo_foundry.schemas.pipeline import PipelineConfig

PIPELINES = load_pipelines(root=DEFAULT_CONFIG_ROOT).pipelines


@pytest.mark.parametrize("pipeline", PIPELINES.values(), ids=lambda p: p.dag_id)
def test_every_step_comes_after_what_it_depends_on(pipeline: PipelineConfig) -> None:
    graph = pipeline_graph(pipeline)
    seen: set[str] = set()
    for step in graph.steps:
        assert {*step.after, *([step.takes] if step.takes else [])} <= seen, step.task_id
        seen.add(step.task_id)
    *_, transform = graph.steps
    assert transform.task_id == "transform"
    assert set(transform.after) == {f"load_{name}" for name in pipeline.sources}
    skips = any(
        isinstance(s.extractor, ArrivingInputConfig) and s.extractor.on_missing == "skip"
        for s in pipeline.sources.values()
    )
    assert transform.trigger_rule == (AFTER_SKIPS if skips else None)


@pytest.mark.parametrize("pipeline", PIPELINES.values(), ids=lambda p: p.dag_id)
def test_the_committed_data_file_holds_the_graph_and_the_config(pipeline: PipelineConfig) -> None:
    dag_file = DEFAULT_CONFIG_ROOT.parent / "dags" / f"{pipeline.dag.domain}.py"
    entries = json.loads(data_file(dag_file).read_text(encoding="utf-8"))["pipelines"]
    (entry,) = (e for e in entries if e["dag_id"] == pipeline.dag_id)
    assert PipelineGraph.model_validate(entry["graph"]) == pipeline_graph(pipeline)
    assert PipelineConfig.model_validate(entry["config"]) == pipeline
