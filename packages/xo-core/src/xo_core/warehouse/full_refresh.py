"""The one transaction protocol of a full-refresh load, shared by every backend.

    ledger STARTED (autocommit) → check files → DDL (schema, table, new columns; never inside the
    transaction: in Snowflake any DDL commits it) → BEGIN → TRUNCATE → one ``load_file`` per file (DuckDB:
    an INSERT, then an UPDATE numbering the file's rows) or the session's own ``load_files`` (Snowflake's
    COPY naming every file) →
    rows loaded == rows expected? → ledger SUCCEEDED → COMMIT

On any error after BEGIN the runner sends an explicit ROLLBACK before anything else: Snowflake keeps a transaction
open after a failed statement, and a COMMIT there would commit the TRUNCATE
(docs.snowflake.com/en/sql-reference/transactions, "Failed statements within a transaction"). Then the ledger row is
marked FAILED and a ``LoadError`` (or the backend's ``TransientError``) naming the table is raised; the table keeps
its previous rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from xo_core.errors import LoadError, TransientError, XoError
from xo_core.warehouse import ledger
from xo_core.warehouse.base import LoadRequest, LoadResult, LoadSession, LoadsFilesTogether
from xo_core.warehouse.metadata import METADATA_COLUMN_NAMES
from xo_core.warehouse.plan import FullRefreshPlan, plan_full_refresh

# Called right after the TRUNCATE, inside the transaction. Only tests pass one, to prove that a
# failure between TRUNCATE and COMMIT leaves the previous rows.
AfterTruncateHook = Callable[[FullRefreshPlan], None]


def run_full_refresh(
    session: LoadSession, request: LoadRequest, *, after_truncate: AfterTruncateHook | None = None
) -> LoadResult:
    """Replace the request's table with its files in one transaction, recorded in the ledger."""
    plan = plan_full_refresh(request, load_id=uuid.uuid4().hex, loaded_at=datetime.now(UTC))
    try:
        ledger.ensure_ledger(session, plan.database)
        ledger.record_started(session, plan)
    except Exception as exc:
        error = _as_xo_error(plan, exc)
        if error is exc:
            raise
        raise error from exc
    try:
        session.check_files(plan)
        _prepare_table(session, plan)
        rows_loaded, finished_at = _replace_rows(session, plan, after_truncate)
    except Exception as exc:
        error = _as_xo_error(plan, exc)
        if error is not exc:  # keep what the runner noted on the original, e.g. a failed ROLLBACK
            for note in getattr(exc, "__notes__", ()):
                error.add_note(note)
        try:
            ledger.record_finished(
                session,
                plan.database,
                plan.load_id,
                status=ledger.FAILED,
                rows_loaded=None,
                finished_at=datetime.now(UTC),
                query_ids=session.query_ids(),
                error=str(error),
            )
        except Exception as ledger_exc:  # the load's own error matters more than the ledger's
            error.add_note(f"the ledger row {plan.load_id} could not be marked FAILED: {ledger_exc}")
        if error is exc:
            raise
        raise error from exc
    return LoadResult(
        table=plan.display_name,
        rows_loaded=rows_loaded,
        files=[f.source_key for f in plan.files],
        status=ledger.SUCCEEDED,
        started_at=plan.loaded_at,
        finished_at=finished_at,
        query_ids=session.query_ids(),
        load_id=plan.load_id,
    )


def _prepare_table(session: LoadSession, plan: FullRefreshPlan) -> None:
    """Create the schema and table, and add source columns the table lacks. Never drops anything."""
    session.execute(plan.create_schema_sql())
    existing = session.existing_columns(plan.database, plan.schema, plan.table)
    if not existing:
        session.execute(plan.create_table_sql())
        return
    have = set(existing)
    missing_metadata = METADATA_COLUMN_NAMES - have
    if missing_metadata:
        raise LoadError(
            f"{plan.display_name} exists but lacks the metadata columns {sorted(missing_metadata)}:"
            " it was not created by the BRONZE loader"
        )
    # A column that left the file stays in the table and gets NULL: BRONZE never loses a column.
    for column in plan.columns:
        if column not in have:
            session.execute(plan.add_column_sql(column))


def _replace_rows(
    session: LoadSession, plan: FullRefreshPlan, after_truncate: AfterTruncateHook | None
) -> tuple[int, datetime]:
    session.execute("BEGIN")
    try:
        session.execute(plan.truncate_sql())
        if after_truncate is not None:
            after_truncate(plan)
        rows_loaded = _load_rows(session, plan)
        if rows_loaded != plan.expected_rows:
            raise LoadError(
                f"{plan.display_name}: loaded {rows_loaded} rows but the extract wrote {plan.expected_rows}"
                f" ({len(plan.files)} files); rolled back, the previous rows are intact"
            )
        finished_at = datetime.now(UTC)
        ledger.record_finished(
            session,
            plan.database,
            plan.load_id,
            status=ledger.SUCCEEDED,
            rows_loaded=rows_loaded,
            finished_at=finished_at,
            query_ids=session.query_ids(),
        )
        session.execute("COMMIT")
    except BaseException as exc:
        try:
            session.execute("ROLLBACK")
        except Exception as rollback_exc:  # e.g. a failed COMMIT already ended the transaction
            exc.add_note(f"ROLLBACK of {plan.display_name} also failed: {rollback_exc}")
        raise
    return rows_loaded, finished_at


def _load_rows(session: LoadSession, plan: FullRefreshPlan) -> int:
    if isinstance(session, LoadsFilesTogether):
        return session.load_files(plan)
    return sum(session.load_file(plan, file) for file in plan.files)


def _as_xo_error(plan: FullRefreshPlan, exc: Exception) -> XoError:
    """Keep the platform's own load and retry errors; wrap anything else as a LoadError naming the table."""
    if isinstance(exc, (LoadError, TransientError)):
        return exc
    if isinstance(exc, XoError):
        return LoadError(f"{plan.display_name}: {exc}")
    return LoadError(
        f"{plan.display_name}: load failed and was rolled back, the previous rows are intact:"
        f" {type(exc).__name__}: {exc}"
    )
