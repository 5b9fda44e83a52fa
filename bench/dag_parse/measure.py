"""Run the probe in fresh subprocesses, each with its own AIRFLOW_HOME, and collect what it prints."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

PROBE = Path(__file__).with_name("probe.py")
PARSING_PROCESSES = 2  # the machine's cores; the figures were taken with this


def airflow_env(home: Path, dags_folder: Path, pythonpath: Path) -> dict[str, str]:
    """The process environment: only our Airflow settings, a home of its own, no example DAGs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__CORE__DAGS_FOLDER=str(dags_folder),
        AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES=str(PARSING_PROCESSES),
        PYTHONPATH=str(pythonpath),
    )
    return env


def _run(args: list[str], env: dict[str, str], log: Path) -> dict[str, Any]:
    with log.open("w", encoding="utf-8") as out:
        done = subprocess.run(args, env=env, stdout=subprocess.PIPE, stderr=out, text=True, timeout=900, check=False)
        out.write(done.stdout)
    lines = [line for line in done.stdout.splitlines() if line.startswith("PROBE ")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{' '.join(args)} exited {done.returncode}; see {log}")
    return json.loads(lines[-1].removeprefix("PROBE "))


def migrated_db(work: Path, pythonpath: Path) -> Path:
    """An empty, migrated metadata DB (`airflow db migrate` once); each processor run gets a copy of it."""
    home = work / "airflow-template"
    db = home / "airflow.db"
    if not db.is_file():
        home.mkdir(parents=True, exist_ok=True)
        env = airflow_env(home, work / "empty-dags", pythonpath)
        (work / "empty-dags").mkdir(exist_ok=True)
        with (work / "db-migrate.log").open("w", encoding="utf-8") as out:
            args = [sys.executable, "-m", "airflow", "db", "migrate"]
            subprocess.run(args, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=600, check=True)
    return db


def dagbag_run(name: str, i: int, dags_folder: Path, work: Path, pythonpath: Path) -> dict[str, Any]:
    """A fresh interpreter imports Airflow, then loads ``dags_folder`` into a DagBag."""
    home = _fresh_home(work / "homes" / f"dagbag-{name}-{i}")
    env = airflow_env(home, dags_folder, pythonpath)
    return _run([sys.executable, str(PROBE), "dagbag", str(dags_folder)], env, home / "probe.log")


def processor_run(name: str, i: int, dags_folder: Path, work: Path, pythonpath: Path) -> dict[str, Any]:
    """A first pass of the DAG processor over ``dags_folder``, on a fresh copy of the migrated DB."""
    template = migrated_db(work, pythonpath)
    home = _fresh_home(work / "homes" / f"processor-{name}-{i}")
    shutil.copy2(template, home / "airflow.db")
    env = airflow_env(home, dags_folder, pythonpath)
    return _run([sys.executable, str(PROBE), "processor"], env, home / "probe.log")


def _fresh_home(home: Path) -> Path:
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    return home


def median(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(float(r[key]) for r in runs)
