"""Deterministic Python literals for generated code (dicts keep their order, strings use repr)."""

from __future__ import annotations

from typing import Any

_INDENT = "    "


def py_literal(value: Any, level: int = 0) -> str:
    """Render JSON-like data (dict, list, str, int, float, bool, None) as formatted Python source."""
    pad = _INDENT * (level + 1)
    end = _INDENT * level
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = "".join(f"{pad}{py_literal(str(k))}: {py_literal(v, level + 1)},\n" for k, v in value.items())
        return "{\n" + items + end + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        items = "".join(f"{pad}{py_literal(v, level + 1)},\n" for v in value)
        return "[\n" + items + end + "]"
    if value is None or isinstance(value, bool | int | float):
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    raise TypeError(f"cannot render {type(value).__name__} as a literal")


def _string(value: str) -> str:
    # ruff format prefers double quotes; repr() picks single quotes, so build the double-quoted form.
    body = value.encode("unicode_escape").decode("ascii").replace('"', '\\"')
    return f'"{body}"'
