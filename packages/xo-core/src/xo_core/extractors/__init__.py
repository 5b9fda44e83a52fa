"""Extractors: one folder per source, the same files in each.

``<source>/config.py`` holds the extractor settings model (the ``extractor:`` block of a pipeline config),
``<source>/client.py`` talks to the source, ``<source>/extractor.py`` runs one extraction. Settings models
derive from ``ExtractorConfig`` so a typo in a key fails instead of being ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

CONNECTION_ID_PATTERN = r"^[a-z][a-z0-9_]*$"
# The id names an environment variable (AIRFLOW_CONN_<ID>, a line of .env) and an Airflow pool: anything beyond
# lowercase letters, digits and _ could add lines to .env or reach generated files as something else.
ConnectionId = Annotated[str, StringConstraints(pattern=CONNECTION_ID_PATTERN)]
"""The ``connection_id`` of every extractor config."""


@dataclass(frozen=True)
class WindowShape:
    """What a source's checks need of a pipeline's window: whether it is made of whole local days, and its lag."""

    whole_days: bool
    lag: timedelta


class ExtractorConfig(BaseModel):
    """Strict base of every extractor settings model: unknown keys are errors, parsed settings never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def window_problems(self, window: WindowShape) -> list[tuple[str, str]]:
        """(field, message) for each reason this source cannot serve such a window; the field ``lag`` means
        the window's lag, any other one a field of these settings. None by default."""
        del window
        return []

    def domain_problems(self, domain: str) -> list[tuple[str, str]]:
        """(field, message) for each thing a pipeline of ``domain`` may not reach with these settings: by
        default a connection named for another client (``xo_core.extractors.connection_rules``)."""
        from xo_core.extractors.connection_rules import domain_problem

        conn_id = getattr(self, "connection_id", None)
        problem = domain_problem(conn_id, domain) if isinstance(conn_id, str) else None
        return [("connection_id", problem)] if problem else []

    def pool(self) -> tuple[str, int] | None:
        """The Airflow pool (name, slots) its extract tasks share, for a source whose limit holds across runs
        and DAGs (Gladly: 2 report requests at once per organization); None when it needs none."""
        return None


def field_error(field: str, message: str, value: object) -> ValidationError:
    """A validation error placed at ``field`` (raise it from a model validator to point at that field)."""
    error = PydanticCustomError("value_error", "{message}", {"message": message})
    return ValidationError.from_exception_data(
        "ExtractorConfig", [InitErrorDetails(type=error, loc=(field,), input=value)]
    )
