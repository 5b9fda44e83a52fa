"""Airflow's REST API (v2) as an engineer or a monitor calls it: a token from ``/auth/token``, then Bearer calls.

Endpoints as Airflow 3 publishes them (https://airflow.apache.org/docs/apache-airflow/stable/stable-rest-api-ref.html);
the token is the simple auth manager's, for the user and password of ``AirflowStack``.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import httpx

from xo_core.errors import XoError

FINISHED = frozenset({"success", "failed"})


class AirflowApi:
    def __init__(self, url: str, username: str, password: str, timeout: float = 30.0) -> None:
        token = httpx.post(f"{url}/auth/token", json={"username": username, "password": password}, timeout=timeout)
        if token.status_code not in (200, 201):
            raise XoError(f"Airflow refused the login of {username!r}: {token.status_code} {token.text[:300]}")
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        self.client = httpx.Client(base_url=f"{url}/api/v2", headers=headers, timeout=timeout)

    def close(self) -> None:
        self.client.close()

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = self.client.request(method, path, **kwargs)
        if answer.status_code >= 400:
            raise XoError(f"{method} {path}: {answer.status_code} {answer.text[:500]}")
        return answer.json()

    def dag_ids(self) -> set[str]:
        """The DAGs the dag-processor has parsed into the metadata DB."""
        return {d["dag_id"] for d in self._json("GET", "/dags", params={"limit": 1000})["dags"]}

    def wait_for_dags(self, dag_ids: set[str], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        missing = set(dag_ids)
        while time.monotonic() < deadline:
            missing = dag_ids - self.dag_ids()
            if not missing:
                return
            time.sleep(1.0)
        raise XoError(f"not parsed within {timeout:.0f} s: {', '.join(sorted(missing))}")

    def trigger(self, dag_id: str, logical_date: datetime) -> str:
        """A manual run of ``dag_id`` for ``logical_date``; its run id."""
        body = {"logical_date": logical_date.isoformat(), "conf": {}}
        return str(self._json("POST", f"/dags/{dag_id}/dagRuns", json=body)["dag_run_id"])

    def run_state(self, dag_id: str, run_id: str) -> str:
        return str(self._json("GET", f"/dags/{dag_id}/dagRuns/{run_id}")["state"])

    def wait_for_runs(self, runs: dict[str, str], timeout: float) -> dict[str, str]:
        """Until every run (dag id → run id) has finished; their final states. An XoError after ``timeout``."""
        deadline = time.monotonic() + timeout
        states: dict[str, str] = {}
        while time.monotonic() < deadline:
            states = {dag_id: self.run_state(dag_id, run_id) for dag_id, run_id in runs.items()}
            if set(states.values()) <= FINISHED:
                return states
            time.sleep(2.0)
        raise XoError(f"runs not finished within {timeout:.0f} s: {states}")

    def dag_runs(self, dag_id: str, run_type: str | None = None) -> list[dict[str, Any]]:
        """The DAG's runs (of ``run_type``: ``manual``, ``scheduled``, ``backfill`` …), oldest logical date first."""
        params: dict[str, Any] = {"limit": 1000, "order_by": "logical_date"}
        if run_type:
            params["run_type"] = run_type
        return list(self._json("GET", f"/dags/{dag_id}/dagRuns", params=params)["dag_runs"])

    def task_instances(self, dag_id: str, run_id: str) -> dict[str, dict[str, Any]]:
        """Task id → the task instance of one run (its last try: ``state``, ``pool``, ``try_number`` …)."""
        answer = self._json("GET", f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances", params={"limit": 1000})
        return {ti["task_id"]: ti for ti in answer["task_instances"]}

    def pools(self) -> dict[str, int]:
        """Pool name → slots."""
        return {p["name"]: int(p["slots"]) for p in self._json("GET", "/pools", params={"limit": 1000})["pools"]}
