"""The Airflow task library the generated DAGs call: extract → stage → load for one source.

Each function takes the pipeline's validated config (as the plain dict the DAG file holds), the source's name,
the previous step's result and the Airflow context; ``transform`` builds the dbt models downstream of the
pipeline's BRONZE tables once every load is done. Only file references, column names and counts travel between
them through XCom: never rows, never secrets. Importing this package is cheap (the DAG processor does it at every
parse); the work's dependencies are imported when a task runs.
"""

from xo_foundry.tasks.extract_tasks import extract
from xo_foundry.tasks.load_tasks import load
from xo_foundry.tasks.stage_tasks import stage
from xo_foundry.tasks.transform_tasks import transform

__all__ = ["extract", "load", "stage", "transform"]
