"""Resolving what `xo cd NAME` means: an exact label, then an exact name, then a unique prefix."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from xo_bosun.catalog import Place


class NoSuchPlaceError(Exception):
    """The name matches nothing, or several folders; ``candidates`` are the labels to suggest."""

    def __init__(self, message: str, candidates: Sequence[str]) -> None:
        super().__init__(message)
        self.candidates = list(candidates)


def _one_folder(matches: list[Place]) -> Path | None:
    folders = {p.path for p in matches}
    return folders.pop() if len(folders) == 1 else None


def resolve(query: str, places: Sequence[Place]) -> Path:
    """The folder ``query`` names; raises ``NoSuchPlaceError`` when it names none or several.

    Tiers, first hit wins: exact label (``warbyparker``, ``airflow/xo-pipelines``), exact name (``foundry``,
    ``gladly_daily``), prefix of a name. Several matches that share one folder (a domain and its pipelines)
    are one answer.
    """
    tiers = (
        [p for p in places if p.label == query],
        [p for p in places if query in p.names],
        [p for p in places if any(n.startswith(query) for n in p.names)],
    )
    for matches in tiers:
        if not matches:
            continue
        folder = _one_folder(matches)
        if folder is not None:
            return folder
        labels = sorted({f"{p.label} ({p.kind})" for p in matches})
        raise NoSuchPlaceError(f"{query!r} is ambiguous; it could be: {', '.join(labels)}", labels)
    close = sorted({p.label for p in places if query.lower() in p.label.lower()})
    known = close or sorted({p.label for p in places if p.kind != "pipeline"})
    what = "did you mean" if close else "known places"
    raise NoSuchPlaceError(f"nothing named {query!r}; {what}: {', '.join(known)}", known)
