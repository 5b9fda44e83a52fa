"""Run in a fresh interpreter by path (so nothing of the benchmark is imported): time one parse, print JSON.

`python probe.py dagbag FOLDER`: import Airflow, then time ``DagBag(FOLDER)`` alone.
`python probe.py processor`: time one full pass of Airflow's DAG processor over ``[core] dags_folder``.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

BROKEN_TAG = "xo:broken"


def dagbag(folder: str) -> dict[str, Any]:
    started = time.perf_counter()
    import airflow.sdk  # noqa: F401 - the import is what is timed apart from the parse
    from airflow.dag_processing.dagbag import DagBag

    imported = time.perf_counter()
    bag = DagBag(dag_folder=folder)
    loaded = time.perf_counter()
    return {
        "import_s": imported - started,
        "load_s": loaded - imported,
        "dags": len(bag.dags),
        "tasks": sum(len(d.tasks) for d in bag.dags.values()),
        "broken_dags": sorted(i for i, d in bag.dags.items() if BROKEN_TAG in (d.tags or ())),
        "import_errors": {path: error.strip().splitlines()[-1] for path, error in bag.import_errors.items()},
    }


def processor() -> dict[str, Any]:
    from airflow.dag_processing.manager import DagFileProcessorManager

    manager = DagFileProcessorManager(max_runs=1)
    started = time.perf_counter()
    manager.run()
    wall = time.perf_counter() - started
    stats = list(manager._file_stats.values())  # the numbers of its "DAG File Processing Stats" table
    return {
        "pass_s": wall,
        "files": len(stats),
        "sum_file_s": sum(s.last_duration or 0.0 for s in stats),
        "max_file_s": max((s.last_duration or 0.0 for s in stats), default=0.0),
        "dags": sum(s.num_dags for s in stats),
        "import_errors": sum(s.import_errors for s in stats),
    }


if __name__ == "__main__":
    mode = sys.argv[1]
    result = dagbag(sys.argv[2]) if mode == "dagbag" else processor()
    print("PROBE " + json.dumps(result), flush=True)
