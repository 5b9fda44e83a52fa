"""``xo-foundry plan``: what a dev/prod run would touch and send, without connecting anywhere.

The object keys come from ``xo_core.storage.keys`` and the stage task's naming. The SQL is not re-typed here:
the real ``SnowflakeWarehouse`` runs the real load protocol (``full_refresh.py``) over a ``DryRunConnection``
that records every statement and answers like Snowflake (no table yet; every named file ``LOADED``). A second
run whose COPY fails records the error path (ROLLBACK, ledger FAILED).

What is only known at run time is printed as a ``<placeholder>``. The source columns come from the staged
file's header: the plan loads one sentinel column, ``XO_PLAN_COLUMN``, and renders it as
``<header columns>`` (``$1`` as ``$1 … $n``); the row count is the manifest's, sent as a sentinel number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from xo_core.environment import Environment
from xo_core.manifest import manifest_key
from xo_core.storage.keys import ingest_key, stage_key
from xo_core.warehouse.base import LoadFile, LoadRequest
from xo_core.warehouse.factory import snowflake_stage, stage_url
from xo_core.warehouse.plan import plan_full_refresh
from xo_core.warehouse.snowflake.backend import SnowflakeWarehouse
from xo_core.warehouse.snowflake.literals import timestamp_tz_literal
from xo_foundry.cli.run import logical_date_for
from xo_foundry.schemas.pipeline import PipelineConfig
from xo_foundry.tasks.stage_tasks import COLUMNS_SUFFIX
from xo_foundry.time_window import window_for_date

SENTINEL_COLUMN = "XO_PLAN_COLUMN"
SENTINEL_ROWS = 987_654_321
_VOLATILE_BINDS = {"LOAD_ID": "<load_id>", "STARTED_AT": "<now>", "FINISHED_AT": "<now>", "QUERY_IDS": "<query ids>"}
_COPY_RESULT = ("file", "status", "rows_parsed", "rows_loaded", "error_limit", "errors_seen", "first_error")


class DryRunFailure(Exception):
    """Raised by the dry-run COPY that stands for any error after BEGIN."""


@dataclass
class DryRunConnection:
    """A ``SnowflakeConnectionLike`` that records statements and answers like Snowflake; it opens no socket."""

    fail_copy: bool = False
    sent: list[tuple[str, list[Any]]] = field(default_factory=list)

    def cursor(self) -> DryRunCursor:
        return DryRunCursor(self)

    def autocommit(self, mode: bool) -> None:
        """Autocommit is what the backend asks for; nothing to record."""

    def close(self) -> None:
        """Nothing is open."""


class DryRunCursor:
    def __init__(self, connection: DryRunConnection) -> None:
        self._connection = connection
        self._rows: list[tuple[Any, ...]] = []
        self.description: list[tuple[str]] = []
        self.sfqid: str | None = None

    def execute(self, command: str, params: Sequence[Any] | None = None) -> object:
        self._connection.sent.append((command, list(params or [])))
        self._rows, self.description = [], [("status",)]
        if command.startswith("COPY INTO"):
            if self._connection.fail_copy:
                raise DryRunFailure("<any error after BEGIN>")
            files = re.findall(r"'([^']*)'", command.split("FILES = (", 1)[1].split(")", 1)[0])
            self.description = [(name,) for name in _COPY_RESULT]
            self._rows = [(name, "LOADED", SENTINEL_ROWS, SENTINEL_ROWS, 1, 0, None) for name in files]
        return self

    def fetchall(self) -> list[Any]:
        return self._rows


@dataclass(frozen=True)
class SourcePlan:
    """One source: the objects it writes and the statements of its load (success path, then error path)."""

    name: str
    table: str
    objects: list[tuple[str, str]]
    statements: list[str]
    on_error: list[str]


def plan_pipeline(pipeline: PipelineConfig, day: date, env: Environment) -> list[SourcePlan]:
    """The plan of every source of a run for ``day`` in ``env`` (dev or prod)."""
    run_window = window_for_date(pipeline.dag.time_window, day)
    run_id = f"scheduled__{logical_date_for(pipeline, day).astimezone(UTC).isoformat()}"
    database = env.database(pipeline.database)
    plans = []
    for name, source in pipeline.sources.items():
        window = source.extract_window(run_window)
        strategy = source.load_strategy.kind
        key = ingest_key(pipeline.dag.domain, name, strategy, window.label, f"{name}.csv")
        staged = stage_key(pipeline.dag.domain, name, strategy, window.label, f"{name}.csv")
        objects = [
            ("ingest", f"s3://{env.ingest_bucket}/{key}"),
            ("ingest manifest", f"s3://{env.ingest_bucket}/{manifest_key(key)}"),
            ("stage", f"s3://{env.stage_bucket}/{staged}"),
            ("stage manifest", f"s3://{env.stage_bucket}/{manifest_key(staged)}"),
            ("columns map", f"s3://{env.stage_bucket}/{staged}{COLUMNS_SUFFIX}"),
        ]
        request = LoadRequest(
            database=database,
            schema=pipeline.schema_name,
            table=source.snowflake.target_table,
            columns=[SENTINEL_COLUMN],
            files=[LoadFile(f"s3://{env.stage_bucket}/{staged}", SENTINEL_ROWS, staged)],
            run_id=run_id,
            window_start=window.start,
            window_end=window.end,
            load_strategy=strategy,
        )
        ok, failed = DryRunConnection(), DryRunConnection(fail_copy=True)
        for connection in (ok, failed):
            warehouse = SnowflakeWarehouse(
                lambda c=connection: c, stage=snowflake_stage(database), stage_url=stage_url(env)
            )
            try:
                warehouse.load_full_refresh(request)
            except Exception:
                if connection is ok:
                    raise
        load_plan = plan_full_refresh(request, load_id="", loaded_at=window.start)
        alter, plan_target = load_plan.add_column_sql(SENTINEL_COLUMN), load_plan.target
        statements = [_render(sql, params, ok.sent) for sql, params in ok.sent]
        statements.insert(
            next(i for i, s in enumerate(statements) if s.startswith(f"CREATE TABLE IF NOT EXISTS {plan_target}")) + 1,
            f"-- or, when the table exists: {_render(alter, [], ok.sent)} for each header column it lacks",
        )
        copy_at = next(i for i, s in enumerate(statements) if s.startswith("COPY INTO"))
        statements.insert(
            copy_at + 1, "-- check: the sum of rows_loaded in COPY's result == <manifest row_count>, else ROLLBACK"
        )
        begin = [sql for sql, _ in failed.sent].index("BEGIN")
        on_error = [_render(sql, params, failed.sent) for sql, params in failed.sent[begin:]]
        on_error = [s for s in on_error if s.startswith(("ROLLBACK", "UPDATE"))]
        plans.append(
            SourcePlan(name, f"{database}.{pipeline.schema_name}.{request.table}", objects, statements, on_error)
        )
    return plans


def render_plan(pipeline: PipelineConfig, day: date, env: Environment) -> str:
    """The plan as text (stable: the same input gives the same text)."""
    window = window_for_date(pipeline.dag.time_window, day)
    run_id = f"scheduled__{logical_date_for(pipeline, day).astimezone(UTC).isoformat()}"
    conn_ids = sorted({getattr(s.extractor, "connection_id", None) or "-" for s in pipeline.sources.values()})
    lines = [
        f"plan of {pipeline.dag_id} for {day.isoformat()} in {env.name} (dry run: nothing was connected to)",
        f"window      {window}",
        f"run id      {run_id} (an example: Airflow names the run)",
        f"connections extract {', '.join(conn_ids)}; load {env.warehouse_conn_id}; S3 {env.aws_conn_id}",
        f"stage       {snowflake_stage(env.database(pipeline.database))} on {stage_url(env)}",
        "<...>       known only at run time; <header columns> come from the staged file's header",
    ]
    for source in plan_pipeline(pipeline, day, env):
        lines += ["", f"source {source.name} → {source.table}", "  objects"]
        lines += [f"    {kind:16}{uri}" for kind, uri in source.objects]
        lines += ["  load statements, in order"]
        lines += [f"    {s}" for s in source.statements]
        lines += ["  on any error after BEGIN, instead of the rest"]
        lines += [f"    {s}" for s in source.on_error]
    return "\n".join(lines) + "\n"


def _render(sql: str, params: list[Any], sent: list[tuple[str, list[Any]]]) -> str:
    """One statement with its run-time values as placeholders, and its binds by column name."""
    text = sql.replace(f'"{SENTINEL_COLUMN}" VARCHAR', "<header columns> VARCHAR")
    text = text.replace(f'"{SENTINEL_COLUMN}"', "<header columns>").replace("SELECT $1,", "SELECT $1 … $n,")
    for insert_sql, insert_params in sent:
        if insert_sql.startswith("INSERT INTO") and "LOAD_LEDGER" in insert_sql:
            loaded_at = datetime.fromisoformat(insert_params[8])
            text = text.replace(timestamp_tz_literal(loaded_at), "'<now>'::TIMESTAMP_TZ")
            break
    if not params:
        return text
    names = _bind_names(sql)
    shown = [_VOLATILE_BINDS.get(n) if v is not None else "NULL" for n, v in zip(names, params, strict=False)]
    shown = [s or _literal(v) for s, v in zip(shown, params, strict=False)]
    binds = ", ".join(f"{n}={v}" for n, v in zip(names, shown, strict=False))
    return f"{text}  -- binds: {binds}"


def _bind_names(sql: str) -> list[str]:
    """The column each ``?`` binds: an INSERT's column list, or ``NAME = ?`` pairs."""
    if sql.startswith("INSERT INTO"):
        return [c.strip() for c in sql.split("(", 1)[1].split(")", 1)[0].split(",")]
    return re.findall(r"(\w+) = \?", sql)


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if value == SENTINEL_ROWS:
        return "<manifest row_count>"
    if isinstance(value, str):
        return "'" + value.replace(str(SENTINEL_ROWS), "<manifest row_count>") + "'"
    return str(value)
