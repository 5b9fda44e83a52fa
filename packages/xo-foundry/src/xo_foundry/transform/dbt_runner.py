"""``dbt build`` in-process (dbtRunner) for a selection, on the environment's warehouse.

Local (DuckDB): the project attaches every client database file (WBP_DB_DEV, CND_DB_DEV, CORE_DB_DEV), so the
run holds the write lock of each (``xo_core.warehouse.duckdb.locking``, the loaders' lock) from before dbt
opens a file until after its DuckDB instance is closed: dbt-duckdb keeps the files open in a process-wide
environment after ``dbtRunner`` returns (seen here), which would block every loader and reader.
A failure raises ``DbtBuildError`` naming each failed node; a failed data test also shows its first rows,
got by running the test's compiled query again (``dbt show --inline``), which works the same on DuckDB and
Snowflake and costs nothing when every test passes (``store_failures`` would write a table per test per run).
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterable, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xo_core.clients import CLIENTS
from xo_core.environment import Environment, environment, repo_root
from xo_core.errors import ConfigError, TerminalError
from xo_core.warehouse.duckdb.backend import DuckDBWarehouse
from xo_core.warehouse.duckdb.locking import DEFAULT_LOCK_TIMEOUT_SECONDS, hold_write_lock

FAILED_STATUSES = frozenset({"error", "fail", "runtime error"})
SHOWN_ROWS = 5


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


@contextmanager
def dbt_session(
    settings: DbtSettings, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT_SECONDS, purpose: str = "dbt"
) -> Generator[None]:
    """The run's environment variables and, on DuckDB, every database file created and write-locked."""
    env = settings.env
    variables = {
        "XO_ENV": env.name,
        "XO_HOME": str(env.home.resolve()),
        "XO_DBT_TARGET_PATH": str((settings.state_dir / "target").resolve()),
        "DBT_LOG_PATH": str((settings.state_dir / "logs").resolve()),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    }
    with ExitStack() as stack:
        if env.warehouse == "duckdb":
            warehouse = DuckDBWarehouse(env.home, lock_timeout=lock_timeout)
            for database in duckdb_databases(env):
                # The profile attaches every file, so each must exist with its layer schemas.
                warehouse.ensure_database(database)
            for database in duckdb_databases(env):
                stack.enter_context(
                    hold_write_lock(warehouse.lock_path(database), purpose=purpose, timeout=lock_timeout)
                )
        stack.enter_context(_environ(variables))
        try:
            yield
        finally:
            _close_dbt_connections()


def _invoke(settings: DbtSettings, args: list[str]) -> Any:
    from dbt.cli.main import dbtRunner

    common = ["--project-dir", str(settings.project_dir), "--profiles-dir", str(settings.profiles_dir)]
    return dbtRunner().invoke([*args, *common, "--target", settings.target, "--quiet"])


def _failing_rows(settings: DbtSettings, compiled_sql: str) -> str:
    """The first rows a failed test's query returns, as text (or why they could not be read)."""
    shown = _invoke(settings, ["show", "--inline", compiled_sql, "--limit", str(SHOWN_ROWS)])
    if not shown.success or shown.result is None or not shown.result.results:
        return f"    (could not re-run the test query: {shown.exception or 'no result'})"
    table = shown.result.results[0].agate_table
    lines = ["    " + " | ".join(str(name) for name in table.column_names)]
    lines.extend("    " + " | ".join("" if v is None else str(v) for v in row) for row in table.rows)
    return "\n".join(lines)


def _describe_failures(settings: DbtSettings, results: Iterable[Any]) -> list[str]:
    failures: list[str] = []
    for result in results:
        status = str(result.status)
        if status not in FAILED_STATUSES:
            continue
        node = result.node
        line = f"{node.resource_type} {node.name} ({node.unique_id}): {status}: {(result.message or '').strip()}"
        if node.resource_type == "test" and status == "fail" and getattr(node, "compiled_code", None):
            line += "\n" + _failing_rows(settings, node.compiled_code)
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
    args = ["build", "--select", *select]
    if exclude:
        args += ["--exclude", *exclude]
    if not unit_tests:
        args += ["--exclude-resource-type", "unit_test"]
    if full_refresh:
        args.append("--full-refresh")
    with dbt_session(settings, lock_timeout=lock_timeout, purpose=f"dbt build --select {' '.join(select)}"):
        outcome = _invoke(settings, args)
        results = list(outcome.result.results) if outcome.result is not None else []
        failures = _describe_failures(settings, results)
    if outcome.exception is not None:
        raise DbtBuildError(f"dbt build --select {' '.join(select)} could not run: {outcome.exception}", failures)
    if failures or not outcome.success:
        detail = "\n".join(f"- {f}" for f in failures) or "- (no node failed; see the dbt log)"
        raise DbtBuildError(
            f"dbt build --select {' '.join(select)} failed ({len(failures)} failed):\n{detail}", failures
        )
    elapsed = getattr(outcome.result, "elapsed_time", 0.0) or 0.0
    return DbtBuildResult(statuses={r.node.unique_id: str(r.status) for r in results}, seconds=float(elapsed))
