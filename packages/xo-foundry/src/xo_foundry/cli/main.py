"""``xo-foundry``: validate pipeline configs, generate their DAG files, compute windows, run pipelines.

Exit codes: 0 fine, 1 invalid configs or stale DAGs or a failed run (``status``: a failed or stale table),
2 bad usage.
"""

from __future__ import annotations

import sys
from collections import deque
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from xo_foundry.cli.pipelines import config_root, dags_dir, find_pipeline, load_or_report, repo_root
from xo_foundry.schemas.pipeline import PipelineConfig

if TYPE_CHECKING:
    from xo_foundry.cli.run import StepResult

app = typer.Typer(
    name="xo-foundry",
    help="Pipeline configs in, Airflow DAGs out: validate, generate, list, window, run, backfill, replay, status.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _say_which_checkout() -> None:
    """Every command says which configs it reads: the checkout of the current directory (or XO_CONFIG_ROOT)."""
    typer.echo(f"config root: {config_root()}", err=True)


PathsArg = Annotated[list[Path] | None, typer.Argument(help="config files or folders (default: every pipeline)")]
PipelineArg = Annotated[str, typer.Argument(help="DOMAIN/PIPELINE, e.g. warbyparker/gladly_daily")]
DateOption = Annotated[str, typer.Option("--date", help="the run's logical date, YYYY-MM-DD")]


@app.command()
def validate(paths: PathsArg = None) -> None:
    """Validate pipeline configs; print every problem as PATH:LINE: field: message."""
    result = load_or_report(paths)
    typer.echo(f"{len(result.pipelines)} pipeline(s) valid, {len(result.problems)} problem(s)")
    if not result.ok:
        raise typer.Exit(1)


@app.command()
def generate(
    check: Annotated[bool, typer.Option("--check", help="fail if a committed generated file is stale")] = False,
) -> None:
    """Generate the DAG files and dbt sources from every config, and the JSON Schema, configuration reference,
    sources page and xo-bosun catalog from the models and the source registry; nothing is written when any
    config is invalid."""
    from xo_foundry.dag_factory.generate import plan_generation, stale_files, write_plan
    from xo_foundry.dag_factory.safety import UnsafeGeneration

    result = load_or_report(None)
    if not result.ok:
        typer.echo("no DAG file written: fix the configs above first", err=True)
        raise typer.Exit(1)
    try:
        plan = plan_generation(result.pipelines, dags_dir(), repo_root())
    except UnsafeGeneration as error:
        typer.echo(f"{error}\nno DAG file written: a config value would become code in a generated file", err=True)
        raise typer.Exit(1) from None
    for note in plan.notes:
        typer.echo(note)
    if check:
        problems = stale_files(plan)
        for line in problems:
            typer.echo(line, err=True)
        if problems:
            raise typer.Exit(1)
        typer.echo(f"{len(plan.files)} generated file(s) up to date")
        return
    changed = write_plan(plan)
    for path in changed:
        typer.echo(f"wrote {path}" if path.exists() else f"removed {path}")
    typer.echo(f"{len(plan.files)} generated file(s), {len(changed)} changed")


@app.command("list")
def list_pipelines() -> None:
    """One line per pipeline: dag id, schedule, window, sources → tables."""
    result = load_or_report(None)
    for pipeline in sorted(result.pipelines.values(), key=lambda p: p.dag_id):
        d = pipeline.dag
        targets = ", ".join(
            f"{name}({s.source_type}, {s.load_strategy.kind}) → "
            f"{pipeline.database}.{pipeline.schema_name}.{s.snowflake.target_table}"
            for name, s in pipeline.sources.items()
        )
        typer.echo(f"{pipeline.dag_id:32} {d.schedule or 'manual':14} {d.time_window.refresh_type:18} {targets}")
    if not result.ok:
        raise typer.Exit(1)


@app.command()
def window(
    pipeline: PipelineArg,
    on: DateOption,
) -> None:
    """Print the time window a run with this logical date computes."""
    from xo_foundry.time_window import window_for_date

    day = _logical_day(on)
    config = find_pipeline(pipeline)
    w = window_for_date(config.dag.time_window, day)
    typer.echo(str(w))


@app.command()
def run(
    pipelines: Annotated[
        list[str], typer.Argument(help="DOMAIN/PIPELINE, e.g. warbyparker/gladly_daily; several run one after another")
    ],
    on: DateOption,
    direct: Annotated[bool, typer.Option("--direct", help="call the task functions without Airflow")] = False,
) -> None:
    """Run pipelines end to end for one logical date: through Airflow's dag.test(), or --direct.

    Several pipelines run one after another in this one process, so Airflow's and dbt's start-up is paid once;
    each is run and reported as if alone. The exit status is the number of pipelines that failed.
    """
    day = _logical_day(on)
    configs = [find_pipeline(pipeline) for pipeline in pipelines]
    failed = [config.dag_id for config in configs if not _run_pipeline(config, day, direct=direct)]
    if failed:
        if len(configs) > 1:
            typer.echo(f"FAILED: {len(failed)} of {len(configs)} pipelines: {', '.join(failed)}", err=True)
        raise typer.Exit(len(failed))


def _run_pipeline(config: PipelineConfig, day: date, *, direct: bool) -> bool:
    """Run one pipeline and print its steps; False (after saying why) when it failed."""
    from xo_core.environment import environment
    from xo_core.errors import XoError
    from xo_foundry.cli.run import logical_date_for, run_airflow, run_direct, run_log_path
    from xo_foundry.time_window import window_for_date

    env = environment()
    logical_date = logical_date_for(config, day)
    mode = "directly" if direct else "through Airflow (dag.test)"
    typer.echo(f"{config.dag_id}: window {window_for_date(config.dag.time_window, day)}, env {env.name}, {mode}")
    log_path = run_log_path(env, config, logical_date)
    try:
        if direct:
            steps = run_direct(config, logical_date)
        else:
            steps = run_airflow(config, logical_date, env, dags_dir(), log_path)
    except XoError as exc:
        typer.echo(f"FAILED: {exc}", err=True)
        return False
    _print_steps(steps)
    if not direct:
        typer.echo(f"  Airflow log: {log_path}")
    if any(step.state != "success" for step in steps):
        typer.echo(f"FAILED: {config.dag_id} did not succeed. Last lines of {log_path}:", err=True)
        typer.echo(_tail(log_path), err=True)
        return False
    return True


@app.command()
def backfill(
    pipeline: PipelineArg,
    start: Annotated[str, typer.Option("--start", help="the first logical date, YYYY-MM-DD")],
    end: Annotated[str, typer.Option("--end", help="the last logical date (included), YYYY-MM-DD")],
    direct: Annotated[bool, typer.Option("--direct", help="call the task functions without Airflow")] = False,
    force: Annotated[bool, typer.Option("--force", help="also run dates whose windows already succeeded")] = False,
) -> None:
    """Run every logical date from --start to --end, oldest first; skip dates already loaded; stop at a failure."""
    from xo_core.environment import environment
    from xo_foundry.cli.backfill import FAILED, SKIPPED, dates_between, resume_command, run_date

    first, last = _logical_day(start, "--start"), _logical_day(end, "--end")
    if last < first:
        typer.echo(f"--end {last} is before --start {first}", err=True)
        raise typer.Exit(2)
    config = find_pipeline(pipeline)
    env = environment()
    days = dates_between(first, last)
    mode = "directly" if direct else "through Airflow (dag.test)"
    typer.echo(f"{config.dag_id}: {len(days)} logical date(s) {first} → {last}, env {env.name}, {mode}")
    counts = {"succeeded": 0, SKIPPED: 0}
    with typer.progressbar(days, label="backfill", file=sys.stderr, show_pos=True) as bar:
        for day in bar:
            outcome = run_date(config, day, env, dags_dir(), direct=direct, force=force)
            typer.echo(f"  {day}  {outcome.outcome:9} {outcome.seconds:7.2f}s  {outcome.detail}")
            if outcome.outcome == FAILED:
                typer.echo(f"FAILED at {day}: {outcome.detail}", err=True)
                typer.echo(f"resume with: {resume_command(pipeline, day, last, direct=direct, force=force)}", err=True)
                raise typer.Exit(1)
            counts[outcome.outcome] += 1
    typer.echo(f"done: {counts['succeeded']} succeeded, {counts[SKIPPED]} skipped")


@app.command()
def replay(pipeline: PipelineArg, on: DateOption) -> None:
    """Reload BRONZE and rebuild dbt downstream from the date's objects already in the ingest bucket (no API)."""
    from xo_core.environment import environment
    from xo_core.errors import XoError
    from xo_foundry.cli.replay import replay as replay_date
    from xo_foundry.time_window import window_for_date

    day = _logical_day(on)
    config = find_pipeline(pipeline)
    env = environment()
    typer.echo(f"{config.dag_id}: replay of window {window_for_date(config.dag.time_window, day)}, env {env.name}")
    try:
        steps = replay_date(config, day, env)
    except XoError as exc:
        typer.echo(f"FAILED: {exc}", err=True)
        raise typer.Exit(1) from None
    _print_steps(steps)


@app.command()
def status(
    target: Annotated[str | None, typer.Argument(help="DOMAIN or DOMAIN/PIPELINE (default: every pipeline)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON for monitoring")] = False,
) -> None:
    """Per BRONZE table: last load, recent failures, abandoned runs, staleness; exit 1 if failed or stale."""
    import json
    from datetime import UTC, datetime

    from xo_core.environment import environment
    from xo_core.errors import XoError
    from xo_foundry.cli.pipeline_ledger import pipeline_ledger
    from xo_foundry.cli.status import render, table_status

    pipelines = _pipelines_named(target)
    env = environment()
    now = datetime.now(UTC)
    try:
        statuses = [table_status(config, found, now) for config in pipelines for found in pipeline_ledger(config, env)]
    except XoError as exc:
        typer.echo(f"FAILED: {exc}", err=True)
        raise typer.Exit(1) from None
    if as_json:
        report = {"env": env.name, "at": now.isoformat(), "ok": not any(s.alarming for s in statuses)}
        typer.echo(json.dumps({**report, "tables": [s.to_json() for s in statuses]}, indent=2))
    else:
        typer.echo(render(statuses), nl=False)
    if any(s.alarming for s in statuses):
        raise typer.Exit(1)


def _pipelines_named(target: str | None) -> list[PipelineConfig]:
    """Every pipeline, a domain's, or one (DOMAIN/PIPELINE), sorted by dag id."""
    if target is not None and "/" in target:
        return [find_pipeline(target)]
    result = load_or_report(None)
    if not result.ok:
        raise typer.Exit(1)
    found = [p for p in result.pipelines.values() if target is None or p.dag.domain == target]
    if not found:
        domains = sorted({p.dag.domain for p in result.pipelines.values()})
        typer.echo(f"no domain {target!r} (known: {', '.join(domains)})", err=True)
        raise typer.Exit(1)
    return sorted(found, key=lambda p: p.dag_id)


@app.command()
def plan(
    pipeline: PipelineArg,
    on: DateOption,
    env_name: Annotated[str | None, typer.Option("--env", help="dev or prod (default: XO_ENV)")] = None,
) -> None:
    """Print the window, object keys and Snowflake statements of a dev/prod run, connecting to nothing."""
    from xo_core.environment import environment
    from xo_core.errors import XoError
    from xo_foundry.cli.plan import render_plan

    day = _logical_day(on)
    config = find_pipeline(pipeline)
    try:
        env = environment(env_name)
        if env.warehouse != "snowflake":
            raise XoError(f"plan shows the S3 + Snowflake path; environment {env.name!r} has none: use --env dev|prod")
        typer.echo(render_plan(config, day, env), nl=False)
    except XoError as exc:
        typer.echo(f"FAILED: {exc}", err=True)
        raise typer.Exit(1) from None


def _logical_day(on: str, option: str = "--date") -> date:
    """A date option as a date; a usage error (exit 2) when it is not YYYY-MM-DD."""
    try:
        return date.fromisoformat(on)
    except ValueError:
        typer.echo(f"{option} {on!r} is not a date as YYYY-MM-DD", err=True)
        raise typer.Exit(2) from None


def _tail(path: Path, lines: int = 40) -> str:
    if not path.is_file():
        return ""
    with path.open(encoding="utf-8", errors="replace") as f:
        return "".join(deque(f, maxlen=lines))


def main() -> None:
    app()


def _print_steps(steps: list[StepResult]) -> None:
    """One line per step of a run: task, state, seconds, and what it made (rows, key, table, dbt statuses)."""
    for step in steps:
        detail = ", ".join(f"{k}={v}" for k, v in step.output.items() if k in ("rows", "key", "table", "statuses"))
        typer.echo(f"  {step.task_id:32} {step.state:8} {step.seconds:6.2f}s  {detail}")
