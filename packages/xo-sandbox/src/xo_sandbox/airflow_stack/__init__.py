"""Airflow's real scheduler on this machine with the simulators: ``make airflow`` and ``make airflow-celery``."""
