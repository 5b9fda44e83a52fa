"""Safe YAML loading that keeps the line of every key, refuses duplicate keys and stays bounded.

Bounded means a hostile file is refused while it is read, before anything walks the data: no more than
``MAX_DEPTH`` levels of nesting (PyYAML composes recursively, so a deep file would end in ``RecursionError``),
and no more than ``MAX_VALUES`` values once every alias is expanded (the "billion laughs": a few hundred bytes
of anchors and aliases that expand to billions of values for whoever walks the document as a tree, as the
validation does). The sizes are counted while composing, once per node, so the count itself stays linear.
"""

from __future__ import annotations

import reprlib
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.reader import ReaderError

YamlPath = tuple[str | int, ...]
# The committed configs nest 5 levels and hold a few hundred values at most (a BambooHR report of 400 fields).
MAX_DEPTH = 32
MAX_VALUES = 20_000
MAX_INT_CHARS = 40
_SHORT = reprlib.Repr(maxstring=60, maxother=60)


class RefusedConfig(Exception):
    """A config file that is not validated at all, at a 1-based ``line``, with a ``message`` a person can act on."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}")


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
    """A ``SafeLoader`` that records key lines by path, collects duplicate keys and refuses hostile documents."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.key_lines: dict[YamlPath, int] = {}
        self.duplicates: list[DuplicateKey] = []
        self._depth = 0
        self._values: dict[int, int] = {}  # id(node) -> values below it, aliases expanded; set once it is complete
        self._total = 0  # values of the document so far, aliases expanded: bounded at every step
        self._aliased = False

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            target = self.anchors.get(event.anchor)
            if target is not None and id(target) not in self._values:
                # PyYAML composes ``&a [*a]`` into a node that holds itself; walking it would never end.
                raise RefusedConfig(event.start_mark.line + 1, f"alias *{event.anchor} is inside its own anchor")
            self._aliased = True
            node = super().compose_node(parent, index)
            self._count(self._values[id(node)], event.start_mark)
            return node
        start = self.peek_event().start_mark
        self._count(1, start)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise RefusedConfig(start.line + 1, f"nested more than {MAX_DEPTH} levels deep")
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        self._values[id(node)] = 1 + sum(self._values[id(child)] for child in _children(node))
        return node

    def _count(self, values: int, mark: yaml.Mark) -> None:
        self._total += values
        if self._total > MAX_VALUES:
            if self._aliased:
                message = f"anchors and aliases expand the file to more than {MAX_VALUES:,} values"
            else:
                message = f"more than {MAX_VALUES:,} values; a pipeline file holds far fewer"
            raise RefusedConfig(mark.line + 1, message)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as error:
            # A scalar that matches YAML's pattern for its type but is no value of it (2025-13-45, an int of
            # more digits than Python converts); PyYAML lets the ValueError out unmarked.
            if isinstance(error, yaml.YAMLError):
                raise
            kind = node.tag.rpartition(":")[2]
            raise RefusedConfig(node.start_mark.line + 1, f"{short(node.value)} is no {kind}: {error}") from None

    def construct_document(self, node: yaml.Node) -> Any:
        self._record(node, ())
        return super().construct_document(node)

    def _record(self, node: yaml.Node, path: YamlPath) -> None:
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


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    """YAML 1.1 ints, refused past ``MAX_INT_CHARS``: PyYAML computes ``1:59:59:…`` (base 60) in quadratic time
    and Python refuses to convert ints of more than 4,300 digits to text, so a long one cannot even be shown."""
    if len(node.value) > MAX_INT_CHARS:
        message = f"a number of {len(node.value):,} characters (at most {MAX_INT_CHARS}; quote it if it is text)"
        raise RefusedConfig(node.start_mark.line + 1 if node.start_mark else 1, message)
    return loader.construct_yaml_int(node)


LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def short(value: object) -> str:
    """``repr(value)`` cut to a readable length, however long or deep the value, so a problem stays one line."""
    return _SHORT.repr(value)


def parse_yaml(text: str) -> ParsedYaml:
    """Parse one YAML document safely; raises ``yaml.YAMLError`` on a syntax error, ``RefusedConfig`` on a
    document too deep, too large once expanded, or holding a value its tag cannot take."""
    try:
        loader = LineLoader(text)  # PyYAML checks every character of a str here, before any parsing
    except ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        message = f"character U+{error.character:04X} is not allowed in YAML (is this a text file?)"
        raise RefusedConfig(line, message) from None
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
