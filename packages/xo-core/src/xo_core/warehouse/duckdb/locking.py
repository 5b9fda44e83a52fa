"""One writer at a time per DuckDB file, across threads and processes.

DuckDB lets one process open a file for writing; a second one fails at once with "Could not set
lock". Every write connection is therefore opened only while holding an exclusive ``fcntl.flock`` on
``<DATABASE>.lock`` beside the database file. ``flock`` belongs to an open file description, so two
threads that each open the lock file exclude each other just as two processes do. The holder writes
who it is into the lock file so that a waiter that gives up can say whom it waited for.
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
    make_private_dirs(lock_path.parent)
    fd = open_private(lock_path, os.O_RDWR | os.O_CREAT)
    try:
        _acquire(fd, lock_path, purpose=purpose, timeout=timeout)
        try:
            holder = f"{_who()} since {datetime.now(UTC).isoformat(timespec='seconds')} for {purpose}"
            os.ftruncate(fd, 0)
            os.pwrite(fd, holder.encode(), 0)
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, lock_path: Path, *, purpose: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                holder = os.pread(fd, 1024, 0).decode(errors="replace") or "an unknown writer"
                raise TransientError(
                    f"{_who()} waited {timeout:g} s for the write lock of {lock_path.with_suffix('.duckdb')}"
                    f" (lock file {lock_path}), wanted for {purpose}; it is held by {holder}"
                ) from None
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, _MAX_POLL_SECONDS)
