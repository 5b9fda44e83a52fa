"""``xo-foundry replay``: reload BRONZE, then rebuild dbt downstream, from what one date's run already landed.

No source is called: each source's object for the run's window is read from the ingest bucket and checked
against its manifest (``xo_core.manifest_check``) before anything is staged or loaded, so a missing or changed
object refuses the whole replay with BRONZE untouched. Then the pipeline's graph is walked from its stage steps,
as ``run --direct`` walks it, and the ledger marks the loads as replays.
"""

from __future__ import annotations

import time
from datetime import date

from xo_core.environment import Environment
from xo_core.manifest_check import verified_manifest
from xo_core.storage.factory import object_store_for
from xo_core.storage.keys import ingest_key
from xo_foundry.cli.run import StepResult, direct_context, logical_date_for, walk
from xo_foundry.graph import EXTRACT, LOAD, STAGE, TRANSFORM, pipeline_graph
from xo_foundry.schemas.pipeline import PipelineConfig
from xo_foundry.tasks.attempts import REPLAY_KEY
from xo_foundry.tasks.handoffs import Extracted
from xo_foundry.time_window import window_from_context


def replay(pipeline: PipelineConfig, day: date, env: Environment) -> list[StepResult]:
    """Check every landed object of the date's run, then walk the graph from its stage steps (stage, load,
    transform) with what each extract landed; raise on a refusal."""
    context = direct_context(logical_date_for(pipeline, day), "replay", **{REPLAY_KEY: True})
    store = object_store_for(env.object_store_url)
    run_window = window_from_context(pipeline.dag.time_window, context)
    landed: dict[str, Extracted] = {}
    results: list[StepResult] = []
    for step in pipeline_graph(pipeline).steps:  # every object checked before any is loaded
        if step.kind != EXTRACT or step.source is None:
            continue
        started = time.perf_counter()
        source = pipeline.sources[step.source]
        window = source.extract_window(run_window)
        key = ingest_key(
            pipeline.dag.domain, step.source, source.load_strategy.kind, window.label, f"{step.source}.csv"
        )
        manifest = verified_manifest(store, env.ingest_bucket, key)
        landed[step.task_id] = Extracted(bucket=env.ingest_bucket, key=key, rows=manifest.row_count, window=window)
        output = landed[step.task_id].xcom()
        results.append(StepResult(f"check_{step.source}", "success", time.perf_counter() - started, output))
    return results + walk(pipeline, context, {STAGE, LOAD, TRANSFORM}, landed)
