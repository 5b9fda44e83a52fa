"""One writer at a time per DuckDB file, across threads and processes; long readers share.

DuckDB lets one process open a file for writing; a second one fails at once with "Could not set
lock". Every write connection is therefore opened only while holding an exclusive ``fcntl.flock`` on
``<DATABASE>.lock`` beside the database file. ``flock`` belongs to an open file description, so two
threads that each open the lock file exclude each other just as two processes do. The holder writes
who it is into the lock file so that a waiter that gives up can say whom it waited for.

A reader that keeps a file open for long (a dbt run that reads another client's database, attached
read-only) takes the same lock shared (``hold_read_lock``). Measured with DuckDB 2.0: any number of
processes may hold a file read-only at once, but a read-only open (or ``ATTACH ... (READ_ONLY)``) fails at
once while another process writes the file, and a write open fails while any process reads it. With the
shared lock the long reader waits for the writer instead of failing, and a loader waits for the reader on
the lock (with its timeout and the holder's name) instead of on DuckDB's own lock. Short readers (the
dashboards) take no lock: they retry DuckDB's refusal for a few seconds (``connecting.py``).
"""

from __future__ import annotations

import fcntl
import os
import sys
import threading
import time
from collections.abc import Generator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from xo_core.errors import TransientError
from xo_core.private_files import make_private_dirs, open_private

DEFAULT_LOCK_TIMEOUT_SECONDS = 600.0
# Polling (rather than a blocking flock) is what makes the timeout possible; the cap keeps a waiter
# from sleeping long after the holder is done.
_MAX_POLL_SECONDS = 0.1


def _who() -> str:
    # The program's name only, never its arguments: a command line can carry a secret, and this text is
    # written into the lock file and into error messages.
    # ``python -c`` leaves "-c" there, so fall back to the interpreter's name.
    argv0 = sys.argv[0] if sys.argv else ""
    program = Path(argv0).name if argv0 and argv0 != "-c" else Path(sys.executable).name
    return f"pid {os.getpid()} ({program}) thread {threading.current_thread().name!r}"


@contextmanager
def hold_write_lock(lock_path: Path, *, purpose: str, timeout: float = DEFAULT_LOCK_TIMEOUT_SECONDS) -> Generator[None]:
    """Hold the exclusive lock at ``lock_path`` for the block; ``TransientError`` after ``timeout`` s."""
    with _hold(lock_path, shared=False, purpose=purpose, timeout=timeout):
        yield


@contextmanager
def hold_read_lock(lock_path: Path, *, purpose: str, timeout: float = DEFAULT_LOCK_TIMEOUT_SECONDS) -> Generator[None]:
    """Hold the lock at ``lock_path`` shared with other readers (no writer) for the block."""
    with _hold(lock_path, shared=True, purpose=purpose, timeout=timeout):
        yield


@contextmanager
def _hold(lock_path: Path, *, shared: bool, purpose: str, timeout: float) -> Generator[None]:
    make_private_dirs(lock_path.parent)
    fd = open_private(lock_path, os.O_RDWR | os.O_CREAT)
    try:
        _acquire(fd, lock_path, shared=shared, purpose=purpose, timeout=timeout)
        mode = "reading" if shared else "writing"
        text = f"{_who()} since {datetime.now(UTC).isoformat(timespec='seconds')} {mode} for {purpose}".encode()
        try:
            # Readers share the file: the last one to arrive is named; it clears the text only if it is still
            # its own, so a waiter never names a holder that has gone (at worst it names none).
            os.ftruncate(fd, 0)
            os.pwrite(fd, text, 0)
            yield
        finally:
            if not shared or os.pread(fd, len(text) + 1, 0) == text:
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, lock_path: Path, *, shared: bool, purpose: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    delay = 0.005
    operation = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
    kind = "read" if shared else "write"
    while True:
        try:
            fcntl.flock(fd, operation)
            return
        except BlockingIOError:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                holder = os.pread(fd, 1024, 0).decode(errors="replace") or "a holder that did not say who"
                raise TransientError(
                    f"{_who()} waited {timeout:g} s for the {kind} lock of {lock_path.with_suffix('.duckdb')}"
                    f" (lock file {lock_path}), wanted for {purpose}; it is held by {holder}"
                ) from None
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, _MAX_POLL_SECONDS)
