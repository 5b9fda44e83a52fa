"""A dbt run locks only the DuckDB files of the models it builds: two clients transform at once, in two real
processes, and a load into one client goes ahead while the other client's transform runs."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Generator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from xo_core.errors import TransientError
from xo_core.loaders.bronze import load_bronze
from xo_core.warehouse.base import LoadFile, LoadRequest
from xo_core.warehouse.duckdb.backend import DuckDBWarehouse
from xo_foundry.cli.run import logical_date_for, run_direct
from xo_foundry.schemas.loader import DEFAULT_CONFIG_ROOT, load_pipeline
from xo_foundry.transform.dbt_sources import pipeline_selection
from xo_sandbox.sandboxes import Sandboxes

pytestmark = pytest.mark.slow

DAY = date(2025, 1, 15)
PIPELINES = {"WBP_DB_DEV": "warbyparker/gladly_daily", "CND_DB_DEV": "condenast/gladly_daily"}
BARRIER_SECONDS = 180

# A transform as the DAG's task runs it (run_dbt_build), in its own process. The one instrument: once the
# run holds its locks, just before dbt builds, it says so (a file) and waits for a file from the test.
_TRANSFORM = """
import json, sys, time
from pathlib import Path
from xo_foundry.transform import dbt_runner

holding, proceed = Path(sys.argv[1]), Path(sys.argv[2])
real_invoke = dbt_runner._invoke
held = {}

def invoke(settings, args, **kwargs):
    if args[0] == "build":
        held["from"] = time.time()
        holding.touch()
        deadline = time.monotonic() + float(sys.argv[3])
        while not proceed.exists():
            if time.monotonic() > deadline:
                raise SystemExit(f"{proceed} never came: the other side could not get going")
            time.sleep(0.05)
    outcome = real_invoke(settings, args, **kwargs)
    if args[0] == "build":
        held["to"] = time.time()
    return outcome

dbt_runner._invoke = invoke
result = dbt_runner.run_dbt_build(sys.argv[4:])
print(json.dumps({**held, "statuses": result.statuses}))
"""


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, sandboxes: Sandboxes) -> Generator[Path]:
    """Both clients' Gladly BRONZE tables loaded by the real pipelines (no transform yet)."""
    home = tmp_path_factory.mktemp("xo-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XO_ENV", "local")
        patch.setenv("XO_HOME", str(home))
        for name, value in sandboxes.connection_env().items():
            patch.setenv(name, value)
        for ref in PIPELINES.values():
            pipeline = load_pipeline(DEFAULT_CONFIG_ROOT / f"{ref}.yaml", root=DEFAULT_CONFIG_ROOT)
            run_direct(pipeline, logical_date_for(pipeline, DAY), transform=False)
    yield home


def _selection(ref: str) -> list[str]:
    return pipeline_selection(load_pipeline(DEFAULT_CONFIG_ROOT / f"{ref}.yaml", root=DEFAULT_CONFIG_ROOT))


def _start_transform(home: Path, tmp: Path, name: str, proceed: Path) -> tuple[subprocess.Popen[str], Path]:
    holding = tmp / f"{name}.holding"
    env = {"XO_ENV": "local", "XO_HOME": str(home), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-c", _TRANSFORM, str(holding), str(proceed), str(BARRIER_SECONDS)]
    process = subprocess.Popen(
        [*command, *_selection(PIPELINES[name])], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    return process, holding


@dataclass(frozen=True)
class Transformed:
    """When a transform process held its locks (epoch seconds) and what its build did."""

    held_from: float
    held_to: float
    statuses: dict[str, str]


def _finish(process: subprocess.Popen[str]) -> Transformed:
    out, err = process.communicate(timeout=BARRIER_SECONDS + 120)
    assert process.returncode == 0, err[-3000:]
    report = json.loads(out.strip().splitlines()[-1])
    return Transformed(float(report["from"]), float(report["to"]), dict(report["statuses"]))


def _wait_for(path: Path, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + BARRIER_SECONDS
    while not path.exists():
        if process.poll() is not None:
            pytest.fail(f"the transform ended before it held its locks: {process.communicate()[1][-3000:]}")
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


def test_two_clients_transform_at_once_in_two_processes(home: Path, tmp_path: Path) -> None:
    # Each build starts only when BOTH runs hold their locks: with the old all-files lock one of them would wait
    # for the other's lock, the other for its barrier, and the test would fail on the barrier's timeout.
    both = tmp_path / "both-holding"
    runs = {name: _start_transform(home, tmp_path, name, both) for name in PIPELINES}
    for process, holding in runs.values():
        _wait_for(holding, process)
    both.touch()
    results = {name: _finish(process) for name, (process, _) in runs.items()}
    for name, result in results.items():
        assert result.statuses and set(result.statuses.values()) <= {"success", "pass"}, (name, result.statuses)
    wbp, cnd = results["WBP_DB_DEV"], results["CND_DB_DEV"]
    assert wbp.held_from < cnd.held_to and cnd.held_from < wbp.held_to  # the lock-held intervals overlap


def _csv(tmp: Path, name: str) -> LoadFile:
    path = tmp / f"{name}.csv"
    path.write_text("ID,NAME\n1,one\n2,two\n", encoding="utf-8")
    return LoadFile(uri=str(path), expected_rows=2, source_key=f"fixtures/{name}.csv")


def _request(database: str, table: str, file: LoadFile) -> LoadRequest:
    start = datetime(2025, 1, 15, tzinfo=UTC)
    return LoadRequest(
        database=database,
        schema="BRONZE",
        table=table,
        columns=["ID", "NAME"],
        files=[file],
        run_id=f"lock-test-{table}",
        window_start=start,
        window_end=start + timedelta(days=1),
    )


def test_a_transform_of_one_client_does_not_block_a_load_into_another(home: Path, tmp_path: Path) -> None:
    proceed = tmp_path / "proceed"
    process, holding = _start_transform(home, tmp_path, "WBP_DB_DEV", proceed)
    try:
        _wait_for(holding, process)
        # The Warby Parker transform holds its locks: a load into Condé Nast goes ahead at once...
        started = time.monotonic()
        loaded = load_bronze(
            DuckDBWarehouse(home, lock_timeout=10), _request("CND_DB_DEV", "T_SIDE", _csv(tmp_path, "c"))
        )
        assert loaded.rows_loaded == 2 and time.monotonic() - started < 10
        # ...while a load into Warby Parker itself waits for it (and here gives up, naming the transform).
        with pytest.raises(TransientError, match="dbt build --select"):
            load_bronze(DuckDBWarehouse(home, lock_timeout=0.5), _request("WBP_DB_DEV", "T_SIDE", _csv(tmp_path, "w")))
    finally:
        proceed.touch()
    assert set(_finish(process).statuses.values()) <= {"success", "pass"}
