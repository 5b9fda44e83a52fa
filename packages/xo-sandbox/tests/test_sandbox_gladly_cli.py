"""``xo-sandbox serve`` starts, prints its URL and credentials, answers, and stops on terminate."""

from __future__ import annotations

import socket
import subprocess
import sys

import httpx

from xo_sandbox.gladly import DEFAULT_CREDENTIALS


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_on_the_port_given_with_the_faults_given() -> None:
    port = _free_port()
    command = [sys.executable, "-m", "xo_sandbox.cli", "serve", "--port", str(port), "--fault", "503,times=1"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert f"http://127.0.0.1:{port}" in first
        assert "wbp-sandbox-token" in process.stdout.readline()
        auth = DEFAULT_CREDENTIALS["warbyparker"]
        url = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{url}/api/v1/agents", auth=auth).status_code == 200
        body = {"startAtTime": "2025-01-14T10:00Z", "endAtTime": "2025-01-14T10:05Z"}
        statuses = [
            httpx.post(f"{url}/api/v1/reports/work-session-events", auth=auth, json=body).status_code for _ in range(2)
        ]
        assert statuses == [503, 200]
    finally:
        process.terminate()
        process.wait(timeout=10)
