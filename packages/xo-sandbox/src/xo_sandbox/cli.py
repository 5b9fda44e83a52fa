"""``xo-sandbox``: run the simulators from a terminal (``xo-sandbox serve``)."""

from __future__ import annotations

from typing import Annotated

import typer

from xo_sandbox.gladly import DEFAULT_CREDENTIALS, FAULT_KINDS, Fault, GladlySandbox

app = typer.Typer(help="Local simulators of the source APIs.", no_args_is_help=True, add_completion=False)


@app.callback()
def main() -> None:
    """Local simulators of the source APIs."""


def _faults(specs: list[str]) -> list[Fault]:
    try:
        return [Fault.parse(spec) for spec in specs]
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--fault") from exc


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port to listen on (0 picks a free one).")] = 8765,
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    fault: Annotated[
        list[str] | None,
        typer.Option(
            help="Inject a fault: KIND[,path=P][,times=N|always][,seconds=S][,rows=N]. "
            f"Kinds: {', '.join(FAULT_KINDS)}. Repeatable."
        ),
    ] = None,
    volume_scale: Annotated[float, typer.Option(help="Multiply the synthetic volume.")] = 1.0,
    row_cap: Annotated[int | None, typer.Option(help="Silently cap every report at this many rows.")] = None,
    all_sources: Annotated[
        bool, typer.Option("--all", help="Serve every simulator on free ports and print the connections to export.")
    ] = False,
) -> None:
    """Serve the Gladly simulator (or, with --all, every simulator) until Ctrl-C."""
    if all_sources:
        _serve_all(volume_scale)
        return
    sandbox = GladlySandbox(
        host=host, port=port, faults=_faults(fault or []), volume_scale=volume_scale, row_cap=row_cap
    )
    typer.echo(f"Gladly sandbox listening on {sandbox.url}")
    for org, (user, token) in DEFAULT_CREDENTIALS.items():
        # Sandbox-only demo credentials: printing them is the point.
        typer.echo(f"  {org}: user {user}  token {token}")
    typer.echo("Press Ctrl-C to stop.", err=False)
    try:
        sandbox.serve_forever()
    except KeyboardInterrupt:
        typer.echo("stopped")


def _serve_all(volume_scale: float) -> None:
    import threading

    from xo_sandbox.sandboxes import start_all

    with start_all(volume_scale=volume_scale) as sandboxes:
        for name, url in sandboxes.urls().items():
            typer.echo(f"# {name:9} {url}")
        typer.echo("# Sandbox-only credentials; paste these into your shell or .env to run pipelines against them:")
        for name, value in sandboxes.connection_env().items():
            typer.echo(f"export {name}='{value}'")
        typer.echo("# Press Ctrl-C to stop.")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            typer.echo("stopped")


@app.command()
def airflow(
    port: Annotated[int, typer.Option(help="Port of the API server and UI on 127.0.0.1.")] = 8080,
    celery: Annotated[
        bool,
        typer.Option(
            "--celery", help="The production topology: PostgreSQL metadata DB, CeleryExecutor, Redis, two workers."
        ),
    ] = False,
) -> None:
    """Airflow's real scheduler with the generated DAGs and every simulator, until Ctrl-C."""
    from xo_sandbox.airflow_stack.launch import serve_airflow

    if serve_airflow(port=port, celery=celery, echo=typer.echo):
        raise typer.Exit(1)


@app.command()
def demo(
    on: Annotated[
        str | None, typer.Option("--date", help="logical date YYYY-MM-DD (default: today in New York)")
    ] = None,
    direct: Annotated[bool, typer.Option("--direct", help="run the task functions without Airflow")] = False,
) -> None:
    """Run the demo pipelines end to end on the embedded default and show what landed."""
    from datetime import date

    from xo_sandbox.demo import recent_demo_date, run_demo, today_of_the_pipelines

    try:
        day = date.fromisoformat(on) if on else recent_demo_date(today_of_the_pipelines())
    except ValueError:
        raise typer.BadParameter(f"{on!r} is not a date as YYYY-MM-DD", param_hint="--date") from None
    if run_demo(day, direct=direct, echo=typer.echo):
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
