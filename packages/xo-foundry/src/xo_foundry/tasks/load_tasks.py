"""Load: replace the BRONZE table with the staged file, in one transaction, checked against the manifest."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xo_foundry.tasks.handoffs import Loaded, Staged


def load(
    pipeline: Mapping[str, Any], source_name: str, staged: Staged | Mapping[str, Any], context: Mapping[str, Any]
) -> Loaded:
    """Load the staged file into the source's BRONZE table; the expected row count is the manifest's, handed on by
    the stage step (which read the manifest and checked it against the extract).

    The warehouse records the load in the ledger; a failure before it gets there is recorded here."""
    from xo_core.loaders.bronze import load_bronze
    from xo_core.warehouse.base import LoadFile, LoadRequest
    from xo_core.warehouse.ledger import LOAD
    from xo_foundry.tasks.attempts import is_replay, recorded_attempt
    from xo_foundry.tasks.handoffs import Loaded, Staged
    from xo_foundry.tasks.runtime import log, task_run
    from xo_foundry.time_window import logical_date_from_context

    run = task_run(pipeline, source_name, context)
    received = Staged.received(staged)
    window = received.window
    database = run.env.database(run.pipeline.database)
    schema, table = run.pipeline.schema_name, run.source.snowflake.target_table
    with recorded_attempt(run, LOAD, window, context, failures_only=True):
        store = run.store()
        bucket, key = received.bucket, received.key
        warehouse = run.warehouse(database, context)
        columns = list(received.columns)
        if not columns:
            # An empty window without a header: BRONZE holds the window's snapshot, so it must become empty too.
            # Load a header-only file with the table's own columns; a table that never existed stays absent.
            columns = warehouse.table_columns(database, schema, table)
            if not columns:
                log.info("empty window and no table %s.%s.%s yet: nothing to load", database, schema, table)
                return Loaded(table=f"{database}.{schema}.{table}", rows=0, load_id=None)
            store.put_bytes(bucket, key, (",".join(columns) + "\n").encode())
        request = LoadRequest(
            database=database,
            schema=schema,
            table=table,
            columns=columns,
            files=[LoadFile(uri=store.uri(bucket, key), expected_rows=received.rows, source_key=key)],
            run_id=run.run_id,
            window_start=window.start,
            window_end=window.end,
            load_strategy=run.source.load_strategy.kind,
            dag_id=run.pipeline.dag_id,
            logical_date=logical_date_from_context(context),
            replay=is_replay(context),
        )
    result = load_bronze(warehouse, request)
    log.info(
        "loaded %d rows into %s (load %s, queries %s)",
        result.rows_loaded,
        result.table,
        result.load_id,
        ", ".join(result.query_ids) or "-",
    )
    return Loaded(table=result.table, rows=result.rows_loaded, load_id=result.load_id)
