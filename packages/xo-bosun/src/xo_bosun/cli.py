"""``xo``: find your way around the XO-Data monorepo and set it up.

Exit codes: 0 fine, 1 the command failed (unknown name, invalid new pipeline, a failed setup step),
2 bad usage or not inside a checkout.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from xo_bosun.catalog import all_places, apps, packages, pipeline_places, summary
from xo_bosun.foundry import run_foundry
from xo_bosun.navigate import NoSuchPlaceError, resolve
from xo_bosun.onboarding import STEPS, SetupOptions
from xo_bosun.repo import REPO_ENV, RepoNotFoundError, find_repo_root
from xo_bosun.scaffold import ScaffoldError, write_pipeline
from xo_bosun.shell import SHELLS, init_script
from xo_bosun.sources import source_types

app = typer.Typer(
    name="xo",
    help="Navigate and set up the XO-Data monorepo: xo list, xo cd, xo setup, xo new pipeline.",
    no_args_is_help=True,
    add_completion=True,
)
new_app = typer.Typer(help="Create something from a template.", no_args_is_help=True)
app.add_typer(new_app, name="new")

Shell = StrEnum("Shell", {s: s for s in SHELLS})
SourceType = StrEnum("SourceType", {s: s for s in source_types()})


@app.callback()
def main(
    ctx: typer.Context,
    repo: Annotated[
        Path | None, typer.Option("--repo", envvar=REPO_ENV, help="the checkout (default: found from the cwd)")
    ] = None,
) -> None:
    """Navigate and set up the XO-Data monorepo."""
    ctx.obj = repo


def _root(ctx: typer.Context) -> Path:
    """The checkout, or exit 2 with the reason."""
    override = ctx.find_root().obj
    try:
        return find_repo_root(override=override if isinstance(override, Path) else None)
    except RepoNotFoundError as error:
        typer.echo(f"xo: {error}", err=True)
        raise typer.Exit(2) from None


@app.command("list")
def list_places(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Packages, apps and pipelines, one line each."""
    root = _root(ctx)
    pkgs, app_places = packages(root), apps(root)
    _, infos = pipeline_places(root)
    if as_json:
        doc = {
            "root": str(root),
            "packages": [{"name": p.label, "path": str(p.path), "description": p.description} for p in pkgs],
            "apps": [{"name": p.label, "path": str(p.path), "description": p.description} for p in app_places],
            "pipelines": [
                {
                    "name": i.ref,
                    "path": str(i.path),
                    "schedule": i.schedule,
                    "source_types": i.source_types,
                    "error": i.error,
                }
                for i in infos
            ],
        }
        typer.echo(json.dumps(doc, indent=2))
        return
    rows = [
        *(("package", p.label, p.description) for p in pkgs),
        *(("app", p.label, p.description) for p in app_places),
        *(("pipeline", i.ref, summary(i)) for i in infos),
    ]
    width = max((len(label) for _, label, _ in rows), default=0)
    for kind, label, text in rows:
        typer.echo(f"{kind:9} {label:{width}}  {text}")


@app.command()
def cd(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="package, app, domain or pipeline (or a prefix)")] = None,
    print_only: Annotated[bool, typer.Option("--print", help="print the path only (for the shell function)")] = False,
) -> None:
    """Print the folder of NAME (the repository root without NAME); `xo init` makes `xo cd` change directory."""
    root = _root(ctx)
    try:
        folder = root if name is None else resolve(name, all_places(root))
    except NoSuchPlaceError as error:
        typer.echo(f"xo cd: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(str(folder))
    if not print_only and sys.stdout.isatty():
        typer.echo('(to change directory, add eval "$(xo init bash)" or zsh to your shell rc)', err=True)


@app.command()
def init(shell: Annotated[Shell, typer.Argument(help="bash or zsh")]) -> None:
    """Print the shell function that lets `xo cd` change directory: eval "$(xo init bash)"."""
    typer.echo(init_script(shell.value), nl=False)


@app.command()
def setup(
    ctx: typer.Context,
    sync: Annotated[bool, typer.Option("--sync/--no-sync", help="run uv sync --locked --all-groups")] = True,
    force: Annotated[bool, typer.Option("--force", help="replace a pre-commit hook xo did not write")] = False,
) -> None:
    """Set up a checkout for a new engineer: Python, uv, the environment, the git hook, .env. Idempotent."""
    options = SetupOptions(root=_root(ctx), sync=sync, force_hook=force)
    colours = {"ok": "green", "skipped": "cyan", "warning": "yellow", "failed": "red"}
    results: list[str] = []
    for number, (title, step) in enumerate(STEPS, start=1):
        typer.echo(f"[{number}/{len(STEPS)}] {title} ...", nl=False)
        result = step(options)
        results.append(result.status)
        typer.echo(f" {typer.style(result.status, fg=colours[result.status])}: {result.detail}")
    counts = ", ".join(f"{results.count(s)} {s}" for s in colours if results.count(s))
    typer.echo(f"setup of {options.root}: {counts}")
    if "failed" in results:
        raise typer.Exit(1)


@new_app.command("pipeline")
def new_pipeline(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(metavar="DOMAIN/NAME", help="e.g. warbyparker/qa_scores")],
    source: Annotated[SourceType, typer.Option("--source", help="the source type")],
    generate: Annotated[bool, typer.Option("--generate/--no-generate", help="regenerate the DAG files")] = True,
) -> None:
    """Write a pipeline config from a template, validate it with xo-foundry and regenerate the DAGs."""
    root = _root(ctx)
    try:
        path = write_pipeline(root, ref, source.value)
    except ScaffoldError as error:
        typer.echo(f"xo new pipeline: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"wrote {path}")
    steps = [["validate", str(path)], *([["generate"]] if generate else [])]
    for args in steps:
        run = run_foundry(root, args)
        typer.echo(f"$ {' '.join(run.args)}\n{run.output.rstrip()}")
        if not run.ok:
            # Nothing is generated from an invalid config, so removing the file leaves the checkout as it was.
            path.unlink(missing_ok=True)
            typer.echo(f"xo new pipeline: `{' '.join(run.args)}` failed; removed {path}", err=True)
            raise typer.Exit(1)
    typer.echo(f"next: fill in the TODOs of {path}, then `make generate`")
