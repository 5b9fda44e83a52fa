"""``xo-foundry replay``: reload BRONZE, then rebuild dbt downstream, from what one date's run already landed.

No source is called: each source's object for the run's window is read from the ingest bucket and checked
against its manifest (``xo_core.manifest_check``) before anything is staged or loaded, so a missing or changed
object refuses the whole replay with BRONZE untouched. Then the same stage, load and transform functions as
``run --direct`` run, and the ledger marks the loads as replays.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from xo_core.environment import Environment
from xo_core.manifest_check import verified_manifest
from xo_core.storage.factory import object_store_for
from xo_core.storage.keys import ingest_key
from xo_foundry.cli.run import StepResult, direct_context, logical_date_for
from xo_foundry.schemas.pipeline import PipelineConfig
from xo_foundry.tasks.attempts import REPLAY_KEY
from xo_foundry.time_window import window_from_context


def replay(pipeline: PipelineConfig, day: date, env: Environment) -> list[StepResult]:
    """Check every landed object of the date's run, then stage, load and transform them; raise on a refusal."""
    from xo_foundry import tasks

    context = direct_context(logical_date_for(pipeline, day), "replay", **{REPLAY_KEY: True})
    store = object_store_for(env.object_store_url)
    run_window = window_from_context(pipeline.dag.time_window, context)
    landed: dict[str, dict[str, Any]] = {}
    results: list[StepResult] = []
    for name, source in pipeline.sources.items():  # every object checked before any is loaded
        started = time.perf_counter()
        window = source.extract_window(run_window)
        key = ingest_key(pipeline.dag.domain, name, source.load_strategy.kind, window.label, f"{name}.csv")
        manifest = verified_manifest(store, env.ingest_bucket, key)
        landed[name] = {"bucket": env.ingest_bucket, "key": key, "rows": manifest.row_count, "window": window.to_dict()}
        results.append(StepResult(f"check_{name}", "success", time.perf_counter() - started, landed[name]))
    config = pipeline.model_dump(mode="json", by_alias=True)
    for name, extracted in landed.items():
        started = time.perf_counter()
        staged = tasks.stage(config, name, extracted, context)
        results.append(StepResult(f"stage_{name}", "success", time.perf_counter() - started, staged))
        started = time.perf_counter()
        loaded = tasks.load(config, name, staged, context)
        results.append(StepResult(f"load_{name}", "success", time.perf_counter() - started, loaded))
    started = time.perf_counter()
    transformed = tasks.transform(config, context)
    results.append(StepResult("transform", "success", time.perf_counter() - started, transformed))
    return results
