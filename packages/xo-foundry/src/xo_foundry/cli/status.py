"""``xo-foundry status``: per BRONZE table, its last load, recent failures, abandoned attempts and staleness.

A table is *failed* when its latest attempt (of any step) FAILED or was ABANDONED (STARTED past the ledger's
timeout: its process died), and *stale* when no successful load reached the window of the last run its schedule
should have finished: the last fire time more than ``grace`` ago (the run's retries and an hour for the work).
A manual pipeline is never stale. Either makes the command exit 1, so monitoring can call it.

Recent *column drift* (a stage whose header differed from the source's contract, ``xo_core.staging.contract``) is
listed too; under ``on_drift: fail`` it also failed the stage, and so the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from xo_core.staging.contract import ColumnDrift
from xo_core.timezones import zone_named
from xo_core.warehouse import ledger
from xo_core.warehouse.base import LedgerRow
from xo_foundry.cli.pipeline_ledger import TableLedger
from xo_foundry.schemas.pipeline import PipelineConfig
from xo_foundry.time_window import compute_window
from xo_foundry.time_window.schedule import last_fire

RECENT = timedelta(days=7)  # failures and abandoned attempts older than this are history, not news
WORK_TIME = timedelta(hours=1)  # what a run takes after it fires, before its retries
OK, FAILED, STALE, RUNNING, NEVER = "ok", "failed", "stale", "running", "never loaded"


@dataclass(frozen=True)
class TableStatus:
    """What ``status`` says about one BRONZE table."""

    dag_id: str
    source: str
    table: str
    schedule: str | None
    timezone: str  # the pipeline's: times are shown in it
    state: str
    last_load: LedgerRow | None
    expected_window_end: datetime | None
    failures: list[LedgerRow]
    abandoned: list[LedgerRow]
    drift: list[LedgerRow]  # stage attempts whose header drifted from the contract

    @property
    def zone(self) -> ZoneInfo:
        return zone_named(self.timezone)

    @property
    def alarming(self) -> bool:
        return self.state in (FAILED, STALE)

    def to_json(self) -> dict[str, Any]:
        return {
            "dag_id": self.dag_id,
            "source": self.source,
            "table": self.table,
            "schedule": self.schedule,
            "state": self.state,
            "last_load": _attempt_json(self.last_load, self.zone) if self.last_load else None,
            "expected_window_end": _iso(self.expected_window_end, self.zone),
            "recent_failures": [_attempt_json(row, self.zone) for row in self.failures],
            "abandoned": [_attempt_json(row, self.zone) for row in self.abandoned],
            "column_drift": [_drift_json(row, self.zone) for row in self.drift],
        }


def grace(pipeline: PipelineConfig) -> timedelta:
    """How long after its fire time a scheduled run may take before its table counts as stale."""
    return WORK_TIME + pipeline.dag.retries * timedelta(minutes=pipeline.dag.retry_delay_minutes)


def table_status(pipeline: PipelineConfig, found: TableLedger, now: datetime) -> TableStatus:
    """The status of one table at ``now``."""
    rows = found.rows
    loads = found.loads()
    latest = max(rows, key=lambda r: r.started_at) if rows else None
    expected_end = _expected_window_end(pipeline, found.source, now)
    succeeded = [r for r in loads if r.status == ledger.SUCCEEDED]
    if latest is not None and latest.status in (ledger.FAILED, ledger.ABANDONED):
        state = FAILED
    elif expected_end is not None and not any(_reaches(r, expected_end) for r in succeeded):
        state = STALE
    elif latest is not None and latest.status == ledger.STARTED:
        state = RUNNING
    elif not succeeded:
        state = NEVER
    else:
        state = OK
    since = now - RECENT
    return TableStatus(
        dag_id=pipeline.dag_id,
        source=found.source,
        table=found.name,
        schedule=pipeline.dag.schedule,
        timezone=pipeline.dag.time_window.timezone,
        state=state,
        last_load=loads[-1] if loads else None,
        expected_window_end=expected_end,
        failures=[r for r in rows if r.status == ledger.FAILED and r.started_at >= since],
        abandoned=[r for r in rows if r.status == ledger.ABANDONED and r.started_at >= since],
        drift=[r for r in rows if r.drift and r.started_at >= since],
    )


def _expected_window_end(pipeline: PipelineConfig, source: str, now: datetime) -> datetime | None:
    """The end of the window the last scheduled run that should be done by ``now`` loads into this table."""
    fire = last_fire(pipeline.dag.schedule, pipeline.dag.time_window.timezone, now - grace(pipeline))
    if fire is None:
        return None
    run_window = compute_window(pipeline.dag.time_window, logical_date=fire, data_interval_end=fire)
    return pipeline.sources[source].extract_window(run_window).end


def _reaches(row: LedgerRow, expected_end: datetime) -> bool:
    # A row from before the ledger had window columns: its finish stands in for the window it loaded.
    return (row.window_end or row.finished_at or row.started_at) >= expected_end


def render(statuses: list[TableStatus]) -> str:
    """The human-readable report, one block per table."""
    lines: list[str] = []
    for s in statuses:
        lines.append(f"{s.state.upper():13} {s.table}  ({s.dag_id}, schedule {s.schedule or 'manual'})")
        if s.last_load is None:
            lines.append("    last load: none")
        else:
            lines.append(f"    last load: {_describe(s.last_load, s.zone)}")
        if s.state == STALE and s.expected_window_end is not None:
            expected = _iso(s.expected_window_end, s.zone)
            lines.append(f"    stale: no successful load reaches {expected}, the window of the last scheduled run")
        lines.extend(f"    failed: {_describe(row, s.zone)}" for row in s.failures[-5:])
        lines.extend(f"    abandoned: {_describe(row, s.zone)}" for row in s.abandoned[-5:])
        lines.extend(f"    column drift: {_describe_drift(row, s.zone)}" for row in s.drift[-5:])
    alarming = [s for s in statuses if s.alarming]
    lines.append(f"{len(statuses)} table(s), {len(alarming)} failed or stale")
    return "\n".join(lines) + "\n"


def _describe(row: LedgerRow, zone: ZoneInfo) -> str:
    window = (
        f"window {_iso(row.window_start, zone)} → {_iso(row.window_end, zone)}"
        if row.window_start and row.window_end
        else "window unknown (row from before the ledger had one)"
    )
    seconds = f"{row.seconds:.1f}s" if row.seconds is not None else "-"
    rows = row.rows_loaded if row.rows_loaded is not None else "-"
    replay = ", replay" if row.replay else ""
    started = _iso(row.started_at, zone)
    text = f"{row.step} {row.status} {window}, {rows} rows, {seconds}{replay}, started {started}, run {row.run_id}"
    if row.error:
        text += f": {row.error.splitlines()[0][:200]}"
    return text


def _describe_drift(row: LedgerRow, zone: ZoneInfo) -> str:
    drift = ColumnDrift.from_json(row.drift or "")
    return f"{drift.describe()}, on_drift {drift.on_drift}: stage {row.status}, started {_iso(row.started_at, zone)}"


def _drift_json(row: LedgerRow, zone: ZoneInfo) -> dict[str, Any]:
    drift = ColumnDrift.from_json(row.drift or "")
    return {
        "run_id": row.run_id,
        "started_at": _iso(row.started_at, zone),
        "window_start": _iso(row.window_start, zone),
        "stage_status": row.status,
        "on_drift": drift.on_drift,
        "expected_from": drift.expected_from,
        "gone": drift.gone,
        "added": drift.added,
        "renamed": [list(pair) for pair in drift.renamed],
    }


def _attempt_json(row: LedgerRow, zone: ZoneInfo) -> dict[str, Any]:
    return {
        "step": row.step,
        "status": row.status,
        "run_id": row.run_id,
        "logical_date": _iso(row.logical_date, zone),
        "window_start": _iso(row.window_start, zone),
        "window_end": _iso(row.window_end, zone),
        "rows": row.rows_loaded,
        "seconds": row.seconds,
        "started_at": _iso(row.started_at, zone),
        "finished_at": _iso(row.finished_at, zone),
        "replay": row.replay,
        "error": row.error,
    }


def _iso(value: datetime | None, zone: ZoneInfo) -> str | None:
    return value.astimezone(zone).isoformat() if value else None
