"""The shared lock of a long reader (a dbt run reading another client's database): readers share, a writer waits."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from xo_core.errors import TransientError
from xo_core.warehouse.duckdb import hold_read_lock, hold_write_lock

_HOLD = """
import sys
from pathlib import Path
from xo_core.warehouse.duckdb import hold_read_lock, hold_write_lock
hold = hold_read_lock if sys.argv[2] == "read" else hold_write_lock
with hold(Path(sys.argv[1]), purpose="dbt build --select source:wbp_db.T+"):
    print("holding", flush=True)
    sys.stdin.read()
"""


def _holder(lock: Path, mode: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(lock), mode], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "holding"
    return process


def _release(process: subprocess.Popen[str]) -> None:
    assert process.stdin is not None
    process.stdin.close()
    assert process.wait(30) == 0


def test_readers_share_the_lock_and_a_writer_waits_for_them(tmp_path: Path) -> None:
    lock = tmp_path / "CORE_DB_DEV.lock"
    first = _holder(lock, "read")
    reader = _holder(lock, "read")  # a second reader gets in while the first holds the lock
    try:
        with (
            pytest.raises(TransientError) as caught,
            hold_write_lock(lock, purpose="load CORE_DB_DEV.BRONZE.T", timeout=0.3),
        ):
            pass
        assert f"pid {reader.pid}" in str(caught.value) and "reading for dbt build" in str(caught.value)
    finally:
        _release(reader)
        _release(first)
    with hold_write_lock(lock, purpose="load CORE_DB_DEV.BRONZE.T", timeout=2):
        pass  # the reader gone, the writer gets in


def test_a_reader_waits_for_the_writer(tmp_path: Path) -> None:
    lock = tmp_path / "CORE_DB_DEV.lock"
    writer = _holder(lock, "write")
    try:
        with (
            pytest.raises(TransientError, match=r"read lock of .*CORE_DB_DEV\.duckdb"),
            hold_read_lock(lock, purpose="dbt build", timeout=0.3),
        ):
            pass
    finally:
        _release(writer)
    with hold_read_lock(lock, purpose="dbt build", timeout=2):
        pass
