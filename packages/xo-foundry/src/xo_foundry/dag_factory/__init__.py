"""The DAG factory: validated pipeline configs in; per domain, a small Airflow 3 DAG file and the data file it
builds its DAGs from (ADR 013)."""
