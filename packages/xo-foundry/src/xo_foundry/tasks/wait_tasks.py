"""Wait: the poke of a ``wait_<source>`` sensor, for a source whose input arrives on its own time.

The sensor runs in reschedule mode: each poke is one short try that frees its worker slot until the next one
(https://airflow.apache.org/docs/apache-airflow/stable/core-concepts/sensors.html). The deadline is the
source's ``wait.timeout_seconds`` from the first poke, kept here rather than by Airflow's own sensor timeout,
because what a missing input means is the source's ``on_missing`` (``xo_core.extractors.arrival``), and
Airflow's timeout knows only "fail" or, with ``soft_fail``, "skip" (which would also turn a terminal error of a
poke, such as refused credentials, into a skip). The DAG gives Airflow's timeout one poke interval more, as a
backstop.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any


def wait(pipeline: Mapping[str, Any], source_name: str, context: Mapping[str, Any]) -> bool:
    """True once the input is there (or once the wait is over under ``on_missing: empty``: the extract then
    writes the empty load); False to poke again; ``InputMissing`` (``skip`` per ``on_missing``) at the deadline."""
    from xo_core.errors import ConfigError, InputMissing
    from xo_core.extractors.arrival import ArrivingInputConfig
    from xo_core.extractors.registry import source_for
    from xo_foundry.tasks.extract_tasks import extract_request
    from xo_foundry.tasks.runtime import log, task_run

    run = task_run(pipeline, source_name, context)
    settings = run.source.extractor
    if not isinstance(settings, ArrivingInputConfig) or settings.wait is None:
        raise ConfigError(f"source {source_name!r} has no wait settings", field=f"sources.{source_name}.extractor")
    found = source_for(run.source.source_type).arrived(extract_request(run, context))
    waited = (datetime.now(UTC) - _first_poke(context)).total_seconds()
    if found is not None:
        log.info("after %.0f s of waiting, found %s", waited, found)
        return True
    timeout = settings.wait.timeout_seconds
    if waited < timeout:
        log.info(
            "nothing yet after %.0f s of %d s; next look in %d s", waited, timeout, settings.wait.poke_interval_seconds
        )
        return False
    what = f"the input of source {source_name!r} for {run.window(context)} did not arrive within {timeout} s"
    if settings.on_missing == "empty":
        log.warning("%s: on_missing is empty, the extract writes an empty load", what)
        return True
    raise InputMissing(f"{what} (on_missing: {settings.on_missing})", skip=settings.on_missing == "skip")


def _first_poke(context: Mapping[str, Any]) -> datetime:
    """When this wait began: the first reschedule of the task instance (Airflow's own reference, see
    ``BaseSensorOperator.execute``), or now on the first poke."""
    ti = context.get("ti")
    first = ti.get_first_reschedule_date(context) if ti is not None else None
    return first.astimezone(UTC) if first is not None else datetime.now(UTC)
