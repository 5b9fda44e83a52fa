"""Per-folder ``_defaults.yaml`` files deep-merged under a pipeline file, remembering where each key came from.

The nearest defaults file wins over farther ones and the pipeline file wins over all; mappings merge key by
key, anything else (lists included) is replaced whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xo_foundry.schemas.yaml_lines import YamlPath

DEFAULTS_FILE = "_defaults.yaml"


def defaults_chain(pipeline: Path, root: Path) -> list[Path]:
    """The defaults files that apply to ``pipeline``, farthest first (``root``'s down to its own folder)."""
    folder = pipeline.resolve().parent
    top = root.resolve()
    if not folder.is_relative_to(top):
        top = folder
    chain: list[Path] = []
    while True:
        candidate = folder / DEFAULTS_FILE
        if candidate.is_file():
            chain.append(candidate)
        if folder == top or folder.parent == folder:
            break
        folder = folder.parent
    return chain[::-1]


@dataclass
class Origins:
    """Which file and line each key path of a merged document came from."""

    fallback: str
    where: dict[YamlPath, tuple[str, int]] = field(default_factory=dict)

    def locate(self, path: YamlPath) -> tuple[str, int]:
        """File and line of ``path``, or of its nearest written parent (line 1 of the pipeline at the top)."""
        for end in range(len(path), 0, -1):
            found = self.where.get(path[:end])
            if found is not None:
                return found
        return self.fallback, 1

    def replace_below(self, path: YamlPath, lines: dict[YamlPath, int], file: str) -> None:
        """Forget what was below ``path`` and take it, with everything under it, from ``lines`` of ``file``."""
        depth = len(path)
        for known in [k for k in self.where if len(k) >= depth and k[:depth] == path]:
            del self.where[known]
        for key, line in lines.items():
            if len(key) >= depth and key[:depth] == path:
                self.where[key] = (file, line)


def deep_merge(
    base: dict[str, Any],
    override: dict[str, Any],
    *,
    origins: Origins,
    lines: dict[YamlPath, int],
    file: str,
    prefix: YamlPath = (),
) -> dict[str, Any]:
    """A new dict: ``override`` merged over ``base`` (neither is changed); ``origins`` follows the winners."""
    merged = dict(base)
    for key, value in override.items():
        path = (*prefix, str(key))
        old = merged.get(key)
        if isinstance(value, dict) and isinstance(old, dict):
            merged[key] = deep_merge(old, value, origins=origins, lines=lines, file=file, prefix=path)
            if path in lines:
                origins.where[path] = (file, lines[path])
        else:
            merged[key] = value
            origins.replace_below(path, lines, file)
    return merged
