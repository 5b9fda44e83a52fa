"""Imported by the generated DAG files: builds each pipeline's DAG so that one failure cannot hide the others.

Airflow drops every DAG of a file whose import raises. The generated files therefore build each pipeline inside
``build_all``: a pipeline whose build fails is replaced by a DAG of the same id, tagged ``xo:broken``, whose only
task fails with the build error, so the failure is visible in the UI and the other pipelines load as usual.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Sequence

log = logging.getLogger(__name__)

BROKEN_TAG = "xo:broken"


def build_all(builders: Sequence[tuple[str, Callable[[], None]]]) -> list[str]:
    """Call every builder; return the dag ids that failed (each replaced by a failing placeholder DAG)."""
    failed: list[str] = []
    for dag_id, build in builders:
        try:
            build()
        except Exception:
            error = traceback.format_exc()
            log.error("pipeline %s failed to build; registering a placeholder that fails:\n%s", dag_id, error)
            _placeholder(dag_id, error)
            failed.append(dag_id)
    return failed


def _placeholder(dag_id: str, error: str) -> None:
    from airflow.sdk import DAG, task

    with DAG(dag_id=dag_id, schedule=None, tags=[BROKEN_TAG], description="failed to build: see the task log"):

        @task(task_id="build_failed")
        def build_failed() -> None:
            raise RuntimeError(f"pipeline {dag_id} failed to build:\n{error}")

        build_failed()
