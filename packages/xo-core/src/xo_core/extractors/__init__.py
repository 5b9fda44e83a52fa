"""Extractors: one folder per source, the same files in each.

``<source>/config.py`` holds the extractor settings model (the ``extractor:`` block of a pipeline config),
``<source>/client.py`` talks to the source, ``<source>/extractor.py`` runs one extraction. Settings models
derive from ``ExtractorConfig`` so a typo in a key fails instead of being ignored.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError


class ExtractorConfig(BaseModel):
    """Strict base of every extractor settings model: unknown keys are errors, parsed settings never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def field_error(field: str, message: str, value: object) -> ValidationError:
    """A validation error placed at ``field`` (raise it from a model validator to point at that field)."""
    error = PydanticCustomError("value_error", "{message}", {"message": message})
    return ValidationError.from_exception_data(
        "ExtractorConfig", [InitErrorDetails(type=error, loc=(field,), input=value)]
    )
