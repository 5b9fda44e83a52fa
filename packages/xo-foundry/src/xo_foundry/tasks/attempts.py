"""Ledger rows of the steps the warehouse does not record itself: every extract and stage attempt, and a load
that fails before it reaches the warehouse (a missing manifest, an invalid request).

A row is STARTED before the step's work and marked SUCCEEDED or FAILED (with the error) after it, so an extract
that fails at the source leaves a FAILED row and one whose process is killed a STARTED row that the ledger reports
as ABANDONED. The step's own outcome matters more than its ledger row: a warehouse that cannot take the row (down,
locked past its timeout) is logged as a warning and the step goes on.
"""

from __future__ import annotations

import uuid
from collections.abc import Generator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from xo_core.warehouse import ledger
from xo_core.warehouse.base import Warehouse
from xo_foundry.tasks.runtime import TaskRun, log
from xo_foundry.time_window import TimeWindow, logical_date_from_context

# Set in the context by ``xo-foundry replay``: the load's ledger row is marked as a replay.
REPLAY_KEY = "xo_replay"


def is_replay(context: Mapping[str, Any]) -> bool:
    """True when the run reloads objects already in the ingest bucket (``xo-foundry replay``)."""
    return bool(context.get(REPLAY_KEY))


@dataclass
class Outcome:
    """What the step reports for its ledger row: the rows it wrote, and (stage) the header it read, which is
    recorded even when the step then fails (a header its contract refused)."""

    rows: int | None = None
    header: ledger.Header | None = None


@dataclass(frozen=True)
class _Ledger:
    warehouse: Warehouse
    database: str


@contextmanager
def recorded_attempt(
    run: TaskRun, step: str, window: TimeWindow, context: Mapping[str, Any], *, failures_only: bool = False
) -> Generator[Outcome]:
    """Record one attempt of ``step`` for the source's BRONZE table; ``failures_only`` writes a row only when the
    block raises (for the part of a load before the warehouse records the load itself)."""
    database = run.env.database(run.pipeline.database)
    attempt = ledger.Attempt(
        load_id=uuid.uuid4().hex,
        run_id=run.run_id,
        table_name=f"{run.pipeline.schema_name}.{run.source.snowflake.target_table}",
        step=step,
        started_at=datetime.now(UTC),
        dag_id=run.pipeline.dag_id,
        logical_date=logical_date_from_context(context),
        window_start=window.start,
        window_end=window.end,
        replay=is_replay(context),
    )
    target = None if failures_only else _start(run, database, attempt, context)
    outcome = Outcome()
    try:
        yield outcome
    except BaseException as exc:
        if failures_only:
            target = _start(run, database, attempt, context)
        if target is not None:
            _finish(target, attempt, ledger.FAILED, outcome, f"{type(exc).__name__}: {exc}")
        raise
    if target is not None:
        _finish(target, attempt, ledger.SUCCEEDED, outcome, None)


def _start(run: TaskRun, database: str, attempt: ledger.Attempt, context: Mapping[str, Any]) -> _Ledger | None:
    try:
        warehouse = run.warehouse(database, context)
        warehouse.record_attempt(database, attempt)
    except Exception as exc:
        log.warning("the ledger of %s could not record %s %s: %s", database, attempt.step, attempt.table_name, exc)
        return None
    return _Ledger(warehouse, database)


def _finish(target: _Ledger, attempt: ledger.Attempt, status: str, outcome: Outcome, error: str | None) -> None:
    rows = outcome.rows if status == ledger.SUCCEEDED else None
    try:
        target.warehouse.finish_attempt(
            target.database, attempt.load_id, status=status, rows=rows, error=error, header=outcome.header
        )
    except Exception as exc:
        log.warning("the ledger row %s could not be marked %s: %s", attempt.load_id, status, exc)
