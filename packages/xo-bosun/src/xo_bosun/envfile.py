"""The developer's ``.env``: ``.env.example`` with XO_HOME filled in, plus an empty line per connection.

Connections are Airflow connections given as ``AIRFLOW_CONN_<ID>`` variables (see ``xo_core.credentials``);
the values stay empty here: ``.env`` is git-ignored and only its owner writes secrets into it (the file is
created 0600). Every value written comes from pipeline configs, which a pull request changes: a connection id
outside ``CONNECTION_ID`` or a line break in a comment would add lines to ``.env``, so they are refused.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from xo_bosun.pipelines import PipelineInfo
from xo_bosun.sources import source_kinds

EXAMPLE_FILE = ".env.example"
ENV_FILE = ".env"

# The pattern xo-foundry validates connection ids with (xo_core.extractors.ConnectionId), checked again here
# because xo-bosun reads configs without validating them.
CONNECTION_ID = re.compile(r"^[a-z][a-z0-9_]*$")

# For a source type the catalog does not know (a typo in a config): the one thing every connection has.
UNKNOWN_SHAPE: dict[str, str] = {"conn_type": "http", "password": "<secret>"}


class UnsafeEnvValue(ValueError):
    """A value from a config that would not stay on its own line of ``.env``."""


def conn_var(conn_id: str) -> str:
    """The variable Airflow (and xo_core.credentials) reads connection ``conn_id`` from."""
    if not CONNECTION_ID.fullmatch(conn_id):
        raise UnsafeEnvValue(f"connection id {conn_id!r} must match {CONNECTION_ID.pattern}")
    return f"AIRFLOW_CONN_{conn_id.upper()}"


def _comment(text: str) -> str:
    if not text.isprintable():
        raise UnsafeEnvValue(f"{text!r} would break a comment line of .env (a line break or control character)")
    return f"# {text}"


def write_private(path: Path, text: str) -> None:
    """Create ``path`` 0600 (never follow or replace an existing file) and write ``text``."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


def connections_needed(pipelines: Sequence[PipelineInfo]) -> dict[str, tuple[str, list[str]]]:
    """Connection id → (source type, the pipelines using it), for every readable pipeline."""
    users: dict[str, list[str]] = defaultdict(list)
    kinds: dict[str, str] = {}
    for info in pipelines:
        for source in info.sources:
            if source.connection_id is None:
                continue
            kinds.setdefault(source.connection_id, source.source_type)
            if info.ref not in users[source.connection_id]:
                users[source.connection_id].append(info.ref)
    return {conn_id: (kinds[conn_id], users[conn_id]) for conn_id in sorted(users)}


def defined_names(text: str) -> set[str]:
    """The variable names a ``.env`` text assigns (``KEY=...`` or ``export KEY=...``), commented lines excluded."""
    names = set()
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            names.add(line.removeprefix("export ").partition("=")[0].strip())
    return names


def _fill_home(example: str, root: Path) -> str:
    """An empty ``XO_HOME=`` gets the checkout's ``.xo`` folder; every other line is kept as written."""
    lines = []
    for line in example.splitlines():
        lines.append(f"XO_HOME={root / '.xo'}" if line.strip() == "XO_HOME=" else line)
    return "\n".join(lines) + "\n"


def connection_block(pipelines: Sequence[PipelineInfo], skip: set[str]) -> str:
    """Commented, empty ``AIRFLOW_CONN_<ID>=`` lines for every connection a pipeline uses (but not ``skip``)."""
    out: list[str] = []
    for conn_id, (source_type, users) in connections_needed(pipelines).items():
        if not CONNECTION_ID.fullmatch(conn_id):
            raise UnsafeEnvValue(f"connection id {conn_id!r} of {', '.join(users)} must match {CONNECTION_ID.pattern}")
        var = conn_var(conn_id)
        if var in skip:
            continue
        kind = source_kinds().get(source_type)
        shape = json.dumps(kind.connection if kind and kind.connection else UNKNOWN_SHAPE)
        out += [_comment(f"{conn_id} ({source_type}), used by: {', '.join(users)}"), f"# JSON: {shape}", f"{var}=", ""]
    if not out:
        return ""
    head = ["", "# Connections of the pipelines (filled in by `xo setup`; the values are yours to write)."]
    return "\n".join(head + out)


def render_env(example: str, root: Path, pipelines: Sequence[PipelineInfo]) -> str:
    """The text of a new ``.env``: the example with XO_HOME filled, then the connections the example lacks."""
    base = _fill_home(example, root)
    lines = [] if "XO_ENV" in defined_names(base) else ["XO_ENV=local"]
    if "XO_HOME" not in defined_names(base):
        lines.append(f"XO_HOME={root / '.xo'}")
    extra = ("\n".join(lines) + "\n") if lines else ""
    return base + extra + connection_block(pipelines, defined_names(base))
