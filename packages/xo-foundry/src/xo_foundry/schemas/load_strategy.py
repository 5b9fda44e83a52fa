"""How a source's rows reach its BRONZE table (``load_strategy``): one model per ``kind``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field

from xo_core.identifiers import COLUMN_NAME_RE, column_name_problem
from xo_core.suggest import did_you_mean
from xo_foundry.schemas.base import StrictModel

LOAD_KINDS: tuple[str, ...] = ("full_refresh", "incremental", "historical")


def _column_name(value: str) -> str:
    problem = column_name_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


ColumnName = Annotated[
    str, AfterValidator(_column_name), Field(json_schema_extra={"pattern": COLUMN_NAME_RE.pattern, "maxLength": 255})
]
"""A BRONZE column as configs write it: the standardized UPPERCASE name."""


class FullRefresh(StrictModel):
    """The table is truncated and reloaded with the window's file on every run."""

    kind: Literal["full_refresh"]


class Incremental(StrictModel):
    """Full pulls each run (BRONZE is still a snapshot); SILVER deduplicates them on ``unique_key``."""

    kind: Literal["incremental"]
    unique_key: list[ColumnName] = Field(min_length=1, description="Columns that identify a row")


class Historical(StrictModel):
    """Late-arriving changes kept as history (SCD type 2) keyed on ``unique_key``."""

    kind: Literal["historical"]
    unique_key: list[ColumnName] = Field(min_length=1, description="Columns that identify a row")
    updated_at: ColumnName | None = Field(default=None, description="Column holding the row's last change")


def _string_form(value: Any) -> Any:
    """``load_strategy: full_refresh`` means ``{kind: full_refresh}``; the other kinds need more."""
    if not isinstance(value, str):
        return value
    if value in ("incremental", "historical"):
        raise ValueError(f"{value} needs unique_key: write {{kind: {value}, unique_key: [<column>, ...]}}")
    if value not in LOAD_KINDS:
        raise ValueError(f"unknown load_strategy {value!r}{did_you_mean(value, LOAD_KINDS)}")
    return {"kind": value}


LoadStrategyConfig = Annotated[
    FullRefresh | Incremental | Historical,
    Field(discriminator="kind"),
    BeforeValidator(
        _string_form,
        json_schema_input_type=Literal["full_refresh"] | FullRefresh | Incremental | Historical,
    ),
]
