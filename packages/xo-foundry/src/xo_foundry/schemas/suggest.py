"""The "(did you mean ...?)" hint of config errors, and errors placed at a nested field."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``choices``, or ``""`` when none is close."""
    close = difflib.get_close_matches(value, sorted(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


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
