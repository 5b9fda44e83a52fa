"""Checks across pipelines: every warehouse table has exactly one writer (BRONZE and generated SILVER)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from xo_foundry.schemas.defaults import Origins
from xo_foundry.schemas.errors import ConfigProblem
from xo_foundry.schemas.pipeline import PipelineConfig
from xo_foundry.schemas.silver import silver_table


def check_unique_targets(
    pipelines: Mapping[Path, PipelineConfig], *, origins: Mapping[Path, Origins] | None = None
) -> list[ConfigProblem]:
    """A problem for every source that writes a ``DATABASE.SCHEMA.TABLE`` an earlier source already writes.

    ``origins`` (from the loader) places problems at the ``target_table`` line; without it, at line 1.
    """
    writers: dict[str, tuple[str, int, str]] = {}
    problems: list[ConfigProblem] = []
    for path in sorted(pipelines):
        config = pipelines[path]
        where = (origins or {}).get(path) or Origins(str(path))
        for name in config.sources:
            field = f"sources.{name}.snowflake.target_table"
            file, line = where.locate(("sources", name, "snowflake", "target_table"))
            table = config.target(name)
            if table in writers:
                first_file, first_line, first_field = writers[table]
                problems.append(
                    ConfigProblem(
                        file, line, field, f"{table} is also written by {first_file}:{first_line} ({first_field})"
                    )
                )
            else:
                writers[table] = (file, line, field)
    return problems


def check_unique_silver_tables(
    pipelines: Mapping[Path, PipelineConfig], *, origins: Mapping[Path, Origins] | None = None
) -> list[ConfigProblem]:
    """A problem for every source whose generated SILVER table (``silver_table``) an earlier source already
    gets: two rosters in one database both become ``SILVER.AGENT_ROSTER`` unless one names ``silver.model``.
    A source whose BRONZE table an earlier source already writes is left to ``check_unique_targets``: one
    collision, one problem."""
    writers: dict[str, tuple[str, int, str]] = {}
    bronze: set[str] = set()
    problems: list[ConfigProblem] = []
    for path in sorted(pipelines):
        config = pipelines[path]
        where = (origins or {}).get(path) or Origins(str(path))
        for name, source in config.sources.items():
            if config.target(name) in bronze:
                continue
            bronze.add(config.target(name))
            field = f"sources.{name}.silver.model"
            has_model = source.silver.model is not None
            file, line = where.locate(("sources", name, "silver", "model") if has_model else ("sources", name))
            silver = silver_table(source.snowflake.target_table, source.source_type, source.silver)
            table = f"{config.database}.SILVER.{silver}"
            if table in writers:
                first_file, first_line, first_field = writers[table]
                message = f"{table} is also the SILVER of {first_file}:{first_line} ({first_field}): name one"
                problems.append(ConfigProblem(file, line, field, message))
            else:
                writers[table] = (file, line, field)
    return problems
