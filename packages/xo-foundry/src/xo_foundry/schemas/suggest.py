"""Errors placed at a nested field (the "(did you mean ...?)" hint is ``xo_core.suggest``)."""

from __future__ import annotations

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError


def nested_error(loc: tuple[str, ...], message: str, value: object) -> ValidationError:
    """A validation error at ``loc`` below the field being validated (pydantic prefixes the field's own loc)."""
    error = PydanticCustomError("value_error", "{message}", {"message": message})
    return ValidationError.from_exception_data("config", [InitErrorDetails(type=error, loc=loc, input=value)])
