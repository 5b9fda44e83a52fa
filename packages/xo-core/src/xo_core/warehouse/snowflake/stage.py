"""External stage and file format names, and how a staged object's URI becomes a stage path + FILES entry.

The stage (``CREATE STAGE "<DB>"."BRONZE"."XO_STAGE" URL = 's3://<stage-bucket>/'``, made by the
platform's infrastructure, not here) points at the stage bucket; ``stage_url`` is that URL. A load's
files ``s3://<stage-bucket>/<key>`` then become ``@<DB>.BRONZE.XO_STAGE/<common folder>/`` plus one
``FILES`` entry per file relative to that folder. ``METADATA$FILENAME`` is the path relative to the stage
URL, so with the stage at the bucket root ``_XO_SOURCE_FILE`` holds the object key.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from xo_core.errors import ConfigError, LoadError
from xo_core.identifiers import validate_identifier

# The stage path is written unquoted after ``@STAGE/``, so only characters that need no quoting there.
# Staged keys (storage/keys.py) use [a-z0-9_.-] and window labels [0-9A-Za-z_.-]; nothing else is needed.
STAGE_PATH_RE = re.compile(r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")


def validate_object_name(name: str, *, kind: str) -> str:
    """``DB.SCHEMA.NAME`` with each part an UPPERCASE identifier (so it needs no quoting), else ``ConfigError``."""
    parts = name.split(".")
    if len(parts) != 3:
        raise ConfigError(f"{kind} {name!r} must be fully qualified as DATABASE.SCHEMA.NAME")
    for part in parts:
        validate_identifier(part, kind=f"{kind} part")
    return name


def validate_stage_url(url: str) -> str:
    """The stage's URL with exactly one trailing ``/`` (``s3://bucket/`` or ``s3://bucket/prefix/``)."""
    scheme, sep, rest = url.partition("://")
    if not sep or not scheme or not rest.strip("/"):
        raise ConfigError(f"stage_url {url!r} must look like s3://bucket/ or s3://bucket/prefix/")
    return url.rstrip("/") + "/"


@dataclass(frozen=True)
class StagedFiles:
    """Files of one load as the COPY names them: ``@stage/<path>`` and ``FILES = (<names>)``."""

    path: str  # "" or a folder ending in "/", relative to the stage URL
    names: tuple[str, ...]  # relative to ``path``, in the load's file order


def staged_files(stage_url: str, uris: list[str], *, table: str) -> StagedFiles:
    """Map ``s3://bucket/key`` URIs under ``stage_url`` to the deepest folder they share plus FILES names."""
    url = validate_stage_url(stage_url)
    relative: list[str] = []
    for uri in uris:
        if not uri.startswith(url):
            raise LoadError(f"{table}: file {uri!r} is not under the stage's URL {url!r}; nothing was truncated")
        path = uri[len(url) :]
        if not STAGE_PATH_RE.fullmatch(path) or any(part in {".", ".."} for part in path.split("/")):
            raise LoadError(f"{table}: staged path {path!r} must match {STAGE_PATH_RE.pattern} without . or ..")
        relative.append(path)
    folders = [p.split("/")[:-1] for p in relative]
    common: list[str] = []
    for parts in zip(*folders, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    # zip stops at the shortest folder list, so a file directly in the common folder is handled too.
    common = common[: min(len(f) for f in folders)]
    prefix = "/".join(common) + "/" if common else ""
    names = tuple(p[len(prefix) :] for p in relative)
    duplicates = sorted(n for n, count in Counter(names).items() if count > 1)
    if duplicates:
        raise LoadError(f"{table}: the same staged file is named twice: {duplicates}")
    return StagedFiles(path=prefix, names=names)
