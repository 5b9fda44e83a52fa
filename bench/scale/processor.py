"""One DAG-processor pass (dag_parse's probe) with the peak memory of its whole process tree, and the DB after it.

The probe runs Airflow's ``DagFileProcessorManager(max_runs=1)``, which forks a parser per file. ``ru_maxrss``
of the probe would miss the parsers, and ``RUSAGE_CHILDREN`` gives the largest of them, not their sum, so the
tree is polled with psutil: the peak of the summed RSS (shared pages counted in each process, the pessimistic
figure) and of the summed PSS (shared pages divided among the processes sharing them, what the tree costs).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from bench.dag_parse.measure import PROBE, airflow_env

POLL_S = 0.2
PARSE_TIMEOUT_S = 900
MB = 1024 * 1024


@dataclass
class TreeMemory:
    """Peaks seen while polling one process tree."""

    rss_mb: float = 0.0
    pss_mb: float = 0.0
    largest_process_mb: float = 0.0
    processes: int = 0
    samples: int = 0

    def sample(self, root: psutil.Process) -> None:
        try:
            tree = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        rss = pss = largest = 0.0
        for process in tree:
            try:
                info = process.memory_full_info()
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
            rss += info.rss / MB
            pss += getattr(info, "pss", info.rss) / MB
            largest = max(largest, info.rss / MB)
        self.rss_mb = max(self.rss_mb, rss)
        self.pss_mb = max(self.pss_mb, pss)
        self.largest_process_mb = max(self.largest_process_mb, largest)
        self.processes = max(self.processes, len(tree))
        self.samples += 1


def probe_env(home: Path, dags: Path, pythonpath: Path) -> dict[str, str]:
    """dag_parse's Airflow environment, plus what a benchmark of many DAGs on a busy machine needs."""
    env = airflow_env(home, dags, pythonpath)
    # Airflow skips comparing a DAG written less than this many seconds ago (default 30): passes follow each
    # other closer than that here, and an edit must reach the DB on the pass after it, as it would in production.
    env["AIRFLOW__CORE__MIN_SERIALIZED_DAG_UPDATE_INTERVAL"] = "0"
    # The defaults (a file's import 30 s, its whole parse 50 s) kill the big files on a busy 2-core machine, and
    # the pass then measures the kill; the time each file took is in the results (max_file_s).
    env["AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT"] = str(PARSE_TIMEOUT_S)
    env["AIRFLOW__DAG_PROCESSOR__DAG_FILE_PROCESSOR_TIMEOUT"] = str(PARSE_TIMEOUT_S)
    return env


def run_probe(home: Path, dags: Path, pythonpath: Path, *args: str) -> dict[str, Any]:
    """``probe.py ARGS`` over ``dags`` with the DB at ``home/airflow.db``: what it prints, plus tree memory."""
    log = home / f"{args[0]}-{time.strftime('%H%M%S')}.log"
    started = time.perf_counter()
    memory = TreeMemory()
    # Both streams to the file: the manager logs on stdout, and a pipe nobody reads while polling fills and blocks it.
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [sys.executable, str(PROBE), *args], env=probe_env(home, dags, pythonpath), stdout=out, stderr=out
        )
        root = psutil.Process(process.pid)
        while process.poll() is None:
            memory.sample(root)
            time.sleep(POLL_S)
    lines = [line for line in log.read_text(encoding="utf-8").splitlines() if line.startswith("PROBE ")]
    if process.returncode != 0 or not lines:
        raise RuntimeError(f"probe {' '.join(args)} exited {process.returncode}; see {log}")
    result = json.loads(lines[-1].removeprefix("PROBE "))
    result["process_s"] = time.perf_counter() - started  # interpreter start and Airflow import included
    result["peak_tree_rss_mb"] = round(memory.rss_mb, 1)
    result["peak_tree_pss_mb"] = round(memory.pss_mb, 1)
    result["peak_largest_process_mb"] = round(memory.largest_process_mb, 1)
    result["max_processes"] = memory.processes
    return result


def processor_pass(home: Path, dags: Path, pythonpath: Path) -> dict[str, Any]:
    """One DAG-processor pass over ``dags`` on the DB at ``home/airflow.db``."""
    return run_probe(home, dags, pythonpath, "processor")


def dagbag(home: Path, dags: Path, pythonpath: Path) -> dict[str, Any]:
    """One DagBag of ``dags`` (no DB): DAGs, placeholders of broken pipelines, import errors."""
    return run_probe(home, dags, pythonpath, "dagbag", str(dags))


@dataclass(frozen=True)
class DbState:
    """What the metadata DB holds: sizes, and enough per row to tell what a pass added or rewrote."""

    file_bytes: int  # airflow.db and its write-ahead log
    wal_bytes: int
    table_bytes: dict[str, int]
    dags: int
    dag_code_bytes: int
    serialized_dag_bytes: int
    versions: dict[str, int] = field(repr=False)  # dag_id -> dag_version rows
    code_hashes: dict[str, str] = field(repr=False)  # dag_code id -> source_code_hash
    serialized_hashes: dict[str, str] = field(repr=False)  # serialized_dag id -> dag_hash

    def summary(self) -> dict[str, Any]:
        return {
            "file_mb": round(self.file_bytes / MB, 2),
            "wal_mb": round(self.wal_bytes / MB, 2),
            "pages_mb": round(sum(self.table_bytes.values()) / MB, 2),
            "dags": self.dags,
            "dag_version_rows": sum(self.versions.values()),
            "dag_code_rows": len(self.code_hashes),
            "dag_code_source_mb": round(self.dag_code_bytes / MB, 2),
            "serialized_dag_rows": len(self.serialized_hashes),
            "serialized_dag_data_mb": round(self.serialized_dag_bytes / MB, 2),
            "table_mb": {name: round(size / MB, 2) for name, size in self.table_bytes.items()},
        }

    def changes_since(self, before: DbState) -> dict[str, Any]:
        """What a pass wrote: rows added, rows rewritten in place, which DAGs got a new version, growth."""
        new_versions = sorted(d for d, n in self.versions.items() if n > before.versions.get(d, 0))
        return {
            "dag_version_rows_added": sum(self.versions.values()) - sum(before.versions.values()),
            "dags_with_new_version": len(new_versions),
            "dags_with_new_version_ids": new_versions[:10],
            "dag_code_rows_added": len(self.code_hashes.keys() - before.code_hashes.keys()),
            "dag_code_rows_rewritten": sum(
                1 for i, h in self.code_hashes.items() if i in before.code_hashes and before.code_hashes[i] != h
            ),
            "serialized_dag_rows_added": len(self.serialized_hashes.keys() - before.serialized_hashes.keys()),
            "serialized_dag_rows_rewritten": sum(
                1
                for i, h in self.serialized_hashes.items()
                if i in before.serialized_hashes and before.serialized_hashes[i] != h
            ),
            "db_growth_mb": round((self.file_bytes - before.file_bytes) / MB, 2),
            # The file sizes move with WAL checkpoints; the pages in use are what the rows take.
            "pages_growth_mb": round((sum(self.table_bytes.values()) - sum(before.table_bytes.values())) / MB, 2),
        }


def db_state(db: Path) -> DbState:
    """Read the DB (SQLite, read-only); per-table bytes from ``dbstat`` (pages, indexes included)."""
    wal = db.with_name(db.name + "-wal")
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        pages = conn.execute(
            "SELECT COALESCE(i.tbl_name, s.name), SUM(s.pgsize) FROM dbstat s "
            "LEFT JOIN sqlite_master i ON i.name = s.name GROUP BY 1 ORDER BY 2 DESC"
        ).fetchall()
        wanted = ("dag_code", "serialized_dag", "dag_version", "dag")
        table_bytes = {name: size for name, size in pages if name in wanted}
        table_bytes["other tables"] = sum(size for name, size in pages if name not in wanted)
        versions = dict(conn.execute("SELECT dag_id, COUNT(*) FROM dag_version GROUP BY dag_id").fetchall())
        code = dict(conn.execute("SELECT id, source_code_hash FROM dag_code").fetchall())
        serialized = dict(conn.execute("SELECT id, dag_hash FROM serialized_dag").fetchall())
        (dags,) = conn.execute("SELECT COUNT(*) FROM dag").fetchone()
        (code_bytes,) = conn.execute("SELECT COALESCE(SUM(LENGTH(source_code)), 0) FROM dag_code").fetchone()
        (serialized_bytes,) = conn.execute(
            "SELECT COALESCE(SUM(COALESCE(LENGTH(data), 0) + COALESCE(LENGTH(data_compressed), 0)), 0) "
            "FROM serialized_dag"
        ).fetchone()
    return DbState(
        file_bytes=sum(f.stat().st_size for f in (db, wal) if f.is_file()),
        wal_bytes=wal.stat().st_size if wal.is_file() else 0,
        table_bytes=table_bytes,
        dags=dags,
        dag_code_bytes=code_bytes,
        serialized_dag_bytes=serialized_bytes,
        versions=versions,
        code_hashes=code,
        serialized_hashes=serialized,
    )


def seed_runs(db: Path) -> int:
    """Give each DAG's latest version one finished run and task instance, as if every DAG had run once.

    Airflow updates a DAG version in place while no task instance points at it (``SerializedDagModel.write_dag``),
    so without runs an edit never makes a new version; with them it does, as in production.
    """
    with sqlite3.connect(db) as conn:
        latest = conn.execute(
            "SELECT dag_id, id FROM dag_version v WHERE version_number = "
            "(SELECT MAX(version_number) FROM dag_version w WHERE w.dag_id = v.dag_id)"
        ).fetchall()
        for dag_id, version_id in latest:
            conn.execute(
                "INSERT INTO dag_run (dag_id, run_id, run_type, run_after, state, clear_number, span_status, "
                "created_dag_version_id) VALUES (?, 'bench_seed', 'manual', ?, 'success', 0, 'not_started', ?)",
                (dag_id, datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"), version_id),
            )
            conn.execute(
                "INSERT INTO task_instance (id, task_id, dag_id, run_id, map_index, try_number, max_tries, pool, "
                "pool_slots, span_status, state, dag_version_id) "
                "VALUES (?, 'bench_seed', ?, 'bench_seed', -1, 1, 0, 'default_pool', 1, 'not_started', 'success', ?)",
                (uuid.uuid4().hex, dag_id, version_id),
            )
    return len(latest)
