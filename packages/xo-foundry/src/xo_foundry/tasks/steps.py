"""Run one step of a pipeline's graph: the one dispatch from a step's kind to its task function, for the Airflow
tasks the DAG builder makes and for the runs outside Airflow (``run --direct``, ``backfill --direct``, ``replay``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xo_foundry.graph import Step
    from xo_foundry.tasks.handoffs import HandOff


def run_step(step: Step, pipeline: Mapping[str, Any], received: Any, context: Mapping[str, Any]) -> HandOff | bool:
    """Run ``step`` of ``pipeline`` (its validated config as plain data); ``received`` is the result of the step
    it takes (``step.takes``), as its model or its XCom form. A wait returns whether its input is there."""
    from xo_foundry import tasks

    source = step.source or ""
    match step.kind:
        case "wait":
            return tasks.wait(pipeline, source, context)
        case "extract":
            return tasks.extract(pipeline, source, context)
        case "stage":
            return tasks.stage(pipeline, source, received, context)
        case "load":
            return tasks.load(pipeline, source, received, context)
        case "transform":
            return tasks.transform(pipeline, context)
