"""``xo-foundry backfill``: run every logical date of a range, oldest first, one at a time.

Oldest first because SILVER keeps history from each window in turn (BRONZE holds only the last one); one at a
time because the generated DAGs allow one active run (``max_active_runs: 1``). A date whose every source window
already has a SUCCEEDED load in the ledger is skipped unless ``force``; the first failure stops the backfill.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from xo_core.environment import Environment
from xo_foundry.cli.pipeline_ledger import date_succeeded, pipeline_ledger
from xo_foundry.cli.run import StepResult, logical_date_for, run_airflow, run_direct, run_log_path
from xo_foundry.schemas.pipeline import PipelineConfig

SUCCEEDED, SKIPPED, FAILED = "succeeded", "skipped", "failed"


@dataclass(frozen=True)
class DateOutcome:
    """What happened to one logical date."""

    day: date
    outcome: str
    seconds: float = 0.0
    detail: str = ""


def dates_between(start: date, end: date) -> list[date]:
    """Every date from ``start`` to ``end``, both included."""
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


def resume_command(ref: str, day: date, end: date, *, direct: bool, force: bool) -> str:
    """The command that carries on a stopped backfill from ``day``."""
    flags = (" --direct" if direct else "") + (" --force" if force else "")
    return f"xo-foundry backfill {ref} --start {day.isoformat()} --end {end.isoformat()}{flags}"


def run_date(
    pipeline: PipelineConfig, day: date, env: Environment, dags_dir: Path, *, direct: bool, force: bool
) -> DateOutcome:
    """Run one logical date, unless it already succeeded (and ``force`` is off)."""
    import time

    if not force and date_succeeded(pipeline, pipeline_ledger(pipeline, env), day):
        return DateOutcome(day, SKIPPED, detail="every window already SUCCEEDED in the ledger")
    logical_date = logical_date_for(pipeline, day)
    started = time.perf_counter()
    log_path = run_log_path(env, pipeline, logical_date)
    try:
        steps: list[StepResult] = (
            run_direct(pipeline, logical_date)
            if direct
            else run_airflow(pipeline, logical_date, env, dags_dir, log_path)
        )
    except Exception as exc:  # any error stops the backfill at this date; the message says which and how
        return DateOutcome(day, FAILED, time.perf_counter() - started, f"{type(exc).__name__}: {exc}")
    seconds = time.perf_counter() - started
    failed = [s.task_id for s in steps if s.state != "success"]
    if failed:
        return DateOutcome(day, FAILED, seconds, f"task(s) {', '.join(failed)} did not succeed; log: {log_path}")
    return DateOutcome(day, SUCCEEDED, seconds)
