"""Opening DuckDB files: retried while another process (or another configuration) holds the file."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

from xo_core.errors import TerminalError, TransientError

_RETRY_SECONDS = 0.05


def connect_with_retry(path: Path, *, read_only: bool, timeout: float) -> duckdb.DuckDBPyConnection:
    """Open ``path``, retrying for ``timeout`` seconds while it is locked; then ``TransientError``.

    DuckDB refuses a second process (or, in one process, a second configuration such as read-only
    next to read-write) while the file is open; that clears once the holder closes, so it is retried.
    Any other refusal (a file that is not a DuckDB database: overwritten, truncated, corrupt) will not clear
    by waiting and is a ``TerminalError`` naming the file.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            mode = "read-only" if read_only else "read-write"
            if not _held_by_another(exc):
                raise TerminalError(
                    f"could not open the DuckDB database {path} {mode}: {exc}. Nothing was written to it;"
                    " restore the file from a copy (or move it aside so that the loads recreate it) and rerun"
                ) from exc
            if time.monotonic() >= deadline:
                raise TransientError(
                    f"could not open {path} {mode} within {timeout:g} s; another connection holds it: {exc}"
                ) from exc
            time.sleep(_RETRY_SECONDS)


def _held_by_another(exc: Exception) -> bool:
    # DuckDB says "Could not set lock on file" across processes and "...different configuration"
    # within one; anything else (a corrupt file, a bad path) will not clear by waiting.
    message = str(exc).lower()
    return "lock" in message or "different configuration" in message
