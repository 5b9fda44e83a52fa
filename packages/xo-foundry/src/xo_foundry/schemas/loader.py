"""Loading pipeline configs: YAML with lines, per-folder defaults, every problem of every file at once."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from xo_foundry.schemas.config_text import read_config_text
from xo_foundry.schemas.defaults import Origins, deep_merge, defaults_chain
from xo_foundry.schemas.errors import ConfigErrors, ConfigProblem
from xo_foundry.schemas.pipeline import PipelineConfig
from xo_foundry.schemas.problems import problems_from
from xo_foundry.schemas.targets import check_unique_silver_tables, check_unique_targets
from xo_foundry.schemas.yaml_lines import RefusedConfig, YamlPath, parse_yaml, syntax_error_line

CONFIGS_FOLDER = Path("apps/airflow/xo-pipelines/configs")
# A config's file name is its pipeline's name: it reaches generated files (DAG comments, dbt meta), the CLI's
# DOMAIN/PIPELINE names and log lines, so nothing but these characters may be in it.
CONFIG_FILE_NAME = re.compile(r"[a-z0-9_]+\.yaml")


def _find_config_root() -> Path:
    """``XO_CONFIG_ROOT``; else the configs folder of the checkout the current directory is in (a second clone
    using the first one's environment validates its own configs); else that of the checkout this file is in."""
    override = os.environ.get("XO_CONFIG_ROOT")
    if override:
        return Path(override)
    for start in (Path.cwd().resolve(), Path(__file__).resolve()):
        for parent in (start, *start.parents):
            if (parent / CONFIGS_FOLDER).is_dir():
                return parent / CONFIGS_FOLDER
    return Path.cwd() / CONFIGS_FOLDER


DEFAULT_CONFIG_ROOT: Path = _find_config_root()


def display_path(path: Path) -> str:
    """``path`` relative to the current directory when it is below it, else absolute; a name with a newline or
    another control character is shown escaped, so one problem stays one line."""
    absolute = path.resolve()
    cwd = Path.cwd().resolve()
    shown = str(absolute.relative_to(cwd)) if absolute.is_relative_to(cwd) else str(absolute)
    return shown if shown.isprintable() else shown.encode("unicode_escape").decode("ascii")


def _sorted(problems: list[ConfigProblem]) -> list[ConfigProblem]:
    return sorted(dict.fromkeys(problems), key=lambda p: (p.path, p.line, p.field, p.message))


def _read(path: Path, shown: str, problems: list[ConfigProblem]) -> tuple[dict[str, Any], dict[YamlPath, int]] | None:
    """Parse one file, adding its problems; ``None`` when nothing can be validated from it."""
    try:
        parsed = parse_yaml(read_config_text(path))
    except OSError as error:
        problems.append(ConfigProblem(shown, 1, "", f"cannot read the file: {error.strerror or error}"))
        return None
    except RefusedConfig as refused:
        problems.append(ConfigProblem(shown, refused.line, "", refused.message))
        return None
    except yaml.YAMLError as error:
        line, message = syntax_error_line(error)
        problems.append(ConfigProblem(shown, line, "", message))
        return None
    for dup in parsed.duplicates:
        dotted = ".".join(str(p) for p in dup.path)
        problems.append(
            ConfigProblem(shown, dup.line, dotted, f"duplicate key {dup.path[-1]!r} (first at line {dup.first_line})")
        )
    if parsed.data is None:
        parsed.data = {}
    if not isinstance(parsed.data, dict):
        problems.append(ConfigProblem(shown, 1, "", "expected a mapping of dag, globals and sources at the top"))
        return None
    return parsed.data, parsed.lines


def _load(path: Path, root: Path | None) -> tuple[PipelineConfig | None, list[ConfigProblem], Origins]:
    """Validate one pipeline file with its defaults; the config, or ``None`` and its problems."""
    shown = display_path(path)
    origins = Origins(shown)
    problems: list[ConfigProblem] = []
    if root is None:
        root = DEFAULT_CONFIG_ROOT if path.resolve().is_relative_to(DEFAULT_CONFIG_ROOT.resolve()) else path.parent
    merged: dict[str, Any] = {}
    readable = True
    for file in [*defaults_chain(path, root), path]:
        file_shown = shown if file == path else display_path(file)
        read = _read(file, file_shown, problems)
        if read is None:
            readable = False
            continue
        data, lines = read
        merged = deep_merge(merged, data, origins=origins, lines=lines, file=file_shown)
    if not readable:
        return None, _sorted(problems), origins
    if not merged:
        problems.append(ConfigProblem(shown, 1, "", "the file is empty; a pipeline needs dag, globals and sources"))
        return None, _sorted(problems), origins
    try:
        config = PipelineConfig.model_validate(merged)
    except ValidationError as error:
        problems.extend(problems_from(error, PipelineConfig, origins))
        config = None
    return (None if problems else config), _sorted(problems), origins


def load_pipeline(path: Path, *, root: Path | None = None) -> PipelineConfig:
    """Validate one pipeline file (with the ``_defaults.yaml`` above it up to ``root``); raises ``ConfigErrors``."""
    config, problems, _ = _load(Path(path), root)
    if config is None:
        raise ConfigErrors(problems)
    return config


@dataclass
class LoadResult:
    """The valid pipelines by file, and every problem found (in broken files and across pipelines)."""

    pipelines: dict[Path, PipelineConfig] = field(default_factory=dict)
    problems: list[ConfigProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _pipeline_files(paths: Sequence[Path], problems: list[ConfigProblem]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.yaml") if not p.name.startswith("_")))
        elif path.is_file():
            if not path.name.startswith("_"):
                files.append(path)
        else:
            problems.append(ConfigProblem(display_path(path), 1, "", "no such file or folder"))
    return list(dict.fromkeys(files))


def _file_name_problems(file: Path, config: PipelineConfig | None, origins: Origins) -> list[ConfigProblem]:
    """The file name must be ``<pipeline_name>.yaml`` in lowercase letters, digits and ``_``."""
    if not CONFIG_FILE_NAME.fullmatch(file.name):
        message = f"file name {file.name!r} must match {CONFIG_FILE_NAME.pattern}"
        return [ConfigProblem(display_path(file), 1, "", message)]
    if config is not None and config.dag.pipeline_name != file.stem:
        shown, line = origins.locate(("dag", "pipeline_name"))
        message = f"{config.dag.pipeline_name!r} must be the file's name, {file.stem!r}"
        return [ConfigProblem(shown, line, "dag.pipeline_name", message)]
    return []


def load_pipelines(paths: Sequence[Path] | None = None, *, root: Path = DEFAULT_CONFIG_ROOT) -> LoadResult:
    """Validate many pipeline files (folders are searched for ``*.yaml``; ``None`` means all under ``root``).

    Each file is validated on its own, so one broken file never hides the others; then the valid ones are
    checked together (no two sources anywhere writing the same table). Here, not in ``load_pipeline``, a file's
    name must be its pipeline's: these are the configs that generated files and the CLI name.
    """
    result = LoadResult()
    files = _pipeline_files([Path(p) for p in paths] if paths is not None else [root], result.problems)
    origins: dict[Path, Origins] = {}
    for file in files:
        config, problems, origins[file] = _load(file, root)
        named = _file_name_problems(file, config, origins[file])
        result.problems.extend([*problems, *named])
        if config is not None and not named:
            result.pipelines[file] = config
    result.problems.extend(check_unique_targets(result.pipelines, origins=origins))
    result.problems.extend(check_unique_silver_tables(result.pipelines, origins=origins))
    result.problems = list(dict.fromkeys(result.problems))
    return result
