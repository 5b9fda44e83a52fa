"""Transform: build the SILVER and GOLD models fed by the pipeline's BRONZE tables (dbt, in-process)."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xo_foundry.tasks.handoffs import Transformed


def transform(pipeline: Mapping[str, Any], context: Mapping[str, Any]) -> Transformed:
    """``dbt build --select source:<db>.<table>+ ...`` for every source of the pipeline, after its loads.

    The attempt is recorded in the ledger of each BRONZE table the build starts from (step ``transform``, the
    source's window), a failed one included, so ``xo-foundry status`` shows a failed transform on its tables."""
    from xo_core.warehouse.ledger import TRANSFORM
    from xo_foundry.schemas.pipeline import PipelineConfig
    from xo_foundry.tasks.attempts import recorded_attempt
    from xo_foundry.tasks.handoffs import Transformed
    from xo_foundry.tasks.runtime import log, task_run
    from xo_foundry.transform.dbt_runner import run_dbt_build
    from xo_foundry.transform.dbt_sources import pipeline_selection

    config = PipelineConfig.model_validate(pipeline)
    runs = [task_run(pipeline, name, context) for name in config.sources]
    select = pipeline_selection(config)
    with ExitStack() as attempts:
        for run in runs:
            attempts.enter_context(recorded_attempt(run, TRANSFORM, run.window(context), context))
        log.info("transform %s (run %s): dbt build --select %s", config.dag_id, runs[0].run_id, " ".join(select))
        result = run_dbt_build(select)
    counts = {status: result.count(status) for status in sorted(set(result.statuses.values()))}
    log.info("dbt build done in %.1f s: %s", result.seconds, counts)
    return Transformed(select=select, nodes=len(result.statuses), statuses=counts, seconds=round(result.seconds, 3))
