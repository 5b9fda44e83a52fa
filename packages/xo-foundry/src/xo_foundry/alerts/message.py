"""The text of an alert: DAG, task, logical date, try and a short, printable excerpt of the error."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from xo_core.extractors.http import excerpt

ERROR_CHARS = 500


@dataclass(frozen=True)
class Alert:
    dag_id: str
    task_id: str
    logical_date: str
    try_number: int | None
    error: str

    @property
    def subject(self) -> str:
        return f"[XO-Data] {self.dag_id}.{self.task_id} failed for {self.logical_date}"

    @property
    def text(self) -> str:
        tried = f" (try {self.try_number})" if self.try_number else ""
        return (
            f"XO-Data: task {self.task_id} of DAG {self.dag_id} failed{tried}\n"
            f"logical date: {self.logical_date}\n"
            f"error: {self.error}"
        )


def alert_from(context: Mapping[str, Any]) -> Alert:
    """The alert of a failed task's Airflow context (``on_failure_callback``)."""
    ti = context.get("ti")
    dag = context.get("dag")
    logical_date = context.get("logical_date")
    error = context.get("exception")
    return Alert(
        dag_id=excerpt(getattr(ti, "dag_id", None) or getattr(dag, "dag_id", "?"), 200),
        task_id=excerpt(getattr(ti, "task_id", "?"), 200),
        logical_date=logical_date.isoformat() if logical_date is not None else "-",
        try_number=getattr(ti, "try_number", None),
        error=excerpt(f"{type(error).__name__}: {error}" if error is not None else "(no error recorded)", ERROR_CHARS),
    )
