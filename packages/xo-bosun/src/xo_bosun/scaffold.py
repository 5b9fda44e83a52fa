"""`xo new pipeline`: a pipeline config written from the one template, with its source type's example settings."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path
from string import Template

import yaml

from xo_bosun.pipelines import DEFAULTS_FILE
from xo_bosun.repo import CONFIGS
from xo_bosun.sources import SourceKind, source_kinds, source_types

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
# The domains xo_core.clients knows, with their development databases (configs name the _DEV twin).
KNOWN_DOMAINS: dict[str, str] = {"warbyparker": "WBP_DB_DEV", "condenast": "CND_DB_DEV", "core": "CORE_DB_DEV"}


class ScaffoldError(Exception):
    """The pipeline cannot be created as asked (bad name, unknown domain or source type, file exists)."""


def parse_ref(ref: str, configs: Path) -> tuple[str, str]:
    """``DOMAIN/NAME`` checked: both lower_snake_case, the domain known or with a configs folder."""
    domain, sep, name = ref.partition("/")
    if not sep or "/" in name:
        raise ScaffoldError(f"{ref!r}: name the pipeline as DOMAIN/NAME, e.g. warbyparker/gladly_daily")
    for part, what in ((domain, "domain"), (name, "pipeline name")):
        if not NAME_PATTERN.fullmatch(part):
            raise ScaffoldError(f"{what} {part!r} must match {NAME_PATTERN.pattern} (lower_snake_case)")
    if domain not in KNOWN_DOMAINS and not (configs / domain).is_dir():
        known = sorted(set(KNOWN_DOMAINS) | {p.name for p in configs.iterdir() if p.is_dir()})
        raise ScaffoldError(f"unknown domain {domain!r} (known: {', '.join(known)})")
    return domain, name


def database_for(domain: str, configs: Path) -> str:
    """The domain's development database: known, else its ``_defaults.yaml``'s, else ``<DOMAIN>_DB_DEV``."""
    if domain in KNOWN_DOMAINS:
        return KNOWN_DOMAINS[domain]
    defaults = configs / domain / DEFAULTS_FILE
    try:
        data = yaml.safe_load(defaults.read_text(encoding="utf-8")) if defaults.is_file() else None
    except (OSError, yaml.YAMLError):
        data = None
    database = data.get("globals", {}).get("snowflake", {}).get("database") if isinstance(data, dict) else None
    return str(database) if database else f"{domain.upper()}_DB_DEV"


def _extractor_block(kind: SourceKind, domain: str, name: str) -> str:
    """The example settings, one per line with its description; values may name ``${domain}`` and ``${name}``."""
    lines = []
    for setting in kind.example:
        value = Template(json.dumps(setting.value)).safe_substitute(domain=domain, name=name)
        lines.append(f"      {setting.key}: {value}" + (f"  # {setting.comment}" if setting.comment else ""))
    return "\n".join(lines)


def render_pipeline(domain: str, name: str, source_type: str, database: str) -> str:
    """The YAML text of a new pipeline of ``source_type`` (a BRONZE table named ``{PREFIX}_{NAME}``)."""
    kind = source_kinds().get(source_type)
    if kind is None:
        raise ScaffoldError(f"unknown source type {source_type!r} (one of {', '.join(source_types())})")
    template = files("xo_bosun").joinpath("templates", "pipeline.yaml").read_text("utf-8")
    return Template(template).substitute(
        domain=domain,
        name=name,
        database=database,
        table=f"{kind.table_prefix}_{name.upper()}",
        title=kind.title,
        description=kind.description,
        source_type=source_type,
        extractor=_extractor_block(kind, domain, name),
    )


def write_pipeline(root: Path, ref: str, source_type: str) -> Path:
    """Write ``configs/DOMAIN/NAME.yaml``; never overwrites. Returns the new file."""
    configs = root / CONFIGS
    domain, name = parse_ref(ref, configs)
    text = render_pipeline(domain, name, source_type, database_for(domain, configs))
    path = configs / domain / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as f:
            f.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{path} already exists; not overwriting it") from None
    return path
