"""Transform: build the SILVER and GOLD models fed by the pipeline's BRONZE tables (dbt, in-process)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def transform(pipeline: Mapping[str, Any], context: Mapping[str, Any]) -> dict[str, Any]:
    """``dbt build --select source:<db>.<table>+ ...`` for every source of the pipeline, after its loads."""
    from xo_foundry.schemas.pipeline import PipelineConfig
    from xo_foundry.tasks.runtime import log
    from xo_foundry.transform.dbt_runner import run_dbt_build
    from xo_foundry.transform.dbt_sources import pipeline_selection

    config = PipelineConfig.model_validate(pipeline)
    select = pipeline_selection(config)
    log.info("transform %s (run %s): dbt build --select %s", config.dag_id, context.get("run_id"), " ".join(select))
    result = run_dbt_build(select)
    counts = {status: result.count(status) for status in sorted(set(result.statuses.values()))}
    log.info("dbt build done in %.1f s: %s", result.seconds, counts)
    return {"select": select, "nodes": len(result.statuses), "statuses": counts, "seconds": round(result.seconds, 3)}
