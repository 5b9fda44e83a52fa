"""Stage: copy-then-peek from the ingest bucket to the stage bucket, with column names standardized."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xo_foundry.tasks.attempts import Outcome
    from xo_foundry.tasks.handoffs import Extracted, Staged
    from xo_foundry.tasks.runtime import TaskRun

COLUMNS_SUFFIX = ".columns.json"


def stage(
    pipeline: Mapping[str, Any], source_name: str, extracted: Extracted | Mapping[str, Any], context: Mapping[str, Any]
) -> Staged:
    """Copy the extracted file (no download), read its header, check it against the source's column contract,
    record original → standard column names.

    The attempt is recorded in the ledger with the header it read, a failed one included (``attempts``)."""
    from xo_core.warehouse.ledger import STAGE
    from xo_foundry.tasks.attempts import recorded_attempt
    from xo_foundry.tasks.handoffs import Extracted
    from xo_foundry.tasks.runtime import task_run

    run = task_run(pipeline, source_name, context)
    received = Extracted.received(extracted)
    with recorded_attempt(run, STAGE, received.window, context) as outcome:
        staged = _stage(run, received, context, outcome)
        outcome.rows = staged.rows
    return staged


def _stage(run: TaskRun, extracted: Extracted, context: Mapping[str, Any], outcome: Outcome) -> Staged:
    from xo_core.errors import SourceDataError
    from xo_core.manifest import Manifest, manifest_key
    from xo_core.staging import copy_and_standardize
    from xo_foundry.tasks.handoffs import Staged
    from xo_foundry.tasks.header_contract import check_contract
    from xo_foundry.tasks.runtime import log

    store = run.store()
    src_bucket, key = extracted.bucket, extracted.key
    manifest = Manifest.from_json_bytes(store.get_bytes(src_bucket, manifest_key(key)))
    if manifest.row_count != extracted.rows:
        raise SourceDataError(
            f"{store.uri(src_bucket, key)}: the manifest says {manifest.row_count} rows, the extract said "
            f"{extracted.rows}; refusing to stage a file that changed after extraction"
        )
    dst = run.env.stage_bucket
    if manifest.row_count == 0 and not manifest.header:
        # The source answered an empty window with an empty body (Gladly does): no header to peek at. The load
        # step empties the table instead of loading a file.
        store.copy(src_bucket, key, dst, key)
        store.put_bytes(dst, manifest_key(key), manifest.to_json_bytes())
        log.info("staged %s: an empty window (no header, no rows)", store.uri(dst, key))
        return Staged(bucket=dst, key=key, rows=0, columns=[], window=extracted.window)
    staged = copy_and_standardize(store, src_bucket, key, dst, key)
    check_contract(run, staged, context, outcome)  # raises, with the copy deleted, when the contract refuses it
    store.put_bytes(dst, manifest_key(key), manifest.to_json_bytes())
    store.put_bytes(dst, key + COLUMNS_SUFFIX, json.dumps(staged.column_map, indent=2).encode() + b"\n")
    renamed = {o: s for o, s in staged.column_map.items() if o != s}
    log.info(
        "staged %s: %d columns (%d renamed), peeked %d bytes",
        staged.uri,
        len(staged.columns),
        len(renamed),
        staged.bytes_read,
    )
    return Staged(bucket=dst, key=key, rows=manifest.row_count, columns=list(staged.columns), window=extracted.window)
