"""`xo-sandbox serve --all` starts every simulator and prints the connections that reach them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx

XO_SANDBOX = str(Path(sys.executable).parent / "xo-sandbox")


def test_serve_all_prints_a_working_connection_per_source() -> None:
    process = subprocess.Popen([XO_SANDBOX, "serve", "--all"], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        lines: list[str] = []
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("# Press Ctrl-C"):
                break
        exports = dict(line.removeprefix("export ").split("=", 1) for line in lines if line.startswith("export "))
        assert sorted(exports) == [
            "AIRFLOW_CONN_BAMBOOHR_DEFAULT",
            "AIRFLOW_CONN_GLADLY_CONDENAST",
            "AIRFLOW_CONN_GLADLY_DEFAULT",
            "AIRFLOW_CONN_GLADLY_WARBYPARKER",
            "AIRFLOW_CONN_GMAIL_DEFAULT",
            "AIRFLOW_CONN_GOOGLE_SHEETS_DEFAULT",
            "AIRFLOW_CONN_SPROUT_DEFAULT",
        ]
        gladly = json.loads(exports["AIRFLOW_CONN_GLADLY_WARBYPARKER"].strip("'"))
        answer = httpx.get(f"{gladly['host']}/api/v1/agents", auth=(gladly["login"], gladly["password"]), timeout=10)
        assert answer.status_code == 200 and len(answer.json()) > 10
    finally:
        process.terminate()
        process.wait(timeout=10)
