"""Throw-away PostgreSQL and Redis servers on 127.0.0.1 for the production topology run on one machine.

Both are the Debian packages (PostgreSQL 15 from ``postgresql``, Redis from ``redis-server``); ``missing_servers``
says what is absent so that a caller can skip or refuse with that reason. Each server lives in a folder of its
own for as long as its ``with`` block, then is stopped and its folder removed.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Generator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from xo_core.errors import XoError

POSTGRES_BIN_GLOB = "/usr/lib/postgresql/*/bin"
"""Where Debian puts ``initdb`` and ``pg_ctl`` (not on PATH: only the client wrappers are)."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_bin() -> Path | None:
    """The newest PostgreSQL server binaries folder holding ``initdb`` and ``pg_ctl``, if any."""
    found = [p for p in Path("/").glob(POSTGRES_BIN_GLOB.lstrip("/")) if (p / "initdb").is_file()]
    return max(found, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0) if found else None


def missing_servers(*, postgres: bool = True, redis: bool = False) -> list[str]:
    """Why the servers asked for cannot start here (empty when they can)."""
    missing = []
    if postgres and postgres_bin() is None:
        missing.append(f"PostgreSQL is not installed (no initdb under {POSTGRES_BIN_GLOB}; apt-get install postgresql)")
    if postgres and os.geteuid() == 0 and _user("postgres") is None:
        missing.append("running as root and there is no 'postgres' user to run the PostgreSQL server as")
    if redis and shutil.which("redis-server") is None:
        missing.append("redis-server is not installed (apt-get install redis-server)")
    return missing


def _user(name: str) -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        return None


def _wait_for_port(port: int, what: str, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-2000:] if log.is_file() else ""
    raise XoError(f"{what} did not listen on 127.0.0.1:{port} within {timeout:.0f} s:\n{tail}")


@dataclass(frozen=True)
class PostgresServer:
    port: int
    database: str
    user: str

    @property
    def sqlalchemy_url(self) -> str:
        """Airflow's metadata DB URL (psycopg2; trust authentication on 127.0.0.1 only)."""
        return f"postgresql+psycopg2://{self.user}@127.0.0.1:{self.port}/{self.database}"


@contextmanager
def postgres_server(database: str = "airflow", timeout: float = 60.0) -> Generator[PostgresServer]:
    """A new PostgreSQL cluster on a free port of 127.0.0.1 with one database; stopped and removed after.

    initdb refuses to run as root, so as root the cluster belongs to the ``postgres`` user and lives in a folder
    of its own under the system temp dir (a pytest tmp dir is not readable by other users).
    """
    bin_dir = postgres_bin()
    problems = missing_servers(postgres=True)
    if bin_dir is None or problems:
        raise XoError("; ".join(problems))
    owner = _user("postgres") if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="xo-postgres-"))
    run_as: list[str] = []
    if owner is not None:
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        run_as = ["runuser", "-u", owner.pw_name, "--"]
    user = owner.pw_name if owner is not None else pwd.getpwuid(os.geteuid()).pw_name
    data, log, port = folder / "data", folder / "server.log", free_port()
    try:
        subprocess.run(
            [*run_as, str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", user, "-E", "UTF8"],
            capture_output=True,
            text=True,
            check=True,
            timeout=timeout,
        )
        # No unix socket outside the folder (/var/run/postgresql may not be writable), TCP on 127.0.0.1 only.
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start"],
            capture_output=True,
            text=True,
            check=True,
            timeout=timeout,
        )
        try:
            _wait_for_port(port, "PostgreSQL", timeout, log)
            subprocess.run(
                [*run_as, str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", user, database],
                capture_output=True,
                text=True,
                check=True,
                timeout=timeout,
            )
            yield PostgresServer(port=port, database=database, user=user)
        finally:
            subprocess.run(
                [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                capture_output=True,
                check=False,
                timeout=timeout,
            )
    except subprocess.CalledProcessError as exc:
        raise XoError(f"PostgreSQL: {' '.join(exc.cmd)} failed:\n{exc.stderr}") from exc
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def redis_server(timeout: float = 30.0) -> Generator[str]:
    """A Redis server on a free port of 127.0.0.1, nothing saved to disk; yields its ``redis://`` URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise XoError("redis-server is not installed (apt-get install redis-server)")
    folder = Path(tempfile.mkdtemp(prefix="xo-redis-"))
    port, log = free_port(), folder / "server.log"
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    command += ["--dir", str(folder), "--logfile", str(log)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(port, "Redis", timeout, log)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)
