"""Fixtures of the end-to-end tests: a throw-away XO_HOME, the simulators with their connections, moto's server,
and fakesnow with the production COPY rewritten into what it can run."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from xo_sandbox.sandboxes import Sandboxes, start_all

if TYPE_CHECKING:
    from snowflake.connector import SnowflakeConnection

    from xo_core.warehouse.snowflake.session import SnowflakeConnectionLike

# Airflow reads its configuration when first imported: keep it out of ~/airflow, one folder per test process. A
# pytest-xdist worker inherits the environment of the process that started it, so it makes its own rather than
# share one Airflow metadata database with the other workers.
if os.environ.get("XO_TEST_PROCESS") != str(os.getpid()):
    os.environ["XO_TEST_PROCESS"] = str(os.getpid())
    os.environ["AIRFLOW_HOME"] = tempfile.mkdtemp(prefix="xo-test-airflow-")
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Test files that hold a ``slow`` test first, each file's tests kept together and in their order.

    Parallel workers take whole files in this order (``--dist loadfile --no-loadscope-reorder``): the long files
    start at once rather than last, when one worker would run them alone while the others idle.
    """
    slow_files = {item.path for item in items if item.get_closest_marker("slow") is not None}
    items.sort(key=lambda item: item.path not in slow_files)


_WORKER_SECONDS: dict[str, list[float]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Add up each parallel worker's test time (setup, call, teardown) for the summary below."""
    gateway = getattr(getattr(report, "node", None), "gateway", None)  # set by pytest-xdist on the controller
    if gateway is not None:
        _WORKER_SECONDS.setdefault(gateway.id, []).append(report.duration)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per parallel worker: how long it ran tests and how many phases; shows an unbalanced split."""
    for worker, durations in sorted(_WORKER_SECONDS.items()):
        terminalreporter.write_line(f"worker {worker}: {sum(durations):.1f} s in tests ({len(durations)} phases)")


@pytest.fixture(scope="session")
def sandboxes() -> Iterator[Sandboxes]:
    with start_all(relaxed_limits=True) as running:
        yield running


@pytest.fixture
def xo_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sandboxes: Sandboxes) -> Path:
    """A fresh XO_HOME for the local environment, with every connection pointed at the simulators."""
    home = tmp_path / "xo-home"
    monkeypatch.setenv("XO_HOME", str(home))
    monkeypatch.setenv("XO_ENV", "local")
    monkeypatch.chdir(tmp_path)  # no .env of the developer's is read
    for name, value in sandboxes.connection_env().items():
        monkeypatch.setenv(name, value)
    return home


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """URL of a moto server (S3 and Secrets Manager) on 127.0.0.1, started for this session and stopped after."""
    from moto.server import ThreadedMotoServer  # only for the tests that use it: moto's import is slow

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def _subprocess_env(home: Path, *, drop: tuple[str, ...] = ("AIRFLOW", "XO_"), **extra: str) -> dict[str, str]:
    """This process's environment without the ``drop`` prefixes, with ``XO_HOME`` and ``extra`` set."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    return {**kept, "XO_HOME": str(home), **extra}


XO_FOUNDRY = str(Path(sys.executable).parent / "xo-foundry")


FOUNDRY_SECONDS = 900.0
"""A bound on one ``xo-foundry`` command, not a wait: a run through Airflow takes 10-30 s on an idle machine and
several minutes on a 2-core machine loaded by parallel workers and other work."""


def _run_foundry(
    *args: str, env: dict[str, str], cwd: Path, timeout: float = FOUNDRY_SECONDS
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [XO_FOUNDRY, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="session")
def foundry() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Runs ``xo-foundry ARGS`` as a person does, in its own process (``env=``, ``cwd=``, ``timeout=``); the
    result whatever its exit code."""
    return _run_foundry


@pytest.fixture(scope="session")
def subprocess_env() -> Callable[..., dict[str, str]]:
    """Builds a child process's environment: none of the developer's Airflow or XO settings leak into it."""
    return _subprocess_env


def _checkout_with(tmp_path: Path, ref: str, extractor: dict[str, Any], dag: dict[str, Any] | None = None) -> Path:
    """A copy of the committed configs where every source of ``ref`` has ``extractor`` merged into its settings
    (and its ``dag`` block ``dag``), with that domain's DAG files rendered beside it; returns the config root."""
    from xo_foundry.dag_factory.render import render_domain
    from xo_foundry.schemas.loader import CONFIGS_FOLDER, DEFAULT_CONFIG_ROOT, load_pipelines

    root = tmp_path / "checkout" / CONFIGS_FOLDER
    shutil.copytree(DEFAULT_CONFIG_ROOT, root)
    domain, name = ref.split("/")
    path = root / domain / f"{name}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for source in data["sources"].values():
        source["extractor"].update(extractor)
    data["dag"].update(dag or {})
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = load_pipelines(root=root)
    assert result.ok, result.problems
    mine = [(str(p), c) for p, c in result.pipelines.items() if c.dag.domain == domain]
    dags = root.parent / "dags"
    dags.mkdir()
    for name, text in render_domain(domain, mine).items():
        (dags / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def config_checkout() -> Callable[..., Path]:
    """Builds a copy of the committed configs with one pipeline's extractor settings changed, and its domain's DAG
    files rendered beside it: point ``XO_CONFIG_ROOT`` of a child process at the root it returns."""
    return _checkout_with


# --- fakesnow's COPY, rewritten per file ---------------------------------------------------------------------
# fakesnow 0.12.1 cannot run our transformation COPY (``$n``, ``METADATA$...`` and the options ENCODING,
# ESCAPE, ERROR_ON_COLUMN_COUNT_MISMATCH are unknown to it), so ``FakesnowCopyConnection`` rewrites each COPY
# into one per file that fakesnow runs: ``$n`` → ``column{n-1}`` (zero-padded once a file has 10 or more
# columns, as DuckDB names headerless columns ``column00`` …), ``METADATA$FILENAME`` → the file's
# stage-relative path as a literal, ``METADATA$FILE_ROW_NUMBER`` → ``ROW_NUMBER() OVER ()``, the file format
# reduced to ``TYPE/SKIP_HEADER/FIELD_OPTIONALLY_ENCLOSED_BY/ESCAPE_UNENCLOSED_FIELD/NULL_IF``. The literals
# (run id, timestamps), the column list, stage, FORCE and ON_ERROR pass through unchanged. Every other
# statement runs as the production one; the production COPY text is asserted by the statement tests.

FAKESNOW_SIMPLE_FORMAT = (
    "FILE_FORMAT = (TYPE = CSV SKIP_HEADER = 1 FIELD_OPTIONALLY_ENCLOSED_BY = '\"'"
    " ESCAPE_UNENCLOSED_FIELD = NONE NULL_IF = ())"
)


def fakesnow_copies(sql: str) -> list[str]:
    """The production COPY as per-file COPYs fakesnow runs: positions, METADATA$ and options translated."""
    match = re.fullmatch(
        r"(COPY INTO .*?) FROM \(SELECT (.*) FROM @(\S+?)/(\S*)\) FILES = \((.*?)\)"
        r" FILE_FORMAT = \(.*?\)(?= ON_ERROR)(.*)",
        sql,
    )
    assert match is not None, sql
    head, select, stage, path, files, tail = match.groups()
    width = len(str(len(re.findall(r"\$\d+\b", select)) - 1))  # DuckDB's names: column0 or column00 …
    select = re.sub(r"\$(\d+)\b", lambda m: f"column{int(m.group(1)) - 1:0{width}d}", select)
    select = select.replace("METADATA$FILE_ROW_NUMBER", "ROW_NUMBER() OVER ()")
    return [
        f"{head} FROM (SELECT {select.replace('METADATA$FILENAME', repr(path + name))} FROM @{stage}/{path})"
        f" FILES = ('{name}') {FAKESNOW_SIMPLE_FORMAT}{tail}"
        for name in re.findall(r"'([^']*)'", files)
    ]


class FakesnowCopyCursor:
    """A fakesnow cursor whose COPY is rewritten by ``fakesnow_copies``; every other statement passes through."""

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor
        self._rows: list[Any] | None = None
        self.description: Any = None

    @property
    def sfqid(self) -> str | None:
        return self._cursor.sfqid

    def execute(self, command: str, params: Sequence[Any] | None = None) -> object:
        self._rows = None
        if not command.startswith("COPY INTO"):
            self._cursor.execute(command, params)
            self.description = self._cursor.description
            return self
        rows: list[Any] = []
        for copy in fakesnow_copies(command):
            self._cursor.execute(copy)
            rows += self._cursor.fetchall()
        self.description, self._rows = self._cursor.description, rows
        return self

    def fetchall(self) -> list[Any]:
        return self._rows if self._rows is not None else self._cursor.fetchall()


class FakesnowCopyConnection:
    """A fakesnow connection whose cursors rewrite COPY (see above)."""

    def __init__(self, connection: SnowflakeConnection) -> None:
        self.connection = connection

    def cursor(self) -> FakesnowCopyCursor:
        return FakesnowCopyCursor(self.connection.cursor())

    def autocommit(self, mode: bool) -> None:
        self.connection.autocommit(mode)

    def close(self) -> None:
        self.connection.close()


@pytest.fixture(scope="session")
def fakesnow_copy_connection() -> Callable[[SnowflakeConnection], SnowflakeConnectionLike]:
    """Wraps a fakesnow connection so that the production COPY runs on it, rewritten per file (see above)."""
    return FakesnowCopyConnection
