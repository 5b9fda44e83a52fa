"""Benchmark: every kind of pipeline run end to end (extract → stage → load → dbt) for consecutive days.

The shape of ``tests/test_reconcile_pipelines.py``'s scenario, which held these runs to a wall-clock budget
until budgets moved out of the tests (issue 15): its eight pipelines (both clients' Gladly, Sprout, the
partner's e-mail report, the S3 upload, both rosters, BambooHR's history) against the simulators at a tenth of
the Gladly and Sprout volume, three logical dates and the second one again (a reload), 32 runs. Each date's
runs go one after another in one fresh child process (``run_direct``, in process, as the scenario ran them),
measured for its own peak RSS; the day's QA export is dropped into the landing bucket first.

Reported per pipeline: the median and the slowest of its runs, and of its dbt transform alone; then the sum of
every run against the budget the test held (170 s for the 32 runs: slower means a transform got much slower
than it should be). ``XO_BENCH_QUICK=1``: one date, two pipelines, nothing saved.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.measure import DATA_ROOT, QUICK, RESULT_MARKER, print_table, run_conditions, run_measured, save_rows
from xo_sandbox.demo import RECONCILED_PIPELINES

PIPELINES = ("warbyparker/roster_sheet", "core/bamboohr_history") if QUICK else RECONCILED_PIPELINES
VOLUME = 0.1
BUDGET_SECONDS = 170.0  # what tests/test_reconcile_pipelines.py asserted for the 32 runs
RESULTS = Path(__file__).parent / "results" / "pipeline_runs.json"


def logical_dates(today: date, count: int) -> list[date]:
    """``count`` consecutive logical dates, the latest on or before ``today``, each with the partner's report
    mail (the e-mail pipeline rightly fails on a day without one)."""
    from xo_sandbox.google.gmail.mailbox import day_kind

    last = today
    while any(day_kind(last - timedelta(days=i)) == "none" for i in range(count)):
        last -= timedelta(days=1)
    return [last - timedelta(days=count - 1 - i) for i in range(count)]


def child(pipelines: str, on: str) -> None:
    """Run each pipeline for logical date ``on`` in this process; print each one's seconds as JSON."""
    from xo_core.environment import environment
    from xo_core.storage.factory import object_store_for
    from xo_foundry.cli.run import logical_date_for, run_direct
    from xo_foundry.schemas.loader import DEFAULT_CONFIG_ROOT, load_pipeline
    from xo_sandbox.uploads import qa_scores_csv, qa_scores_key

    day = date.fromisoformat(on)
    env = environment()
    window_day = day - timedelta(days=1)
    object_store_for(env.object_store_url).put_bytes(
        env.landing_bucket, qa_scores_key(window_day), qa_scores_csv(window_day)
    )
    seconds: dict[str, dict[str, float]] = {}
    for ref in pipelines.split(","):
        pipeline = load_pipeline(DEFAULT_CONFIG_ROOT / f"{ref}.yaml")
        started = time.perf_counter()
        steps = run_direct(pipeline, logical_date_for(pipeline, day))
        seconds[ref] = {"run": time.perf_counter() - started, "dbt": steps[-1].seconds}
    print(RESULT_MARKER, json.dumps(seconds))


def main() -> None:
    from xo_sandbox.demo import today_of_the_pipelines
    from xo_sandbox.sandboxes import start_all

    load_at_start = os.getloadavg()
    dates = logical_dates(today_of_the_pipelines(), 1 if QUICK else 3)
    runs = [(d, "") for d in dates] + ([] if QUICK else [(dates[1], " again")])
    measured: list[dict[str, dict[str, float]]] = []
    processes: list[dict[str, object]] = []
    DATA_ROOT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=DATA_ROOT) as home, start_all(volume_scale=VOLUME, relaxed_limits=True) as s:
        saved = dict(os.environ)
        os.environ.update({"XO_HOME": home, "XO_ENV": "local", **s.connection_env()})
        try:
            for day, label in runs:
                code = f"from bench.pipeline_runs import child; child({','.join(PIPELINES)!r}, {day.isoformat()!r})"
                started = time.perf_counter()
                out, peak_mb = run_measured(code)
                wall = time.perf_counter() - started
                measured.append(json.loads(out.rpartition(RESULT_MARKER)[2]))
                processes.append({"date": f"{day}{label}", "process_s": round(wall, 1), "peak_rss_mb": round(peak_mb)})
                print(f"   {day}{label}: {wall:.1f}s, peak RSS {peak_mb:.0f} MB", flush=True)
        finally:
            os.environ.clear()
            os.environ.update(saved)
    rows: list[dict[str, object]] = []
    for ref in PIPELINES:
        run_s = [m[ref]["run"] for m in measured]
        dbt_s = [m[ref]["dbt"] for m in measured]
        rows.append(
            {
                "benchmark": ref,
                "runs": len(run_s),
                "median_s": round(statistics.median(run_s), 2),
                "max_s": round(max(run_s), 2),
                "dbt_median_s": round(statistics.median(dbt_s), 2),
                "dbt_max_s": round(max(dbt_s), 2),
            }
        )
    total = sum(m[ref]["run"] for m in measured for ref in PIPELINES)
    rows.append({"benchmark": "every run", "runs": len(measured) * len(PIPELINES), "sum_s": round(total, 1)})
    print_table(rows)
    print_table(processes)
    verdict = "meets" if total < BUDGET_SECONDS else "MISSES"
    print(f"{len(measured) * len(PIPELINES)} runs in {total:.1f}s: {verdict} the {BUDGET_SECONDS:.0f}s budget")
    conditions = run_conditions(
        load_at_start,
        volume_scale=VOLUME,
        logical_dates=[f"{d}{label}" for d, label in runs],
        processes=processes,
        budget_s=BUDGET_SECONDS,
    )
    save_rows(rows, RESULTS, conditions=conditions)


if __name__ == "__main__":
    main()
