"""Checks across pipelines: every warehouse table has exactly one writer."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from xo_foundry.schemas.defaults import Origins
from xo_foundry.schemas.errors import ConfigProblem
from xo_foundry.schemas.pipeline import PipelineConfig


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
