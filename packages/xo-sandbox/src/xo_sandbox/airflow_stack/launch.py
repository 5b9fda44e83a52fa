"""``xo-sandbox airflow`` (``make airflow``, ``make airflow-celery``): the stack with the simulators, until Ctrl-C."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from contextlib import ExitStack
from types import FrameType

from xo_core.environment import environment
from xo_core.errors import XoError
from xo_sandbox.airflow_stack.servers import missing_servers, postgres_server, redis_server
from xo_sandbox.airflow_stack.stack import ADMIN, AirflowStack, StackOptions, pipelines_dir
from xo_sandbox.sandboxes import start_all

Echo = Callable[[str], None]


def serve_airflow(*, port: int, celery: bool, echo: Echo = print) -> int:
    """Start everything, print where it is, wait for Ctrl-C (or SIGTERM), stop everything; 1 if it could not start."""
    if celery and (missing := missing_servers(postgres=True, redis=True)):
        echo("The CeleryExecutor topology needs its servers: " + "; ".join(missing))
        return 1

    stopping: list[int] = []

    def stop(signum: int, frame: FrameType | None) -> None:
        # Only note the signal: an exception raised wherever the main thread happens to be (Python's default
        # KeyboardInterrupt) can land inside subprocess's own locking and leave a later wait() blocked for ever.
        stopping.append(signum)

    with ExitStack() as stack:
        sandboxes = stack.enter_context(start_all())
        options = StackOptions(
            xo_home=environment("local").home,
            pipelines=pipelines_dir(),
            connections=sandboxes.connection_env(),
            port=port,
        )
        if celery:
            echo("Starting PostgreSQL (a throw-away cluster: the metadata DB lasts as long as this command) and Redis")
            postgres = stack.enter_context(postgres_server())
            options.executor, options.metadata_url = "celery", postgres.sqlalchemy_url
            options.broker_url = stack.enter_context(redis_server())
        airflow = AirflowStack(options)
        echo(f"Starting Airflow ({options.executor} executor) in {airflow.airflow_home}; DAGs from {options.pipelines}")
        try:
            stack.enter_context(airflow)
            airflow.wait_ready(timeout=300)
        except XoError as exc:
            echo(f"Airflow did not start: {exc}")
            return 1
        for name, url in sandboxes.urls().items():
            echo(f"  simulator {name:9} {url}")
        echo(f"  processes: {', '.join(c.name for c in airflow.components)}; logs in {airflow.airflow_home}/logs")
        echo(f"Airflow UI: {airflow.url}  (user {ADMIN}, password {airflow.password})")
        echo("Trigger DAGs from the UI or the REST API (docs: Operations > Local Airflow); runs load into XO_HOME.")
        echo("Press Ctrl-C to stop.")
        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            while not stopping:
                time.sleep(0.5)  # a signal runs stop() and the sleep goes on to its end
                airflow.check_alive()
        except XoError as exc:
            echo(str(exc))
            return 1
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            echo("Stopping Airflow and the simulators")
    return 0
