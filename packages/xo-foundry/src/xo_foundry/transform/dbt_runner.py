"""``dbt build`` in-process (dbtRunner) for a selection, on the environment's warehouse.

Local (DuckDB): a run locks only what it touches. The selection is resolved on the parsed manifest first
(``dbt_access``): the databases of the models, snapshots and seeds it builds are attached read-write under
their write lock, the databases it only reads from (their parents' and their tests') read-only under a
shared lock, and the rest not at all (``apps/dbt/profiles.yml`` reads the choice from ``XO_DBT_ATTACH_*``).
So two clients transform at once and a load into one client never waits for another client's transform
(``xo_core.warehouse.duckdb.locking``: DuckDB refuses a read-only open while another process writes the file).
The locks are held from before dbt opens a file until after its DuckDB instance is closed: dbt-duckdb keeps
the files open in a process-wide environment after ``dbtRunner`` returns (seen here). The build reuses the
manifest of that first parse, which runs with the same profile every time so dbt's partial parsing holds.
A failure raises ``DbtBuildError`` naming each failed node; a failed data test also shows its first rows,
got by running the test's compiled query again (``dbt show --inline``), which works the same on DuckDB and
Snowflake and costs nothing when every test passes (``store_failures`` would write a table per test per run).
"""

from __future__ import annotations

import json
import os
from collections.abc import Generator, Iterable, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from xo_core.clients import CLIENTS
from xo_core.environment import Environment, environment, repo_root
from xo_core.errors import ConfigError, TerminalError
from xo_core.warehouse.duckdb.backend import DuckDBWarehouse
from xo_core.warehouse.duckdb.locking import DEFAULT_LOCK_TIMEOUT_SECONDS, hold_read_lock, hold_write_lock

FAILED_STATUSES = frozenset({"error", "fail", "runtime error"})
SHOWN_ROWS = 5
BUILT_RESOURCE_TYPES = frozenset({"model", "snapshot", "seed"})

Access = Literal["write", "read", "none"]
"""How a run attaches a database: read-write (write lock), read-only (shared lock), or not at all."""


class DbtBuildError(TerminalError):
    """dbt build failed: ``failures`` holds one line per failed node (with a failed test's first rows)."""

    def __init__(self, message: str, failures: Sequence[str]) -> None:
        self.failures = list(failures)
        super().__init__(message)


@dataclass(frozen=True)
class DbtSettings:
    """Where the project, profiles and run state are, and which target (the environment's name)."""

    project_dir: Path
    profiles_dir: Path
    target: str
    env: Environment

    @property
    def state_dir(self) -> Path:
        """Run state (target/, logs/) under XO_HOME, so a read-only checkout can run dbt too."""
        return self.env.home / "dbt"


@dataclass
class DbtBuildResult:
    """What ran: every node's status by unique id, and how long the build took."""

    statuses: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for s in self.statuses.values() if s == status)


def dbt_settings(env: Environment | None = None, project_dir: Path | None = None) -> DbtSettings:
    """``XO_DBT_PROJECT_DIR`` or the checkout's apps/dbt; profiles.yml is in the project; target = XO_ENV."""
    env = env or environment()
    if project_dir is None:
        configured = os.environ.get("XO_DBT_PROJECT_DIR")
        root = repo_root()
        if configured:
            project_dir = Path(configured)
        elif root is not None:
            project_dir = root / "apps" / "dbt"
        else:
            raise ConfigError("no dbt project: set XO_DBT_PROJECT_DIR (looked for apps/dbt above xo_core)")
    if not (project_dir / "dbt_project.yml").is_file():
        raise ConfigError(f"{project_dir} holds no dbt_project.yml", field="XO_DBT_PROJECT_DIR")
    return DbtSettings(project_dir=project_dir, profiles_dir=project_dir, target=env.name, env=env)


def duckdb_databases(env: Environment) -> list[str]:
    """The database files the local profile opens (every client's), in lock order."""
    return sorted(env.database(client.database) for client in CLIENTS.values())


@contextmanager
def _environ(values: dict[str, str]) -> Generator[None]:
    # dbt reads env_var() from os.environ; set only for the run and restored after.
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _close_dbt_connections() -> None:
    """Release every connection dbt holds, so the DuckDB files are closed before their locks are released."""
    from dbt.adapters.factory import cleanup_connections, reset_adapters

    cleanup_connections()
    reset_adapters()
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:
        return
    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None


def attach_variable(database: str) -> str:
    """The environment variable the local profile reads to attach ``database``: write, read or none."""
    return f"XO_DBT_ATTACH_{database}"


@contextmanager
def dbt_session(
    settings: DbtSettings,
    *,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT_SECONDS,
    purpose: str = "dbt",
    access: dict[str, Access] | None = None,
) -> Generator[None]:
    """The run's environment variables and, on DuckDB, each database it touches created and locked.

    ``access`` maps a database to how the run attaches it; one not named is not attached. ``None``: every
    database written (what a plain ``dbt`` command does with this profile).
    """
    env = settings.env
    variables = _base_variables(settings)
    with ExitStack() as stack:
        if env.warehouse == "duckdb":
            databases = duckdb_databases(env)
            chosen: dict[str, Access] = (
                dict.fromkeys(databases, "write") if access is None else {d: access.get(d, "none") for d in databases}
            )
            variables |= {attach_variable(d): how for d, how in chosen.items()}
            warehouse = DuckDBWarehouse(env.home, lock_timeout=lock_timeout)
            for database, how in chosen.items():
                # An attached file must exist with its layer schemas (a read-only attach cannot create it).
                if how != "none" and not warehouse.database_path(database).is_file():
                    warehouse.ensure_database(database)
            # One global order (the names) for every lock, exclusive or shared: no two runs deadlock.
            for database, how in sorted(chosen.items()):
                hold = hold_write_lock if how == "write" else hold_read_lock if how == "read" else None
                if hold is not None:
                    stack.enter_context(hold(warehouse.lock_path(database), purpose=purpose, timeout=lock_timeout))
        stack.enter_context(_environ(variables))
        try:
            yield
        finally:
            _close_dbt_connections()


def _base_variables(settings: DbtSettings) -> dict[str, str]:
    env = settings.env
    return {
        "XO_ENV": env.name,
        "XO_HOME": str(env.home.resolve()),
        "XO_DBT_TARGET_PATH": str((settings.state_dir / "target").resolve()),
        "DBT_LOG_PATH": str((settings.state_dir / "logs").resolve()),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    }


def parse_manifest(settings: DbtSettings) -> Any:
    """The project's manifest (``dbt parse``, partial when nothing changed); no database is opened.

    Every ``XO_DBT_ATTACH_*`` is unset here: the profile then renders the same on every run, and dbt keeps
    parsing partially (a changed profile makes dbt parse everything again). The build then reuses this manifest.
    """
    variables = _base_variables(settings)
    cleared = {attach_variable(d): None for d in duckdb_databases(settings.env)}
    # One parse at a time per state dir: runs side by side would write partial_parse.msgpack together.
    lock = settings.state_dir / "parse.lock"
    with hold_write_lock(lock, purpose="dbt parse"), _environ(variables), _unset(cleared):
        outcome = _invoke(settings, ["parse"])
    if not outcome.success or outcome.result is None:
        raise DbtBuildError(f"dbt parse failed: {outcome.exception or 'see the dbt log'}", [])
    return outcome.result


def dbt_access(settings: DbtSettings, manifest: Any, args: Sequence[str]) -> dict[str, Access]:
    """How a run of ``args`` (a selection) touches each database: the built nodes' written, their parents' read."""
    # --log-level none: ls prints every node even with --quiet.
    ls = ["--log-level", "none", "ls", *args, "--output", "json", "--output-keys", "unique_id"]
    listed = _invoke(settings, ls, manifest=manifest)
    if not listed.success or listed.result is None:
        raise DbtBuildError(f"dbt ls {' '.join(args)} failed: {listed.exception or 'see the dbt log'}", [])
    access: dict[str, Access] = {}
    parents: set[str] = set()
    for line in listed.result:
        node = _manifest_node(manifest, json.loads(line)["unique_id"])
        if node is None:
            continue
        if node.resource_type in BUILT_RESOURCE_TYPES and node.database:
            access[node.database] = "write"
        parents.update(getattr(getattr(node, "depends_on", None), "nodes", None) or [])
    for unique_id in parents:
        parent = _manifest_node(manifest, unique_id)
        if parent is not None and parent.database:
            access.setdefault(parent.database, "read")
    return access


def _manifest_node(manifest: Any, unique_id: str) -> Any:
    return manifest.nodes.get(unique_id) or manifest.sources.get(unique_id) or manifest.unit_tests.get(unique_id)


@contextmanager
def _unset(values: dict[str, None]) -> Generator[None]:
    saved = {k: os.environ.pop(k) for k in values if k in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


def _invoke(settings: DbtSettings, args: list[str], *, manifest: Any = None) -> Any:
    from dbt.cli.main import dbtRunner

    common = ["--project-dir", str(settings.project_dir), "--profiles-dir", str(settings.profiles_dir)]
    return dbtRunner(manifest=manifest).invoke([*args, *common, "--target", settings.target, "--quiet"])


def _failing_rows(settings: DbtSettings, compiled_sql: str, manifest: Any) -> str:
    """The first rows a failed test's query returns, as text (or why they could not be read)."""
    shown = _invoke(settings, ["show", "--inline", compiled_sql, "--limit", str(SHOWN_ROWS)], manifest=manifest)
    if not shown.success or shown.result is None or not shown.result.results:
        return f"    (could not re-run the test query: {shown.exception or 'no result'})"
    table = shown.result.results[0].agate_table
    lines = ["    " + " | ".join(str(name) for name in table.column_names)]
    lines.extend("    " + " | ".join("" if v is None else str(v) for v in row) for row in table.rows)
    return "\n".join(lines)


def _describe_failures(settings: DbtSettings, results: Iterable[Any], manifest: Any) -> list[str]:
    failures: list[str] = []
    for result in results:
        status = str(result.status)
        if status not in FAILED_STATUSES:
            continue
        node = result.node
        line = f"{node.resource_type} {node.name} ({node.unique_id}): {status}: {(result.message or '').strip()}"
        if node.resource_type == "test" and status == "fail" and getattr(node, "compiled_code", None):
            line += "\n" + _failing_rows(settings, node.compiled_code, manifest)
        failures.append(line)
    return failures


def run_dbt_build(
    select: Sequence[str],
    *,
    settings: DbtSettings | None = None,
    exclude: Sequence[str] = (),
    unit_tests: bool = False,
    full_refresh: bool = False,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT_SECONDS,
) -> DbtBuildResult:
    """``dbt build --select <select>`` in this process; raises ``DbtBuildError`` naming every failed node.

    Unit tests test the SQL, not the day's data: they run in CI (``unit_tests=True``), not in pipeline runs.
    """
    if not select:
        raise ConfigError("dbt build needs a selection (e.g. source:wbp_db.GLADLY_CONTACT_TIMESTAMPS+)")
    settings = settings or dbt_settings()
    selection = ["--select", *select]
    if exclude:
        selection += ["--exclude", *exclude]
    if not unit_tests:
        selection += ["--exclude-resource-type", "unit_test"]
    manifest = parse_manifest(settings)
    access = None
    if settings.env.warehouse == "duckdb":
        with _environ(_base_variables(settings)):
            access = dbt_access(settings, manifest, selection)
    args = ["build", *selection, *(["--full-refresh"] if full_refresh else [])]
    purpose = f"dbt build --select {' '.join(select)}"
    with dbt_session(settings, lock_timeout=lock_timeout, purpose=purpose, access=access):
        outcome = _invoke(settings, args, manifest=manifest)
        results = list(outcome.result.results) if outcome.result is not None else []
        failures = _describe_failures(settings, results, manifest)
    if outcome.exception is not None:
        raise DbtBuildError(f"dbt build --select {' '.join(select)} could not run: {outcome.exception}", failures)
    if failures or not outcome.success:
        detail = "\n".join(f"- {f}" for f in failures) or "- (no node failed; see the dbt log)"
        raise DbtBuildError(
            f"dbt build --select {' '.join(select)} failed ({len(failures)} failed):\n{detail}", failures
        )
    elapsed = getattr(outcome.result, "elapsed_time", 0.0) or 0.0
    return DbtBuildResult(statuses={r.node.unique_id: str(r.status) for r in results}, seconds=float(elapsed))
