"""Object keys of the ingest and stage buckets: one layout, every segment validated.

``{domain}/{source}/{load_strategy}/{window_label}/{filename}``, e.g.
``warbyparker/gladly/full_refresh/2025-01-15/contact_timestamps.csv``.
"""

from __future__ import annotations

import re

from xo_core.errors import ConfigError

# Lowercase so the same name never appears twice under two casings on a case-insensitive disk.
SEGMENT_RE = re.compile(r"^[a-z0-9_.-]+$")
# Window labels carry timestamps such as ``2025-01-15T0800Z``.
WINDOW_LABEL_RE = re.compile(r"^[0-9A-Za-z_.-]+$")


def _segment(value: str, field: str, pattern: re.Pattern[str]) -> str:
    # ``.`` and ``..`` match the character classes but would walk the folder tree on a local store.
    if not pattern.fullmatch(value) or value in {".", ".."}:
        raise ConfigError(f"{value!r} must match {pattern.pattern} and not be '.' or '..'", field=field)
    return value


def _layout(domain: str, source: str, load_strategy: str, window_label: str, filename: str) -> str:
    return "/".join(
        (
            _segment(domain, "domain", SEGMENT_RE),
            _segment(source, "source", SEGMENT_RE),
            _segment(load_strategy, "load_strategy", SEGMENT_RE),
            _segment(window_label, "window_label", WINDOW_LABEL_RE),
            _segment(filename, "filename", SEGMENT_RE),
        )
    )


def ingest_key(domain: str, source: str, load_strategy: str, window_label: str, filename: str) -> str:
    """Key of an extracted file in the ingest bucket."""
    return _layout(domain, source, load_strategy, window_label, filename)


def stage_key(domain: str, source: str, load_strategy: str, window_label: str, filename: str) -> str:
    """Key of a staged file in the stage bucket (the same layout as the ingest key)."""
    return _layout(domain, source, load_strategy, window_label, filename)
