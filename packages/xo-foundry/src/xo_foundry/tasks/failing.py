"""Terminal errors fail an Airflow task at once; transient ones keep the pipeline's retry policy.

A bad config, bad data, a 4xx other than 429 or a missing input fails the same way on every try: retrying it
only delays the alert and hammers the source. Inside Airflow (the context has a task instance) such an error
becomes ``AirflowFailException``, which Airflow does not retry; ``TransientError`` and anything unexpected
propagate as they are, so Airflow retries them. An input missing under ``on_missing: skip``
(``InputMissing(skip=True)``) becomes ``AirflowSkipException``: the task ends skipped, and the tasks after it
skip visibly. Outside Airflow (``run --direct``) every error propagates as is.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

from xo_core.errors import ConfigError, InputMissing, TerminalError


def _is_terminal(error: Exception) -> bool:
    from pydantic import ValidationError  # loaded by the task already; not at DAG parse time

    return isinstance(error, TerminalError | ConfigError | ValidationError)


def fail_at_once_when_terminal[**P, R](task: Callable[P, R]) -> Callable[P, R]:
    """Wrap a task function whose last positional argument is the Airflow context."""

    @functools.wraps(task)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return task(*args, **kwargs)
        except Exception as error:
            context = args[-1] if args else None
            if not (_is_terminal(error) and isinstance(context, Mapping) and "ti" in context):
                raise
            from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

            if isinstance(error, InputMissing) and error.skip:
                raise AirflowSkipException(f"skipped (on_missing: skip): {error}") from error
            raise AirflowFailException(f"{type(error).__name__} (not retried): {error}") from error

    return run
