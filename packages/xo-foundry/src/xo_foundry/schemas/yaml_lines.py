"""Safe YAML loading that keeps the line of every key and refuses duplicate keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

YamlPath = tuple[str | int, ...]
MAX_DEPTH = 64


@dataclass(frozen=True)
class DuplicateKey:
    """A key given twice in one mapping: ``line`` is the second one's."""

    path: YamlPath
    line: int
    first_line: int


@dataclass
class ParsedYaml:
    """A parsed document with the 1-based line of every mapping key and sequence item, by path."""

    data: Any
    lines: dict[YamlPath, int] = field(default_factory=dict)
    duplicates: list[DuplicateKey] = field(default_factory=list)


class LineLoader(yaml.SafeLoader):
    """A ``SafeLoader`` that records key lines by path and collects duplicate keys while constructing."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.key_lines: dict[YamlPath, int] = {}
        self.duplicates: list[DuplicateKey] = []

    def construct_document(self, node: yaml.Node) -> Any:
        self._record(node, ())
        return super().construct_document(node)

    def _record(self, node: yaml.Node, path: YamlPath) -> None:
        if len(path) > MAX_DEPTH:  # a recursive alias (&a [*a]) would never end
            return
        if isinstance(node, yaml.MappingNode):
            first_seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                # Only plain scalar keys name config fields; ``<<`` merges and complex keys are left as they are.
                if not isinstance(key_node, yaml.ScalarNode) or key_node.value == "<<":
                    continue
                key, line = str(key_node.value), key_node.start_mark.line + 1
                if key in first_seen:
                    self.duplicates.append(DuplicateKey((*path, key), line, first_seen[key]))
                else:
                    first_seen[key] = line
                self.key_lines[(*path, key)] = line
                self._record(value_node, (*path, key))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.key_lines[(*path, index)] = item.start_mark.line + 1
                self._record(item, (*path, index))


def parse_yaml(text: str) -> ParsedYaml:
    """Parse one YAML document safely; raises ``yaml.MarkedYAMLError`` on a syntax error."""
    loader = LineLoader(text)
    try:
        data = loader.get_single_data()
        return ParsedYaml(data, loader.key_lines, loader.duplicates)
    finally:
        loader.dispose()


def syntax_error_line(error: yaml.YAMLError) -> tuple[int, str]:
    """The 1-based line and a short message of a YAML syntax error."""
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = error.problem or error.context or "invalid YAML"
        return line, f"YAML syntax error: {problem}"
    return 1, f"YAML syntax error: {error}"
