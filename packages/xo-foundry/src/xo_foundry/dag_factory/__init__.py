"""The DAG factory: validated pipeline configs in, plain Airflow 3 DAG files out (one file per domain)."""
