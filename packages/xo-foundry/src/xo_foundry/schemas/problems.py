"""Turning pydantic's validation errors into ``ConfigProblem`` lines a person can act on."""

from __future__ import annotations

import re
import types
import typing
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from xo_core.suggest import did_you_mean
from xo_foundry.schemas.defaults import Origins
from xo_foundry.schemas.errors import ConfigProblem
from xo_foundry.schemas.yaml_lines import YamlPath, short

_NOWHERE = object()  # the type below a key no model declares


def _unwrap(tp: Any) -> Any:
    """``tp`` without ``Annotated``, and ``X | None`` as ``X``: pydantic puts no label in loc for it."""
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType) and len(args) == 2 and type(None) in args:
        return _unwrap(next(a for a in args if a is not type(None)))
    return tp


def _union_members(tp: Any) -> tuple[Any, ...]:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return tuple(_unwrap(m) for m in typing.get_args(tp))
    return ()


def _tag_member(members: tuple[Any, ...], tag: str) -> Any:
    """The member of a discriminated union whose ``Literal`` discriminator field holds ``tag``."""
    for member in members:
        if isinstance(member, type) and issubclass(member, BaseModel):
            for info in member.model_fields.values():
                if typing.get_origin(info.annotation) is Literal and tag in typing.get_args(info.annotation):
                    return member
    return _NOWHERE


def _step(tp: Any, part: str | int) -> tuple[Any, bool]:
    """The type one ``loc`` step below ``tp``, and whether the step is a real YAML key (not a union tag)."""
    tp = _unwrap(tp)
    if part == "[key]":  # pydantic's marker for an error in a dict key
        return _NOWHERE, False
    members = _union_members(tp)
    if members:
        member = _tag_member(members, str(part))
        if member is not _NOWHERE:
            return member, False
        for member in members:  # an error placed below the union by a validator of its parent
            if isinstance(member, type) and issubclass(member, BaseModel):
                below, is_key = _step(member, part)
                if below is not _NOWHERE:
                    return below, is_key
        # A plain union (``X | None``) labels its members in loc; those are not YAML keys either.
        return _NOWHERE, not isinstance(part, str)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        for name, info in tp.model_fields.items():
            if part in (name, info.alias):
                return info.annotation, True
        return _NOWHERE, True
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is dict and len(args) == 2:
        return args[1], True
    if origin is list and args:
        return args[0], True
    return _NOWHERE, True


def yaml_path(model: type[BaseModel], loc: tuple[str | int, ...]) -> tuple[YamlPath, Any]:
    """The YAML path of a pydantic ``loc`` (union tags and key markers dropped) and the type it ends at."""
    tp: Any = model
    path: list[str | int] = []
    for part in loc:
        tp, is_key = _step(tp, part)
        if is_key:
            path.append(part)
    return tuple(path), _unwrap(tp)


def _field_names(tp: Any) -> list[str]:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [info.alias or name for name, info in tp.model_fields.items()]
    return []


def _required(tp: Any) -> list[str]:
    """The keys a mapping of type ``tp`` must have: a model's required fields, or those every member of a union
    of models requires (its discriminator among them)."""
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [info.alias or name for name, info in tp.model_fields.items() if info.is_required()]
    members = [_required(m) for m in _union_members(tp) if isinstance(m, type) and issubclass(m, BaseModel)]
    return [name for name in members[0] if all(name in m for m in members)] if members else []


def _empty(tp: Any) -> str:
    """What to write under a key left empty (``snowflake:`` with nothing below it)."""
    required = _required(tp)
    if required:
        return f"empty; needs {', '.join(required)}"
    if typing.get_origin(tp) is dict:
        return "empty; needs at least 1 entry"
    fields = _field_names(tp)
    if fields:
        return f"empty; write one or more of {', '.join(fields)}, or remove the key"
    return "empty; needs a mapping"


def _tags(expected: str) -> list[str]:
    return re.findall(r"'([^']*)'", expected)


def _describe(error: ErrorDetails, model: type[BaseModel], path: YamlPath, tp: Any) -> tuple[YamlPath, str]:
    """The dotted path and the short message of one pydantic error."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return path, "field required"
    if kind == "extra_forbidden":
        _, parent = yaml_path(model, error["loc"][:-1])
        name = str(path[-1]) if path else ""
        return path, f"unknown field {name!r}{did_you_mean(name, _field_names(parent))}"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        discriminator = str(ctx.get("discriminator", "")).strip("'")
        if kind == "union_tag_not_found":
            return (*path, discriminator), "field required"
        tags = _tags(str(ctx.get("expected_tags", "")))
        tag = str(ctx.get("tag", ""))
        return (*path, discriminator), f"unknown {discriminator} {tag!r}{did_you_mean(tag, tags)}"
    if kind == "string_pattern_mismatch":
        return path, f"{short(error['input'])} must match {ctx.get('pattern')}"
    if kind == "too_short":
        return path, f"needs at least {ctx.get('min_length')} entry, got {ctx.get('actual_length')}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        if error["input"] is None:
            return path, _empty(tp)
        return path, f"expected a mapping, got {type(error['input']).__name__} {short(error['input'])}"
    return path, error["msg"].removeprefix("Value error, ")


def problems_from(error: ValidationError, model: type[BaseModel], origins: Origins) -> list[ConfigProblem]:
    """One ``ConfigProblem`` per pydantic error, placed at the file and line of the offending key."""
    problems: list[ConfigProblem] = []
    for detail in error.errors(include_url=False):
        path, tp = yaml_path(model, detail["loc"])
        path, message = _describe(detail, model, path, tp)
        file, line = origins.locate(path)
        problems.append(ConfigProblem(file, line, ".".join(str(p) for p in path), message))
    return problems
