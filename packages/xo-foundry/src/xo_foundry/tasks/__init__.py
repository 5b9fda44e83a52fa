"""The Airflow task library the generated DAGs call: (wait →) extract → stage → load for one source.

Each function takes the pipeline's validated config (as the plain dict the DAG's data file holds), the source's
name, the previous step's result (``handoffs``) and the Airflow context; ``transform`` builds the dbt models
downstream of the pipeline's BRONZE tables once every load is done. Which step calls which function is
``steps.run_step``; the order is the pipeline's graph (``xo_foundry.graph``). Only file references, column names
and counts travel between them through XCom: never rows, never secrets. Importing this package is cheap (the DAG
processor does it at every parse); the work's dependencies are imported when a task runs. Under Airflow a
terminal error fails the task at once, without retries (``failing``).
"""

from xo_foundry.tasks import extract_tasks, load_tasks, stage_tasks, transform_tasks, wait_tasks
from xo_foundry.tasks.failing import fail_at_once_when_terminal

wait = fail_at_once_when_terminal(wait_tasks.wait)
extract = fail_at_once_when_terminal(extract_tasks.extract)
stage = fail_at_once_when_terminal(stage_tasks.stage)
load = fail_at_once_when_terminal(load_tasks.load)
transform = fail_at_once_when_terminal(transform_tasks.transform)

__all__ = ["extract", "load", "stage", "transform", "wait"]
