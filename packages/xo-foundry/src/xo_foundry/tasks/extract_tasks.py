"""Extract: pull one window of one source into the ingest bucket, with its manifest beside it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xo_core.extractors.base import ExtractRequest
    from xo_foundry.tasks.handoffs import Extracted
    from xo_foundry.tasks.runtime import TaskRun


def extract(pipeline: Mapping[str, Any], source_name: str, context: Mapping[str, Any]) -> Extracted:
    """Run the source's extractor for the run's window; return where the file landed and its row count.

    The attempt is recorded in the ledger, a failed one included (``attempts``)."""
    from xo_core.extractors.registry import source_for
    from xo_core.warehouse.ledger import EXTRACT
    from xo_foundry.tasks.attempts import recorded_attempt
    from xo_foundry.tasks.handoffs import Extracted
    from xo_foundry.tasks.runtime import log, task_run

    run = task_run(pipeline, source_name, context)
    window = run.window(context)
    with recorded_attempt(run, EXTRACT, window, context) as outcome:
        request = extract_request(run, context)
        log.info(
            "extract %s.%s for %s into %s/%s", run.pipeline.dag_id, source_name, window, request.bucket, request.key
        )
        result = source_for(run.source.source_type).extract(request)
        outcome.rows = result.row_count
    log.info("extracted %d rows, %d bytes, sha256 %s", result.row_count, result.manifest.bytes, result.manifest.sha256)
    return Extracted(bucket=result.bucket, key=result.key, rows=result.row_count, window=window)


def extract_request(run: TaskRun, context: Mapping[str, Any]) -> ExtractRequest:
    """The extraction of this run's window of the source: the one the extract task runs, and the one the
    ``wait_<source>`` sensor asks about."""
    from xo_core.extractors.base import ExtractRequest
    from xo_core.storage.keys import ingest_key
    from xo_foundry.tasks.connections import connection_for

    window = run.window(context)
    source = run.source
    key = ingest_key(run.domain, run.source_name, source.load_strategy.kind, window.label, f"{run.source_name}.csv")
    conn_id = getattr(source.extractor, "connection_id", None)
    return ExtractRequest(
        source_name=run.source_name,
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
