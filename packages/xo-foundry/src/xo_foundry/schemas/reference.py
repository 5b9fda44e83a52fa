"""The configuration reference as Markdown, rendered from the pydantic models so the docs cannot drift.

``xo-foundry generate`` writes it (or ``python -m xo_foundry.schemas.reference > <REFERENCE_PAGE>``); a test
and ``generate --check`` fail when the committed page differs from ``render_reference()``.
"""

from __future__ import annotations

import datetime
import json
import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel, BeforeValidator
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from xo_core.clients import CLIENTS
from xo_core.extractors.gladly.config import GLADLY_METRIC_SETS
from xo_foundry.schemas.cron import PRESETS
from xo_foundry.schemas.defaults import DEFAULTS_FILE
from xo_foundry.schemas.json_schema import DISCRIMINATORS
from xo_foundry.schemas.pipeline import PipelineConfig

REFERENCE_PAGE = Path("apps/material-mkdocs/docs/reference/configuration.md")
# Values a field validator allows that its type cannot say: (model, field) → the closed set, from the code.
EXTRA_ALLOWED: dict[tuple[str, str], Callable[[], list[str]]] = {
    ("DagConfig", "domain"): lambda: sorted(CLIENTS),
    ("DagConfig", "schedule"): lambda: [*PRESETS, "a 5-field cron expression"],
    ("GladlyExtractorConfig", "metric_set"): lambda: sorted(GLADLY_METRIC_SETS),
}
# The YAML key a discriminated union is found under, by its discriminator (for the union sections' titles).
UNION_TITLES: dict[str, str] = {
    "source_type": "Sources (`source_type`)",
    "kind": "Load strategies (`load_strategy.kind`)",
    "refresh_type": "Time windows (`time_window.refresh_type`)",
}


@dataclass(frozen=True)
class Union_:
    """A discriminated union met while walking the models: its tag field and its variants."""

    discriminator: str
    variants: tuple[type[BaseModel], ...]
    shorthand: tuple[str, ...] = ()  # values a BeforeValidator also accepts as a plain string

    @property
    def anchor(self) -> str:
        return f"union-{self.discriminator.replace('_', '-')}"


def _anchor(model: type[BaseModel]) -> str:
    return model.__name__.lower()


def _md(text: str) -> str:
    """Plain text made safe inside a Markdown table cell; docstrings' ````code```` becomes a code span."""
    parts = text.split("``")
    for i in range(0, len(parts), 2):
        out = parts[i].replace("\\", "\\\\").replace("<", "&lt;").replace(">", "&gt;")
        for char in "*_|[]`":
            out = out.replace(char, "\\" + char)
        parts[i] = out
    for i in range(1, len(parts), 2):
        parts[i] = _code(parts[i])
    return "".join(parts)


def _code(value: str) -> str:
    return f"`{value}`"


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


def _unwrap(tp: Any) -> tuple[Any, list[Any]]:
    """The bare type of ``Annotated[...]`` and its metadata."""
    if get_origin(tp) is Annotated:
        bare, *meta = get_args(tp)
        return bare, meta
    return tp, []


def _models_of(tp: Any) -> list[type[BaseModel]]:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp]
    return [model for arg in get_args(tp) for model in _models_of(arg)]


def _literal_values(tp: Any) -> list[str]:
    if get_origin(tp) is Literal:
        return [str(v) for v in get_args(tp)]
    return [v for arg in get_args(tp) for v in _literal_values(arg)]


def _discriminator(meta: list[Any], field: FieldInfo | None) -> str | None:
    if field is not None and isinstance(field.discriminator, str):
        return field.discriminator
    for item in meta:
        if isinstance(item, FieldInfo) and isinstance(item.discriminator, str):
            return item.discriminator
    return None


def _shorthand(meta: list[Any]) -> tuple[str, ...]:
    for item in meta:
        if isinstance(item, BeforeValidator) and item.json_schema_input_type is not PydanticUndefined:
            return tuple(_literal_values(item.json_schema_input_type))
    return ()


def _union_of(tp: Any, meta: list[Any], field: FieldInfo | None) -> Union_ | None:
    tag = _discriminator(meta, field)
    if tag is None or not _is_union(tp):
        return None
    return Union_(tag, tuple(_models_of(tp)), _shorthand([*meta, *(field.metadata if field else [])]))


def _constraints(meta: list[Any], bare: Any = None) -> list[str]:
    """Human words for the annotated-types and pattern constraints of a field."""
    unit = "characters" if bare is str else "items"
    words: list[str] = []
    for item in meta:
        if isinstance(item, annotated_types.Ge):
            words.append(f"at least {item.ge}")
        elif isinstance(item, annotated_types.Gt):
            words.append(f"greater than {item.gt}")
        elif isinstance(item, annotated_types.Le):
            words.append(f"at most {item.le}")
        elif isinstance(item, annotated_types.Lt):
            words.append(f"less than {item.lt}")
        elif isinstance(item, annotated_types.MinLen):
            words.append("not empty" if item.min_length == 1 else f"at least {item.min_length} {unit}")
        elif isinstance(item, annotated_types.MaxLen):
            words.append(f"at most {item.max_length} {unit}")
        pattern = getattr(item, "pattern", None)
        if isinstance(pattern, str):
            words.append(f"matches {_code(pattern)}")
    return words


def _type_text(tp: Any, field: FieldInfo | None = None) -> str:
    """The type of a field in words, with links to the models and unions it names."""
    bare, meta = _unwrap(tp)
    union = _union_of(bare, meta, field)
    if union is not None:
        return f"[{union.discriminator} union](#{union.anchor})"
    if isinstance(bare, type) and issubclass(bare, BaseModel):
        return f"[{bare.__name__}](#{_anchor(bare)})"
    origin = get_origin(bare)
    if origin is Literal:
        values = [_code(v) for v in _literal_values(bare)]
        return values[0] if len(values) == 1 else "one of " + ", ".join(values)
    if _is_union(bare):
        options = [a for a in get_args(bare) if a is not type(None)]
        text = " or ".join(_type_text(a) for a in options)
        return f"{text} or `null`" if len(options) < len(get_args(bare)) else text
    if origin is list:
        return f"list of {_type_text(get_args(bare)[0])}"
    if origin is dict:
        key, value = get_args(bare)
        key_rules = _constraints(_unwrap(key)[1], str)
        key_text = _type_text(key) + (f" ({', '.join(key_rules)})" if key_rules else "")
        return f"mapping of {key_text} to {_type_text(value)}"
    names = {str: "string", int: "integer", bool: "boolean", datetime.date: "date (YYYY-MM-DD)"}
    return _code(names.get(bare, getattr(bare, "__name__", str(bare))))


def _default_text(field: FieldInfo) -> str:
    if field.is_required():
        return "**required**"
    value = field.get_default(call_default_factory=True, validated_data={})
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    return _code(json.dumps(value, default=str, separators=(", ", ": ")))


def _ordered_fields(model: type[BaseModel]) -> list[tuple[str, FieldInfo]]:
    """A model's fields, its discriminator first (the key a reader looks for first)."""
    return sorted(model.model_fields.items(), key=lambda item: item[0] not in DISCRIMINATORS)


def _nested(tp: Any, field: FieldInfo | None = None) -> Iterator[type[BaseModel] | Union_]:
    """Models and unions a field's type refers to, in the order a reader meets them."""
    bare, meta = _unwrap(tp)
    union = _union_of(bare, meta, field)
    if union is not None:
        yield union
        return
    if isinstance(bare, type) and issubclass(bare, BaseModel):
        yield bare
        return
    for arg in get_args(bare):
        yield from _nested(arg)


def walk(root: type[BaseModel] = PipelineConfig) -> list[type[BaseModel] | Union_]:
    """Every model and discriminated union reachable from ``root``, depth first, each once."""
    seen: list[type[BaseModel] | Union_] = []

    def visit(node: type[BaseModel] | Union_) -> None:
        if node in seen:
            return
        seen.append(node)
        children = node.variants if isinstance(node, Union_) else ()
        if not isinstance(node, Union_):
            children = tuple(child for _, f in _ordered_fields(node) for child in _nested(f.annotation, f))
        for child in children:
            visit(child)

    visit(root)
    return seen


def _doc(model: type[BaseModel]) -> str:
    return " ".join((model.__doc__ or "").split())


def _render_union(union: Union_) -> list[str]:
    lines = [f"## {UNION_TITLES.get(union.discriminator, union.discriminator)} {{#{union.anchor}}}", ""]
    lines.append(f"Chosen by `{union.discriminator}`; each value has its own model and only that model's keys.")
    lines.append("")
    lines += [f"| `{union.discriminator}` | model | what it is |", "|---|---|---|"]
    for variant in union.variants:
        tag = _literal_values(variant.model_fields[union.discriminator].annotation)
        lines.append(
            f"| {', '.join(_code(t) for t in tag)} | [{variant.__name__}](#{_anchor(variant)}) | {_md(_doc(variant))} |"
        )
    if union.shorthand:
        forms = ", ".join(_code(f"{s}") for s in union.shorthand)
        lines += ["", f"A plain string is also accepted for {forms}: it means `{{{union.discriminator}: <value>}}`."]
    return [*lines, ""]


def _render_model(model: type[BaseModel]) -> list[str]:
    lines = [f"### {model.__name__} {{#{_anchor(model)}}}", "", _md(_doc(model)) or model.__name__, ""]
    if model.model_config.get("extra") == "forbid":
        lines += ["Unknown keys are errors.", ""]
    lines += ["| key | type | default | description |", "|---|---|---|---|"]
    for name, field in _ordered_fields(model):
        bare, _ = _unwrap(field.annotation)
        if field.description:
            notes = [_md(field.description)]
        elif name in DISCRIMINATORS:
            notes = ["selects this model"]
        else:  # a nested model says what it is in its docstring
            notes = [_md(_doc(m)) for m in _models_of(bare)][:1] if _union_of(bare, [], field) is None else []
        notes += _constraints(list(field.metadata), bare)
        allowed = EXTRA_ALLOWED.get((model.__name__, name))
        if allowed is not None:
            notes.append("allowed: " + ", ".join(_code(v) if " " not in v else _md(v) for v in allowed()))
        key = field.alias or name
        lines.append(f"| `{key}` | {_type_text(bare, field)} | {_default_text(field)} | {'; '.join(notes)} |")
    return [*lines, ""]


def render_reference(root: type[BaseModel] = PipelineConfig) -> str:
    """The Markdown configuration reference of ``root`` and everything it contains."""
    lines = [
        "# Configuration reference",
        "",
        "<!-- Generated by `xo-foundry generate`; do not edit by hand. -->",
        "",
        "A pipeline is one YAML file at `apps/airflow/xo-pipelines/configs/<domain>/<pipeline>.yaml`. Keys may also",
        f"come from `{DEFAULTS_FILE}` files in the same or a parent folder (the nearest wins, the pipeline file wins",
        "over all); **required** means required after that merge. Every model rejects unknown keys, and",
        "`xo-foundry validate` reports each problem as `PATH:LINE: dotted.field: message`.",
        "",
        "## The pipeline file {#pipeline-file}",
        "",
    ]
    for node in walk(root):
        lines += _render_union(node) if isinstance(node, Union_) else _render_model(node)
    return "\n".join(lines).rstrip("\n") + "\n"


def main() -> None:
    """Write the reference to standard output."""
    sys.stdout.write(render_reference())


if __name__ == "__main__":
    main()
