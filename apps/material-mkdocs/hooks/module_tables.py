"""MkDocs hook: ``<!-- modules xo-core -->`` in a page becomes a table of that package's modules.

Each row is a module's path and the first line of its docstring, read with ``ast`` (nothing is imported), so the
package pages list exactly the modules the code has.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

MARKER = re.compile(r"<!-- modules ([a-z-]+) -->")
PACKAGES = Path(__file__).resolve().parents[3] / "packages"


def _first_line(path: Path) -> str:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    line = doc.strip().split("\n")[0]
    return line.replace("``", "`").replace("|", "\\|")


def module_table(package: str) -> str:
    """The Markdown table of ``package``'s modules (``xo-core`` → ``packages/xo-core/src/xo_core``)."""
    root = PACKAGES / package / "src" / package.replace("-", "_")
    if not root.is_dir():
        raise ValueError(f"no package {package!r} at {root}")
    rows = ["| module | what it holds |", "|---|---|"]
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).with_suffix("")
        parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
        name = ".".join((root.name, *parts))
        summary = _first_line(path)
        if relative.name == "__init__" and not summary:
            continue
        rows.append(f"| `{name}` | {summary} |")
    return "\n".join(rows)


def on_page_markdown(markdown: str, **_: Any) -> str:
    """Replace every module marker of the page with its table."""
    return MARKER.sub(lambda match: module_table(match.group(1)), markdown)
