"""`xo-foundry replay` through the command: it reloads from the ingest bucket with every source unreachable, and
refuses a missing or changed object by name with BRONZE untouched."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from xo_core.warehouse.duckdb.backend import DuckDBWarehouse
from xo_sandbox.sandboxes import Sandboxes

BIN = Path(sys.executable).parent
PIPELINE = "warbyparker/gladly_daily"
TABLE = '"WBP_DB_DEV"."BRONZE"."GLADLY_CONTACT_TIMESTAMPS"'
OBJECT = "xo-ingest/warbyparker/contact_timestamps/full_refresh/2025-01-14/contact_timestamps.csv"


def _foundry(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "xo-foundry"), *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing listens there


@pytest.fixture(scope="module")
def landed_home(
    tmp_path_factory: pytest.TempPathFactory, sandboxes: Sandboxes, subprocess_env: Callable[..., dict[str, str]]
) -> Path:
    """An XO_HOME where 2025-01-15 ran once with the simulators; each test replays on its own copy of it."""
    home = tmp_path_factory.mktemp("replay") / "xo-home"
    run = _foundry(
        subprocess_env(home, XO_ENV="local", **sandboxes.connection_env()),
        *("run", PIPELINE, "--date", "2025-01-15", "--direct"),
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return home


@pytest.fixture
def landed(
    xo_home: Path, landed_home: Path, sandboxes: Sandboxes, subprocess_env: Callable[..., dict[str, str]]
) -> dict[str, str]:
    """``xo_home`` holds a copy of the landed run; returns an environment whose every source is unreachable."""
    shutil.copytree(landed_home, xo_home)
    dead = f"127.0.0.1:{_closed_port()}"
    unreachable = {k: re.sub(r"127\.0\.0\.1:\d+", dead, v) for k, v in sandboxes.connection_env().items()}
    assert unreachable != sandboxes.connection_env()
    return subprocess_env(xo_home, XO_ENV="local", **unreachable)


def _bronze(home: Path) -> list[tuple[Any, ...]]:
    with DuckDBWarehouse(home).connect_read_only("WBP_DB_DEV") as connection:
        return connection.execute(f"SELECT count(*), min(_XO_RUN_ID) FROM {TABLE}").fetchall()


@pytest.mark.slow
def test_replay_reloads_from_the_bucket_with_every_source_unreachable(xo_home: Path, landed: dict[str, str]) -> None:
    # Every connection names a port nothing listens on (a run would fail at its extract, after its retries);
    # the replay reloads BRONZE and rebuilds dbt from what landed.
    before = _bronze(xo_home)
    done = _foundry(landed, "replay", PIPELINE, "--date", "2025-01-15")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "transform" in done.stdout and "statuses=" in done.stdout
    ((count, run_id),) = _bronze(xo_home)
    assert count == before[0][0] and run_id.startswith("replay__2025-01-15")
    loads = [r for r in DuckDBWarehouse(xo_home).ledger_rows("WBP_DB_DEV") if r.step == "load"]
    assert [(r.status, r.replay) for r in loads[-2:]] == [("SUCCEEDED", True), ("SUCCEEDED", True)]
    assert not any(r.replay for r in loads[:-2])
    transforms = [r for r in DuckDBWarehouse(xo_home).ledger_rows("WBP_DB_DEV") if r.step == "transform"]
    # One attempt per BRONZE table for the first run, one per table for the replay.
    assert [(r.status, r.replay) for r in transforms] == [("SUCCEEDED", False)] * 2 + [("SUCCEEDED", True)] * 2


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["changed", "missing"])
def test_replay_refuses_a_damaged_object_by_name_and_leaves_bronze(
    xo_home: Path, landed: dict[str, str], damage: str
) -> None:
    before = _bronze(xo_home)
    path = xo_home / "objects" / OBJECT
    if damage == "changed":
        path.write_bytes(path.read_bytes() + b"x,y,z\n")
    else:
        path.unlink()
    done = _foundry(landed, "replay", PIPELINE, "--date", "2025-01-15")
    assert done.returncode == 1
    assert OBJECT in done.stderr
    expected = "does not match its manifest: bytes" if damage == "changed" else "is missing"
    assert expected in done.stderr, done.stderr
    assert _bronze(xo_home) == before
