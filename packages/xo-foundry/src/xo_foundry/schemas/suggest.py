"""Errors placed at a nested field (the "(did you mean ...?)" hint is ``xo_core.suggest``)."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError


def nested_error(loc: tuple[str, ...], message: str, value: object) -> ValidationError:
    """A validation error at ``loc`` below the field being validated (pydantic prefixes the field's own loc)."""
    return nested_errors([(loc, message, value)])


def nested_errors(problems: Iterable[tuple[tuple[str, ...], str, object]]) -> ValidationError:
    """Several validation errors, each ``(loc, message, value)`` as in ``nested_error``."""
    details = [
        InitErrorDetails(
            type=PydanticCustomError("value_error", "{message}", {"message": message}), loc=loc, input=value
        )
        for loc, message, value in problems
    ]
    return ValidationError.from_exception_data("config", details)
