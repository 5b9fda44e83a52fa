"""Airflow's real scheduler on this machine: the processes a deployment runs, started as an engineer would.

``airflow db migrate``, ``airflow pools import pools.json`` (the generated DAGs put Gladly tasks in one pool per
connection; without the pool they are never scheduled), then ``api-server``, ``scheduler``, ``dag-processor``
and ``triggerer`` as separate processes, and for the CeleryExecutor two ``celery worker`` processes. Every
process gets the same environment: the pipelines' ``XO_HOME``/``XO_ENV`` and their connections
(``AIRFLOW_CONN_*``), which LocalExecutor and Celery workers pass on to the tasks.

DAGs run when they are triggered (UI, REST API, ``airflow dags trigger``, ``airflow backfill create``), not on
their cron schedules: the stack points at simulators and a laptop's clock, and a scheduled run for every
pipeline at start would only compete with the run one asked for (``[scheduler] use_job_schedule``).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal

import httpx

from xo_core.environment import repo_root
from xo_core.errors import XoError
from xo_core.private_files import make_private_dirs
from xo_sandbox.airflow_stack.servers import free_port

Executor = Literal["local", "celery"]
ADMIN = "admin"
HEALTHY_COMPONENTS = ("metadatabase", "scheduler", "dag_processor", "triggerer")


def pipelines_dir(start: Path | None = None) -> Path:
    """``apps/airflow/xo-pipelines`` of the checkout around ``start`` (the current directory), else of this code's."""
    here = (start or Path.cwd()).resolve()
    for parent in (here, *here.parents):
        if (parent / "apps" / "airflow" / "xo-pipelines" / "dags").is_dir():
            return parent / "apps" / "airflow" / "xo-pipelines"
    root = repo_root()
    if root is None:
        raise XoError(f"no apps/airflow/xo-pipelines in {here} or above: run this from a checkout of the repo")
    return root / "apps" / "airflow" / "xo-pipelines"


@dataclass
class StackOptions:
    """What differs between the LocalExecutor stack and the CeleryExecutor topology."""

    xo_home: Path
    pipelines: Path
    connections: dict[str, str]
    """``AIRFLOW_CONN_*`` variables of the sources (the simulators' in ``make airflow``)."""
    port: int = 8080
    executor: Executor = "local"
    metadata_url: str | None = None
    """SQLAlchemy URL of the metadata database; None: SQLite in ``AIRFLOW_HOME``."""
    broker_url: str | None = None
    celery_workers: int = 2
    parallelism: int = 4
    """Airflow's default (32) would fork that many idle LocalExecutor workers on a 2-core laptop."""
    extra_env: dict[str, str] = field(default_factory=dict)


@dataclass
class Component:
    name: str
    process: subprocess.Popen[bytes]
    log: Path


class AirflowStack:
    """The processes of one Airflow deployment on 127.0.0.1; ``with`` starts them all and stops them all."""

    def __init__(self, options: StackOptions) -> None:
        self.options = options
        folder = "airflow" if options.executor == "local" else f"airflow-{options.executor}"
        self.airflow_home = options.xo_home / folder
        self.url = f"http://127.0.0.1:{options.port}"
        self.components: list[Component] = []
        self._log_files: list[IO[bytes]] = []

    @property
    def password(self) -> str:
        """The admin's password of the simple auth manager, made once per ``AIRFLOW_HOME`` and kept there."""
        path = self.airflow_home / "simple_auth_manager_passwords.json"
        if not path.is_file():
            make_private_dirs(self.airflow_home)
            path.write_text(json.dumps({ADMIN: secrets.token_urlsafe(12)}))
            path.chmod(0o600)
        return json.loads(path.read_text())[ADMIN]

    def env(self) -> dict[str, str]:
        """The environment of every Airflow process of this stack."""
        o = self.options
        kept = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "XO_"))}
        secret_file = self.airflow_home / "jwt_secret"
        if not secret_file.is_file():
            make_private_dirs(self.airflow_home)
            secret_file.write_text(secrets.token_urlsafe(32))
            secret_file.chmod(0o600)
        env = {
            **kept,
            **o.connections,
            "XO_HOME": str(o.xo_home),
            "XO_ENV": "local",
            "AIRFLOW_HOME": str(self.airflow_home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(o.pipelines / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor" if o.executor == "local" else "CeleryExecutor",
            "AIRFLOW__CORE__PARALLELISM": str(o.parallelism),
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
            # Task processes reach the API server here: https://airflow.apache.org/docs/apache-airflow/stable/configurations-ref.html#execution-api-server-url
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.url}/execution/",
            "AIRFLOW__API__BASE_URL": self.url,
            "AIRFLOW__API__WORKERS": "1",
            # Every component signs and checks the tasks' and users' tokens with one secret.
            "AIRFLOW__API_AUTH__JWT_SECRET": secret_file.read_text(),
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{ADMIN}:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(
                self.airflow_home / "simple_auth_manager_passwords.json"
            ),
            # Not 8793, so that two stacks (or a test beside an engineer's stack) do not collide.
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW__TRIGGERER__TRIGGERER_HEALTH_CHECK_THRESHOLD": "60",
        }
        if o.metadata_url:
            env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = o.metadata_url
        else:
            # Airflow's SQLite file, with a 60 s busy timeout instead of sqlite3's 5 s: the scheduler, the
            # dag-processor and the CLI write it at once, and a writer waits for the lock instead of failing
            # after 5 s on a busy machine. It does not help a deadlock (a reader in a transaction that then
            # writes while another writes), which SQLite refuses at once: see the backfill runbook.
            env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = (
                f"sqlite:///{self.airflow_home.resolve() / 'airflow.db'}?timeout=60"
            )
        if o.executor == "celery":
            if not (o.broker_url and o.metadata_url):
                raise XoError("the CeleryExecutor needs a broker (Redis) and a metadata database (PostgreSQL)")
            env["AIRFLOW__CELERY__BROKER_URL"] = o.broker_url
            env["AIRFLOW__CELERY__RESULT_BACKEND"] = "db+" + o.metadata_url
            env["AIRFLOW__CELERY__WORKER_CONCURRENCY"] = "2"
        return {**env, **o.extra_env}

    def airflow(self, *args: str, timeout: float = 300.0) -> str:
        """Run one ``airflow`` command to completion with the stack's environment; its output, or an XoError."""
        done = subprocess.run(
            [sys.executable, "-m", "airflow", *args],
            env=self.env(),
            cwd=self.options.pipelines,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise XoError(f"airflow {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
        return done.stdout

    def _start(self, name: str, *args: str, env: dict[str, str] | None = None) -> None:
        logs = self.airflow_home / "logs" / "stack"
        make_private_dirs(logs)
        log = logs / f"{name}.log"
        handle = log.open("ab")
        self._log_files.append(handle)
        process = subprocess.Popen(
            [sys.executable, "-m", "airflow", *args],
            env=env or self.env(),
            cwd=self.options.pipelines,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() ends it and every child it forked
        )
        self.components.append(Component(name, process, log))

    def start(self) -> None:
        """Migrate the metadata DB, import the pools, start every process (returns before they are ready)."""
        make_private_dirs(self.airflow_home)
        _ = self.password
        self.airflow("db", "migrate")
        self.airflow("pools", "import", str(self.options.pipelines / "pools.json"))
        self._start("api-server", "api-server", "--host", "127.0.0.1", "--port", str(self.options.port))
        self._start("scheduler", "scheduler")
        self._start("dag-processor", "dag-processor")
        self._start("triggerer", "triggerer")
        if self.options.executor == "celery":
            for n in range(1, self.options.celery_workers + 1):
                env = {**self.env(), "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port())}
                self._start(f"worker{n}", "celery", "worker", "--celery-hostname", f"worker{n}@%h", env=env)

    def health(self) -> dict[str, str]:
        """Each component's status as the API server reports it (empty while it does not answer)."""
        try:
            answer = httpx.get(f"{self.url}/api/v2/monitor/health", timeout=5.0)
        except httpx.HTTPError:
            return {}
        if answer.status_code != 200:
            return {}
        return {name: str(part.get("status")) for name, part in answer.json().items() if isinstance(part, dict)}

    def wait_ready(self, timeout: float = 300.0) -> None:
        """Until the API server answers and reports every component healthy; an XoError naming what is not."""
        deadline = time.monotonic() + timeout
        health: dict[str, str] = {}
        while time.monotonic() < deadline:
            self.check_alive()
            health = self.health()
            if all(health.get(name) == "healthy" for name in HEALTHY_COMPONENTS):
                return
            time.sleep(1.0)
        raise XoError(f"Airflow not ready within {timeout:.0f} s: {health or 'the API server does not answer'}")

    def check_alive(self) -> None:
        """An XoError naming the first process that has exited, with the end of its log."""
        for component in self.components:
            code = component.process.poll()
            if code is not None:
                tail = component.log.read_text(errors="replace")[-3000:]
                raise XoError(f"airflow {component.name} exited with {code} (log {component.log}):\n{tail}")

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM to each process group (each component and the workers it forked), then SIGKILL if need be."""
        for component in reversed(self.components):
            _signal_group(component.process, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for component in reversed(self.components):
            with contextlib.suppress(subprocess.TimeoutExpired):
                component.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            # Children a component forked (LocalExecutor workers, gunicorn or celery pool processes) too.
            _signal_group(component.process, signal.SIGKILL)
            component.process.wait()
        self.components.clear()
        for handle in self._log_files:
            handle.close()
        self._log_files.clear()

    def __enter__(self) -> AirflowStack:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _signal_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
