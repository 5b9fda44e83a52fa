"""The one "(did you mean ...?)" hint of every unknown-name error (source types, domains, keys, metric sets)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(value: str, choices: Iterable[str], *, list_when_none: bool = False) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``choices``; when none is close, `` (known: a, b)`` if
    ``list_when_none`` (a short closed set, worth listing), else ``""``."""
    known = sorted(choices)
    close = difflib.get_close_matches(value, known, n=1)
    if close:
        return f" (did you mean {close[0]!r}?)"
    return f" (known: {', '.join(known)})" if list_when_none and known else ""
