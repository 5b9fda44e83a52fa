"""Checks that generated files hold only what the factory means to write, run on every file before any is written.

Config values are untrusted (a pull request changes them), and the generated files are code: Airflow imports
the DAG files, dbt renders Jinja in the YAML it reads. The config models already refuse unsafe values; these
checks make a value that slips past them (a new field, a file name) fail generation instead of running.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Mapping
from typing import Any

from xo_core.errors import ConfigError

JINJA_MARKERS: tuple[str, ...] = ("{{", "{%", "{#")
_JINJA = re.compile(r"\{[{%#]")


class UnsafeGeneration(ConfigError):
    """A generated file would hold code or Jinja that no config may put there; nothing is written."""


def comment_text(value: str) -> str:
    """``value`` for a Python ``#`` comment: a newline (or any control character) would end the comment and make
    the rest code, so such a value is shown escaped."""
    return value if value.isprintable() else value.encode("unicode_escape").decode("ascii")


def check_no_jinja(name: str, text: str, *, allowed: Collection[str] = ()) -> None:
    """Refuse generated YAML/JSON ``text`` holding Jinja, apart from the ``allowed`` expressions the factory
    writes itself (they are removed before looking)."""
    for expression in allowed:
        text = text.replace(expression, "")
    found = _JINJA.search(text)
    if found is not None:
        line = text.count("\n", 0, found.start()) + 1
        raise UnsafeGeneration(f"holds Jinja ({found.group()} at line {line}), which dbt would run", path=name)


def refuse_jinja(value: Any, *, file: str, pipeline: str, field: str) -> None:
    """Refuse any string inside ``value`` (a generated YAML document's part from one pipeline) holding Jinja;
    the error names the file, the pipeline and the dotted field."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            refuse_jinja(str(key), file=file, pipeline=pipeline, field=field)
            refuse_jinja(item, file=file, pipeline=pipeline, field=f"{field}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            refuse_jinja(item, file=file, pipeline=pipeline, field=f"{field}.{index}")
    elif isinstance(value, str) and _JINJA.search(value):
        message = f"pipeline {pipeline}: {value!r} holds Jinja ({{{{, {{% or {{#), which dbt would run"
        raise UnsafeGeneration(message, path=file, field=field)


def _statement_is_expected(node: ast.stmt, imports: Collection[str]) -> bool:
    """An import of the template's header, or the one ``build_domain(__file__)`` call."""
    if isinstance(node, ast.Import | ast.ImportFrom):
        return ast.dump(node) in imports
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        call = node.value
        return (
            isinstance(call.func, ast.Name)
            and call.func.id == "build_domain"
            and not call.keywords
            and [ast.dump(a) for a in call.args] == [ast.dump(ast.Name("__file__", ast.Load()))]
        )
    return False


def header_imports(header: str) -> frozenset[str]:
    """The import statements of a generated file without pipelines: the only imports a DAG file may hold."""
    return frozenset(ast.dump(n) for n in ast.parse(header).body if isinstance(n, ast.Import | ast.ImportFrom))


def check_dag_source(name: str, source: str, imports: Collection[str]) -> None:
    """Refuse a generated DAG file that does not parse, or whose top level holds anything but what the template
    writes: its header's ``imports`` and the ``build_domain(__file__)`` call."""
    try:
        tree = ast.parse(source, filename=name)
    except SyntaxError as error:
        raise UnsafeGeneration(f"does not parse: {error.msg}", path=name, line=error.lineno) from None
    for node in tree.body:
        if not _statement_is_expected(node, imports):
            shown = ast.unparse(node).splitlines()[0][:80]
            raise UnsafeGeneration(f"top-level statement at line {node.lineno}: {shown}", path=name)
