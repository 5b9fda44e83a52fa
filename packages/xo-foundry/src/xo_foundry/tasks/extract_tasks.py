"""Extract: pull one window of one source into the ingest bucket, with its manifest beside it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def extract(pipeline: Mapping[str, Any], source_name: str, context: Mapping[str, Any]) -> dict[str, Any]:
    """Run the source's extractor for the run's window; return where the file landed and its row count.

    The attempt is recorded in the ledger, a failed one included (``attempts``)."""
    from xo_core.extractors.base import ExtractRequest
    from xo_core.extractors.registry import source_for
    from xo_core.storage.keys import ingest_key
    from xo_core.warehouse.ledger import EXTRACT
    from xo_foundry.tasks.attempts import recorded_attempt
    from xo_foundry.tasks.connections import connection_for
    from xo_foundry.tasks.runtime import log, task_run

    run = task_run(pipeline, source_name, context)
    window = run.window(context)
    source = run.source
    key = ingest_key(run.domain, source_name, source.load_strategy.kind, window.label, f"{source_name}.csv")
    conn_id = getattr(source.extractor, "connection_id", None)
    log.info("extract %s.%s for %s into %s/%s", run.pipeline.dag_id, source_name, window, run.env.ingest_bucket, key)
    with recorded_attempt(run, EXTRACT, window, context) as outcome:
        request = ExtractRequest(
            source_name=source_name,
            config=source.extractor,
            window_start=window.start,
            window_end=window.end,
            timezone=window.timezone,
            connection=connection_for(conn_id, context) if conn_id else None,
            store=run.store(),
            bucket=run.env.ingest_bucket,
            key=key,
            run_id=run.run_id,
            domain=run.domain,
        )
        result = source_for(source.source_type).extract(request)
        outcome.rows = result.row_count
    log.info("extracted %d rows, %d bytes, sha256 %s", result.row_count, result.manifest.bytes, result.manifest.sha256)
    return {"bucket": result.bucket, "key": result.key, "rows": result.row_count, "window": window.to_dict()}
